"""The real-time channel: server push to agents' browsers and to widget visitors over SSE.

    publish(organization_id=…, topics=["org:1", "conversation:<uuid>"], event="message.created",
            data={…}, durable=True)
    sse_response(request, topics=[…], last_event_id=…)  # from an endpoint that checked access

Topics: ``org:{organization_id}`` (the agents' inbox list), ``agent:{membership_id}`` (one
agent's notifications) and ``conversation:{uuid}`` (an open conversation, for its agents and its
widget visitor). Durable events are rows of
``helpdesk.RealtimeEvent`` whose id is the SSE ``id:``, so a reconnect with ``Last-Event-ID``
receives what it missed; live-only events (typing, ``message.delta`` tokens) are pushed and
forgotten. How events cross processes: ``helpdesk.realtime.backends``."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor

from django.core.signals import setting_changed
from django.db import DatabaseError, transaction

from helpdesk.errors import BackendUnavailable
from helpdesk.realtime import channel
from helpdesk.realtime.envelope import Envelope, encode_data
from helpdesk.realtime.stream import sse_response

__all__ = ["Envelope", "agent_topic", "org_topic", "conversation_topic", "publish", "sse_response"]

logger = logging.getLogger(__name__)

TOPIC = re.compile(
    r"^((?:org|agent):[1-9][0-9]{0,18}|conversation:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)
EVENT = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
# Publishing from async code (a streamed answer's tokens) must neither block the event loop nor
# reorder the tokens: one thread takes them in order.
_async_publisher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parley-realtime-publish")


def org_topic(organization_id: int) -> str:
    return f"org:{organization_id}"


def agent_topic(membership_id: int) -> str:
    """One agent's own events (their notifications), read by that member only."""
    return f"agent:{membership_id}"


def conversation_topic(conversation_uuid) -> str:
    return f"conversation:{conversation_uuid}"


def publish(*, organization_id: int, topics: list[str], event: str, data: dict, durable: bool = True) -> None:
    """Push ``event`` with ``data`` to every stream subscribed to one of ``topics``, after the
    current transaction commits (at once outside one). A durable event gets an id and is replayed
    to a stream that reconnects with ``Last-Event-ID``; a live-only one reaches open streams only.
    Never raises for a backend failure (the write that caused it has committed): it is logged and
    open browsers catch up on their next reconnect."""
    topics = list(dict.fromkeys(topics))
    bad = [topic for topic in topics if not isinstance(topic, str) or not TOPIC.match(topic)]
    if not topics or bad:
        raise ValueError(f"topics must be org:<id>, agent:<id> or conversation:<uuid>, got {bad or topics}")
    if not EVENT.match(event):
        raise ValueError(f"event names are lowercase words with dots, got {event!r}")
    encode_data(data)  # not JSON-serialisable: fail in the caller, not later in a callback

    def send() -> None:
        try:
            if durable:
                envelope = channel.record(
                    organization_id=organization_id, topics=topics, event=event, data=data
                )
            else:
                envelope = Envelope(
                    organization_id=organization_id, topics=tuple(topics), event=event, data=data
                )
            channel.send(envelope)
        except BackendUnavailable as error:
            logger.warning("real-time event %s not pushed: %s", event, error.message)
        except DatabaseError:
            logger.exception("real-time event %s not recorded", event)

    if _in_async_code():
        _async_publisher.submit(send)
        return
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(send)
    else:  # no transaction (and, for a live-only event, no need to open a database connection)
        send()


def _in_async_code() -> bool:
    """Like Django's own check for the ORM: a running event loop in this thread, unless
    DJANGO_ALLOW_ASYNC_UNSAFE says the sync ORM may run there (a greenlet-driven browser test)."""
    if os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE"):
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _settings_changed(*, setting, **kwargs) -> None:
    if setting.startswith("REALTIME_") or setting == "REDIS_URL":
        channel.reset()


setting_changed.connect(_settings_changed)
