"""Is the Ollama a chatbot uses reachable, and which models does it have? For the UI's banner and
model picker, so it must be cheap: one short ``/api/tags`` request (read and connect timeouts of
``PROBE_TIMEOUT`` at most, whatever ``OLLAMA_TIMEOUT`` says), remembered for ``CACHE_SECONDS``.

Only endpoints the organization may use are probed (``helpdesk.ollama.resolve_endpoint`` is the
gate), so a page can never be made to call an arbitrary address. The request goes through the
adapter's client and error translation (``helpdesk.ollama.client``) with a shorter timeout than
the answering path uses."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from helpdesk import ollama
from helpdesk.errors import DomainError
from helpdesk.ollama.client import cached_client, target_endpoint, translated_errors

PROBE_TIMEOUT = 2.0
CACHE_SECONDS = 30


@dataclass(frozen=True)
class OllamaStatus:
    endpoint: str
    reachable: bool
    models: list[str] = field(default_factory=list)
    error: str = ""

    def as_dict(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "reachable": self.reachable,
            "models": self.models,
            "error": self.error,
        }


def _key(organization, endpoint_setting: str | None) -> str:
    raw = f"{organization.pk}|{endpoint_setting or ''}|{organization.ollama_endpoint or ''}|{settings.OLLAMA_HOST}"
    return "chatbots:ollama-status:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def cached_status(organization, endpoint_setting: str | None = None) -> OllamaStatus | None:
    """The remembered status for this organization and endpoint setting, without any network."""
    value = cache.get(_key(organization, endpoint_setting))
    return OllamaStatus(**value) if value else None


def _probe(target: str) -> list[str]:
    connect = min(float(settings.OLLAMA_CONNECT_TIMEOUT), PROBE_TIMEOUT)
    read = min(float(settings.OLLAMA_TIMEOUT), PROBE_TIMEOUT)
    client = cached_client(target, read, connect, target == ollama.server_default_endpoint())
    with translated_errors(target):
        answer = client.list()
    return sorted(item.model for item in answer.models if item.model)


def ollama_status(
    organization, endpoint_setting: str | None = None, *, refresh: bool = False
) -> OllamaStatus:
    """Probe the endpoint a chatbot with ``endpoint_setting`` (blank: the organization's default)
    uses, unless a result younger than ``CACHE_SECONDS`` is remembered."""
    if not refresh:
        remembered = cached_status(organization, endpoint_setting)
        if remembered is not None:
            return remembered
    try:
        target = ollama.resolve_endpoint(organization, endpoint_setting or None)
    except DomainError as error:
        endpoint = (
            endpoint_setting or organization.ollama_endpoint or ollama.server_default_endpoint()
        ).strip()
        status = OllamaStatus(endpoint=endpoint, reachable=False, error=error.message)
    else:
        try:
            status = OllamaStatus(endpoint=target, reachable=True, models=_probe(target_endpoint(target)))
        except ollama.OllamaError as error:
            status = OllamaStatus(endpoint=target, reachable=False, error=error.message)
    cache.set(_key(organization, endpoint_setting), status.as_dict(), CACHE_SECONDS)
    return status


def forget_status(organization, endpoint_setting: str | None = None) -> None:
    cache.delete(_key(organization, endpoint_setting))
