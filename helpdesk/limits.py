"""Plan limits. Apps register how to count their resources (documents, chatbots, …) in
``AppConfig.ready()``; services call ``ensure_within_limit`` before creating one more."""

from __future__ import annotations

from collections.abc import Callable

from helpdesk.errors import DomainError
from helpdesk.models import Organization
from helpdesk.models.organization import LIMITED_RESOURCES

_counters: dict[str, Callable[[Organization], int]] = {}


class LimitExceeded(DomainError):
    """Creating one more would pass the plan's limit (the API answers 409)."""

    code = "limit_exceeded"

    def __init__(self, resource: str, limit: int):
        self.resource, self.limit = resource, limit
        label = resource.replace("_", " ")
        super().__init__(
            f"Your plan allows at most {limit} {label}. Remove some or upgrade the plan.",
            extra={"resource": resource, "limit": limit},
        )


def register_usage_counter(resource: str, counter: Callable[[Organization], int]) -> None:
    if resource not in LIMITED_RESOURCES:
        raise ValueError(f"unknown limited resource {resource!r}")
    _counters[resource] = counter


def usage(organization: Organization) -> dict[str, int]:
    return {resource: counter(organization) for resource, counter in _counters.items()}


def ensure_within_limit(organization: Organization, resource: str, adding: int = 1) -> None:
    limit = organization.limits.get(resource)
    if limit is None:
        return
    current = _counters[resource](organization) if resource in _counters else 0
    if current + adding > limit:
        raise LimitExceeded(resource, limit)
