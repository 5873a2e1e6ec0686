"""Reading Server-Sent Events in tests: ``SSEReader`` over a Django streaming response (async or
sync iterator) or over raw bytes from a socket, giving one ``{"id", "event", "data"}`` per event
(comments and the ``retry:`` hint skipped)."""

from __future__ import annotations

import asyncio
import json


def parse_frame(frame: str) -> dict | None:
    fields: dict = {}
    data_lines = []
    for line in frame.split("\n"):
        if not line or line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data_lines.append(value)
        elif name in ("id", "event"):
            fields[name] = value
    if "event" not in fields and not data_lines:
        return None
    return {
        "id": int(fields["id"]) if "id" in fields else None,
        "event": fields.get("event", "message"),
        "data": json.loads("\n".join(data_lines)) if data_lines else None,
    }


class FrameBuffer:
    def __init__(self) -> None:
        self.buffer = ""
        self.frames: list[str] = []

    def feed(self, chunk: bytes) -> None:
        self.buffer += chunk.decode()
        while "\n\n" in self.buffer:
            frame, self.buffer = self.buffer.split("\n\n", 1)
            self.frames.append(frame)

    def pop_event(self) -> dict | None:
        while self.frames:
            event = parse_frame(self.frames.pop(0))
            if event is not None:
                return event
        return None


class AsyncSSEReader:
    """Pumps the response's async iterator from a task, so waiting with a timeout never cancels
    the stream itself. Use inside one event loop; ``close()`` ends the stream (as a disconnect)."""

    def __init__(self, response):
        self.response = response
        self.chunks: asyncio.Queue = asyncio.Queue()
        self.frames = FrameBuffer()
        self.raw = b""
        self.pump = asyncio.ensure_future(self._pump())

    async def _pump(self) -> None:
        async for chunk in self.response.streaming_content:
            await self.chunks.put(chunk)
        await self.chunks.put(None)

    async def _read(self, timeout: float) -> None:
        chunk = await asyncio.wait_for(self.chunks.get(), timeout)
        if chunk is None:
            raise EOFError("the stream ended")
        self.raw += chunk
        self.frames.feed(chunk)

    async def started(self) -> None:
        """Read the ``retry:`` hint: the stream is subscribed from then on."""
        while b"retry:" not in self.raw:
            await self._read(5.0)

    async def next_event(self, timeout: float = 5.0) -> dict:
        while True:
            event = self.frames.pop_event()
            if event is not None:
                return event
            await self._read(timeout)

    async def nothing_within(self, seconds: float) -> bool:
        try:
            event = await self.next_event(timeout=seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected event {event}")

    async def close(self) -> None:
        self.pump.cancel()
        try:
            await self.pump
        except asyncio.CancelledError:
            pass
