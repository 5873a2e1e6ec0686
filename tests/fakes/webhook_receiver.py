"""A real HTTP server on 127.0.0.1 (random port) standing in for an integrator's webhook endpoint.

It records every request (method, path, headers, raw body) and answers from a scripted sequence
of status codes (then ``default_status``), optionally after a delay to provoke client timeouts::

    receiver = WebhookReceiver().start()
    receiver.statuses = [500, 200]        # first request 500, then 200
    receiver.delay = 2.0                  # hold each answer 2 s (released at stop())
    ... receiver.url ... receiver.requests[0].body ...
    receiver.stop()
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == wanted), None)

    def json(self):
        return json.loads(self.body)


class WebhookReceiver:
    def __init__(self, *, default_status: int = 200, response_body: bytes = b'{"ok": true}'):
        self.default_status = default_status
        self.response_body = response_body
        self.statuses: list[int] = []
        self.delay = 0.0
        self.requests: list[ReceivedRequest] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the receiver first"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/parley"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status = receiver._record(
                    ReceivedRequest(self.command, self.path, dict(self.headers.items()), body)
                )
                if receiver.delay:
                    receiver._released.wait(receiver.delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(receiver.response_body)))
                    self.end_headers()
                    self.wfile.write(receiver.response_body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

            do_POST = do_GET = do_PUT = _handle

            def log_message(self, format, *args):  # keep test output quiet
                pass

        self._released.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="webhook-receiver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()  # let delayed answers finish
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _record(self, request: ReceivedRequest) -> int:
        with self._lock:
            self.requests.append(request)
            return self.statuses.pop(0) if self.statuses else self.default_status

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
