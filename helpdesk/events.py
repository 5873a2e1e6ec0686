"""Domain events: ``emit(organization, name, payload)`` runs subscribers after the transaction
commits, so no subscriber (webhooks, chatbots, …) ever sees a row that may still roll back.

Higher apps subscribe in ``AppConfig.ready()``; the helpdesk never imports them."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# The events an integrator can subscribe a webhook to (API.md, Webhooks).
EVENT_NAMES = (
    "ticket.created",
    "ticket.updated",
    "ticket.resolved",
    "ticket.closed",
    "conversation.created",
    "conversation_created",  # Nova Chat's name: {event, conversation_id, account_id, contact}
    "conversation.updated",
    "message.created",
    "chat.escalated",
    "document.processed",
    "training.completed",
    "sla.breached",
    "webhook.test",
)

Handler = Callable[[Any, str, dict], None]
_subscribers: dict[str, list[Handler]] = defaultdict(list)
# What subscribers read once for a whole batch (``batch_memo``), while ``emit_batch`` dispatches.
_batch_memo: ContextVar[dict | None] = ContextVar("parley_event_batch_memo", default=None)


def subscribe(name: str, handler: Handler) -> None:
    """Call ``handler(organization, name, payload)`` for each event ``name`` ("*" for all)."""
    if handler not in _subscribers[name]:
        _subscribers[name].append(handler)


def unsubscribe(name: str, handler: Handler) -> None:
    if handler in _subscribers[name]:
        _subscribers[name].remove(handler)


def emit(organization, name: str, payload: dict) -> None:
    """Publish an event once the current transaction (if any) commits."""
    transaction.on_commit(lambda: _dispatch(organization, name, payload))


def emit_batch(organization, items: list[tuple[str, dict]]) -> None:
    """Publish several events (``(name, payload)`` pairs) once the current transaction commits,
    dispatched together inside one transaction, each in a savepoint of its own: a bulk change
    commits what its subscribers write (real-time records, webhook deliveries) once, not once
    per event."""
    items = list(items)
    if not items:
        return

    def dispatch_all() -> None:
        token = _batch_memo.set({})
        try:
            with transaction.atomic():
                for name, payload in items:
                    with transaction.atomic():
                        _dispatch(organization, name, payload)
        finally:
            _batch_memo.reset(token)

    transaction.on_commit(dispatch_all)


def batch_memo(key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, read once per batch of events for the same ``key`` while ``emit_batch``
    dispatches (a subscriber's lookup that does not depend on the event's object, such as an
    organization's webhooks), and every time otherwise."""
    memo = _batch_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _dispatch(organization, name: str, payload: dict) -> None:
    for handler in [*_subscribers.get(name, ()), *_subscribers.get("*", ())]:
        try:
            handler(organization, name, payload)
        except Exception:  # one failing subscriber must not stop the others or the caller
            logger.exception("event subscriber %r failed for %s", handler, name)
