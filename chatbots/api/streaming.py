"""``text/event-stream`` responses for streamed answers.

Each event is ``event: <name>`` + ``data: <JSON>``. Under WSGI the response iterates the answer
stream directly; the server closes the response when the client goes away, which closes the
stream (and Ollama's request). Under ASGI the same stream is consumed from a thread, one event at
a time, so tokens leave as they come instead of being buffered; a disconnect cancels the async
iterator, whose ``finally`` closes the stream in the same thread."""

from __future__ import annotations

import json

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from rest_framework import renderers

_END = object()


def encode_event(event: str, data: dict) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, default=str, ensure_ascii=False)}\n\n".encode()


class EventStreamRenderer(renderers.BaseRenderer):
    """Lets clients that accept only ``text/event-stream`` (EventSource, most SSE libraries) reach
    the chat endpoints. Streamed answers bypass renderers; this renders everything else — an
    error (``event: error``) or a non-streamed answer (``event: done``) — as one event."""

    media_type = "text/event-stream"
    format = "sse"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        response = (renderer_context or {}).get("response")
        event = "error" if response is not None and response.status_code >= 400 else "done"
        return encode_event(event, data)


def _sync_events(stream):
    try:
        for event, data in stream:
            yield encode_event(event, data)
    finally:
        stream.close()


def _next(stream):
    return next(stream, _END)


async def _async_events(stream):
    step = sync_to_async(_next, thread_sensitive=True)
    try:
        while True:
            item = await step(stream)
            if item is _END:
                break
            yield encode_event(*item)
    finally:
        await sync_to_async(stream.close, thread_sensitive=True)()


def event_stream_response(stream, *, request) -> StreamingHttpResponse:
    """``stream`` iterates ``(event, data)`` pairs and has ``close()``."""
    django_request = getattr(request, "_request", request)
    content = _async_events(stream) if isinstance(django_request, ASGIRequest) else _sync_events(stream)
    response = StreamingHttpResponse(content, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: do not buffer the tokens
    return response
