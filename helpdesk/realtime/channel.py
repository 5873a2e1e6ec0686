"""This process's backend and hub, built from settings on first use."""

from __future__ import annotations

import threading

from django.conf import settings

from helpdesk.realtime import store
from helpdesk.realtime.backends import backend_from_settings
from helpdesk.realtime.envelope import Envelope
from helpdesk.realtime.hub import Hub

_lock = threading.Lock()
_hub: Hub | None = None


def hub() -> Hub:
    global _hub
    with _lock:
        if _hub is None:
            _hub = Hub(backend_from_settings(settings))
        return _hub


def record(*, organization_id: int, topics: list[str], event: str, data: dict) -> Envelope:
    return store.event_record(organization_id=organization_id, topics=topics, event=event, data=data)


def send(envelope: Envelope) -> None:
    current = hub()
    current.backend.send(envelope, current)


def reset() -> None:
    """Stop this process's hub; the next use builds one from the current settings."""
    global _hub
    with _lock:
        previous, _hub = _hub, None
    if previous is not None:
        previous.stop()
