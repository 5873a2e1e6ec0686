"""Long jobs: every background job records its status and progress on an Operation.

A failed operation can be retried: the app that owns the kind registers how to run it again."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import F
from django.utils import timezone

from helpdesk.errors import DomainError, readable
from helpdesk.models import Operation, Organization
from helpdesk.models.operation import OperationStatus

_retry_handlers: dict[str, Callable[[Operation], None]] = {}


class OperationError(DomainError):
    code = "conflict"

    pass


def register_retry(kind: str, handler: Callable[[Operation], None]) -> None:
    """``handler(operation)`` queues the job again for a failed operation of this kind."""
    _retry_handlers[kind] = handler


def operation_create(
    *,
    organization: Organization,
    kind: str,
    total: int = 0,
    message: str = "",
    params: dict | None = None,
    target_type: str = "",
    target_id: str | int = "",
    created_by=None,
) -> Operation:
    return Operation.objects.create(
        organization=organization,
        kind=kind,
        progress_total=total,
        message=message or "Queued",
        params=params or {},
        target_type=target_type,
        target_id=str(target_id),
        created_by=created_by,
    )


def operation_start(*, operation: Operation, total: int | None = None, message: str = "Running") -> Operation:
    operation.status = OperationStatus.RUNNING
    operation.started_at = operation.started_at or timezone.now()
    operation.finished_at = None
    operation.error = ""
    operation.message = message
    operation.attempts = F("attempts") + 1
    if total is not None:
        operation.progress_total = total
    operation.save()
    operation.refresh_from_db(fields=["attempts"])
    return operation


def operation_progress(
    *, operation: Operation, done: int, total: int | None = None, message: str | None = None
) -> None:
    fields = {"progress_done": done, "updated_at": timezone.now()}
    if total is not None:
        fields["progress_total"] = total
    if message is not None:
        fields["message"] = message
    Operation.objects.filter(pk=operation.pk).update(**fields)
    for key, value in fields.items():
        setattr(operation, key, value)


def operation_succeed(
    *, operation: Operation, result: dict | None = None, message: str = "Done"
) -> Operation:
    operation.status = OperationStatus.SUCCEEDED
    operation.result = result or {}
    operation.message = message
    operation.progress_done = max(operation.progress_done, operation.progress_total)
    operation.finished_at = timezone.now()
    operation.save()
    return operation


def operation_fail(*, operation: Operation, error: str) -> Operation:
    operation.status = OperationStatus.FAILED
    operation.error = readable(error)
    operation.message = "Failed"
    operation.finished_at = timezone.now()
    operation.save()
    return operation


def operation_retry(*, operation: Operation) -> Operation:
    if operation.status != OperationStatus.FAILED:
        raise OperationError("Only a failed operation can be retried.")
    handler = _retry_handlers.get(operation.kind)
    if handler is None:
        raise OperationError(f"Operations of kind '{operation.kind}' cannot be retried.")
    operation.status = OperationStatus.PENDING
    operation.message = "Queued again"
    operation.error = ""
    operation.progress_done = 0
    operation.save()
    handler(operation)
    return operation
