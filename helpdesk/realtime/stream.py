"""``sse_response``: one Server-Sent Events stream over the process's hub.

Under ASGI (uvicorn) the stream is an async generator: an open stream is a coroutine waiting on
its queue, not a thread (see ``_release_request_thread``). Under WSGI (``runserver``, the test suite's live server) it is a plain
generator on the server's thread. Either way it subscribes first, then replays the durable events
missed since ``last_event_id`` from the table, then writes live ones (skipping any the replay
already wrote), with a comment line every REALTIME_HEARTBEAT_SECONDS so proxies and the browser
keep the connection and a closed one is noticed."""

from __future__ import annotations

import asyncio
import queue
from collections.abc import AsyncIterator, Iterator

from asgiref.sync import SyncToAsync, sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import StreamingHttpResponse

from helpdesk.realtime import channel, store
from helpdesk.realtime.envelope import Envelope

MAX_QUEUED = 1000  # a stream this far behind is closed; the browser reconnects and replays
HEARTBEAT = b": heartbeat\n\n"
RESYNC = b"event: resync\ndata: {}\n\n"
OVERFLOW = object()


def sse_response(request, *, topics: list[str], last_event_id: int | None) -> StreamingHttpResponse:
    """A ``text/event-stream`` response carrying the events published on ``topics``. The caller
    has authenticated the reader and checked that it may read every topic. ``last_event_id``
    (the ``Last-Event-ID`` header of a reconnect, or the id a page was rendered at) replays the
    durable events after it; ``None`` starts with live events. Events after a gap too large to
    replay (pruned, or over store.REPLAY_LIMIT) are preceded by a ``resync`` event: reload."""
    topics = list(dict.fromkeys(topics))
    if isinstance(request, ASGIRequest):
        content = _async_stream(topics, last_event_id)
    else:
        content = _sync_stream(topics, last_event_id)
    response = StreamingHttpResponse(content, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _opening() -> bytes:
    return f"retry: {settings.REALTIME_RETRY_MS}\n\n".encode()


def _replay(topics: list[str], last_event_id: int | None) -> tuple[list[bytes], set[int]]:
    if last_event_id is None:
        return [], set()
    missed, resync = store.events_missed(topics=topics, after_id=last_event_id)
    if resync:
        return [RESYNC], set()
    return [envelope.frame for envelope in missed], {envelope.id for envelope in missed}


async def _release_request_thread() -> None:
    """Let go of the thread Django keeps for this request's sync parts (sessions, middleware, the
    view): asgiref holds one per request until the request ends, and a stream's request lasts
    hours. Each of those threads costs over half a megabyte of resident memory (its own malloc
    arena), so 200 streams would keep 200 idle threads. Its database connections are closed on
    it first; a later sync call of this request (request_finished) gets a fresh thread."""
    contexts = getattr(SyncToAsync, "thread_sensitive_context", None)
    executors = getattr(SyncToAsync, "context_to_thread_executor", None)
    if contexts is None or executors is None:
        return
    try:
        context = contexts.get()
    except LookupError:  # not under Django's ASGI handler (the test client): nothing held
        return
    executor = executors.get(context)
    if executor is None:
        return
    await sync_to_async(connections.close_all)()
    if executors.get(context) is executor:
        del executors[context]
        executor.shutdown(wait=False)


def _fresh(envelope: Envelope, replayed: set[int]) -> bool:
    """False for a durable event the replay already wrote (the hub may bring it again)."""
    if envelope.id is not None and envelope.id in replayed:
        replayed.discard(envelope.id)
        return False
    return True


async def _async_stream(topics: list[str], last_event_id: int | None) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    waiting: asyncio.Queue = asyncio.Queue()

    def put(item) -> None:
        if waiting.qsize() >= MAX_QUEUED:
            item = OVERFLOW
        waiting.put_nowait(item)

    def deliver(envelope: Envelope) -> None:
        if not loop.is_closed():
            loop.call_soon_threadsafe(put, envelope)

    hub = channel.hub()
    subscription = hub.subscribe(topics, deliver)
    try:
        yield _opening()
        frames, replayed = await sync_to_async(_replay)(topics, last_event_id)
        await _release_request_thread()
        for frame in frames:
            yield frame
        heartbeat = settings.REALTIME_HEARTBEAT_SECONDS
        while True:
            try:
                item = await asyncio.wait_for(waiting.get(), timeout=heartbeat)
            except TimeoutError:
                yield HEARTBEAT
                continue
            if item is OVERFLOW:
                return
            if _fresh(item, replayed):
                yield item.frame
    finally:
        hub.unsubscribe(subscription)


def _release_connections() -> None:
    """A WSGI stream holds its request thread until the reader goes (noticed at the next write):
    it needs the database no more, so it gives its connections back instead of holding one per
    open page (PostgreSQL refuses clients past max_connections). SQLite's are left (a test
    server shares one connection between its threads, and a file costs no server slot), and so
    is one inside a transaction, which is its owner's to end."""
    for connection in connections.all(initialized_only=True):
        if connection.vendor != "sqlite" and not connection.in_atomic_block:
            connection.close()


def _sync_stream(topics: list[str], last_event_id: int | None) -> Iterator[bytes]:
    waiting: queue.Queue = queue.Queue(maxsize=MAX_QUEUED)
    overflowed: list[bool] = []

    def deliver(envelope: Envelope) -> None:
        try:
            waiting.put_nowait(envelope)
        except queue.Full:
            overflowed.append(True)

    hub = channel.hub()
    subscription = hub.subscribe(topics, deliver)
    try:
        yield _opening()
        frames, replayed = _replay(topics, last_event_id)
        _release_connections()
        yield from frames
        heartbeat = settings.REALTIME_HEARTBEAT_SECONDS
        while True:
            try:
                item = waiting.get(timeout=heartbeat)
            except queue.Empty:
                yield HEARTBEAT
                continue
            if overflowed:
                return
            if _fresh(item, replayed):
                yield item.frame
    finally:
        hub.unsubscribe(subscription)
