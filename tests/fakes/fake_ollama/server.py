"""The fake Ollama HTTP server: routing, controls, streaming and request recording."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import select
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.fakes.fake_ollama.answers import DEFAULT_MODELS, VERSION, canonical, embedding, text_answer


class RecordedRequest(tuple):
    """``path, body = request`` unpacks; ``request.method`` and ``request.headers`` are there too."""

    def __new__(cls, path: str, body, *, method: str, headers: dict[str, str]):
        obj = super().__new__(cls, (path, body))
        obj.method, obj.headers = method, headers
        return obj

    @property
    def path(self) -> str:
        return self[0]

    @property
    def body(self):
        return self[1]


@dataclass
class StreamRecord:
    path: str
    model: str
    tokens_total: int
    tokens_sent: int = 0
    completed: bool = False
    disconnected: bool = False
    finished: bool = False


class _Dropped(Exception):
    pass


class FakeOllamaServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, models=DEFAULT_MODELS):
        super().__init__(("127.0.0.1", 0), _Handler)
        self._default_models = set(models)
        self._finished = threading.Condition()
        self._thread: threading.Thread | None = None
        self.reset()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def reset(self) -> None:
        self.models: set[str] = set(self._default_models)
        self.delay = 0.0
        self.fail_with: int | str | None = None
        self.fail_paths: set[str] | None = None
        self.reply_with = None
        self.requests: list[RecordedRequest] = []
        self.streams: list[StreamRecord] = []
        self.created: dict[str, dict] = {}

    def has_model(self, name: str) -> bool:
        return canonical(name) in {canonical(m) for m in self.models}

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    def wait_for_stream_end(self, timeout: float = 10.0) -> StreamRecord:
        """The first streamed answer of this test, once the server finished (or gave up) sending it."""
        with self._finished:
            if not self._finished.wait_for(lambda: self.streams and self.streams[0].finished, timeout):
                raise AssertionError("no streamed answer finished in time")
        return self.streams[0]

    def _stream_ended(self) -> None:
        with self._finished:
            self._finished.notify_all()

    def start(self) -> FakeOllamaServer:
        self._thread = threading.Thread(target=self.serve_forever, name="fake-ollama", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeOllamaServer

    def log_message(self, format, *args):  # keep test output quiet
        pass

    # --- plumbing -------------------------------------------------------------------------
    def _read_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            return None

    def _send_json(self, status: int, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        self._send_json(status, {"error": message})

    def _client_gone(self) -> bool:
        # poll(), not select(): select() cannot watch descriptors numbered 1024 or more, which a
        # long test session reaches.
        poller = select.poll()
        poller.register(self.connection, select.POLLIN | select.POLLHUP | select.POLLERR)
        if not poller.poll(0):
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        raise _Dropped

    def _stream(self, path: str, model: str, tokens: list[str], make_line, final: dict) -> None:
        record = StreamRecord(path=path, model=model, tokens_total=len(tokens))
        self.server.streams.append(record)
        drop_at = len(tokens) // 2 if self.server.fail_with == "drop_midstream" else None
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for index, token in enumerate(tokens):
                if index and self.server.delay:
                    time.sleep(self.server.delay)
                if index == drop_at:
                    self._drop()
                if self._client_gone():
                    raise BrokenPipeError
                self._chunk((json.dumps(make_line(token, False)) + "\n").encode())
                record.tokens_sent += 1
            if self._client_gone():
                raise BrokenPipeError
            self._chunk((json.dumps({**make_line("", True), **final}) + "\n").encode())
            self._chunk(b"")
            record.completed = True
        except (BrokenPipeError, ConnectionResetError):
            record.disconnected = True
            self.close_connection = True
        finally:
            record.finished = True
            self.server._stream_ended()

    # --- dispatch ---------------------------------------------------------------------------
    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        body = self._read_json() if method == "POST" else None
        self.server.requests.append(
            RecordedRequest(
                path, body, method=method, headers={k.lower(): v for k, v in self.headers.items()}
            )
        )
        routes = {
            ("GET", "/api/version"): self._version,
            ("GET", "/api/tags"): self._tags,
            ("POST", "/api/show"): self._show,
            ("POST", "/api/chat"): self._chat,
            ("POST", "/api/generate"): self._generate,
            ("POST", "/api/embed"): self._embed,
            ("POST", "/api/create"): self._create,
        }
        try:
            if self.server.delay:
                time.sleep(self.server.delay)
            failing = self.server.fail_paths is None or path in self.server.fail_paths
            if failing and self.server.fail_with == "drop":
                self._drop()
            if failing and isinstance(self.server.fail_with, int):
                return self._error(
                    self.server.fail_with, "llama runner process has terminated: exit status 2"
                )
            handler = routes.get((method, path))
            if handler is None:
                return self._send_json(404, {"error": "404 page not found"})
            if method == "POST" and not isinstance(body, dict):
                return self._error(400, "invalid request body")
            handler(body)
        except _Dropped:
            pass
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _known_model(self, body: dict, key: str = "model") -> str | None:
        name = str(body.get(key) or "")
        if not name:
            self._error(400, "model is required")
            return None
        if not self.server.has_model(name):
            self._error(404, f"model '{name}' not found")
            return None
        return name

    # --- endpoints ----------------------------------------------------------------------------
    def _version(self, _body):
        self._send_json(200, {"version": VERSION})

    def _details(self, name: str) -> dict:
        embed = "embed" in name
        return {
            "parent_model": "",
            "format": "gguf",
            "family": "nomic-bert" if embed else "llama",
            "families": ["nomic-bert" if embed else "llama"],
            "parameter_size": "137M" if embed else "3.2B",
            "quantization_level": "F16" if embed else "Q4_K_M",
        }

    def _tags(self, _body):
        models = []
        for name in sorted({canonical(m) for m in self.server.models}):
            models.append(
                {
                    "name": name,
                    "model": name,
                    "modified_at": "2025-01-01T00:00:00.000000000Z",
                    "size": 274302450 if "embed" in name else 2019393189,
                    "digest": hashlib.sha256(name.encode()).hexdigest(),
                    "details": self._details(name),
                }
            )
        self._send_json(200, {"models": models})

    def _show(self, body):
        name = self._known_model(body)
        if not name:
            return
        created = self.server.created.get(canonical(name), {})
        parameters = {"num_ctx": 4096, **(created.get("parameters") or {})}
        lines = [f"FROM {canonical(created.get('from') or name)}"]
        if created.get("system"):
            lines.append(f'SYSTEM """{created["system"]}"""')
        lines += [f"PARAMETER {key} {value}" for key, value in parameters.items()]
        answer = {
            "license": "",
            "modelfile": '# Modelfile generated by "ollama show"\n' + "\n".join(lines) + "\n",
            "parameters": "\n".join(f"{key} {value}" for key, value in parameters.items()),
            "template": "{{ .Prompt }}",
            "details": self._details(name),
            "model_info": {"general.architecture": self._details(name)["family"]},
            "capabilities": ["embedding"] if "embed" in name else ["completion"],
            "modified_at": "2025-01-01T00:00:00Z",
        }
        if created.get("system"):
            answer["system"] = created["system"]
        self._send_json(200, answer)

    def _generative(self, body: dict, path: str, texts: list[str], last: str, make_line) -> None:
        name = self._known_model(body)
        if not name:
            return
        if "embed" in name:
            return self._error(400, f'"{name}" does not support {path.rsplit("/", 1)[-1]}')
        answer = text_answer(body, texts, last, reply_with=self.server.reply_with)
        tokens = re.findall(r"\S+\s*", answer) or [answer]
        final = {
            "done_reason": "stop",
            "total_duration": 1_000_000 * (len(tokens) + 10),
            "load_duration": 1_000_000,
            "prompt_eval_count": sum(len(t.split()) for t in texts),
            "prompt_eval_duration": 1_000_000,
            "eval_count": len(tokens),
            "eval_duration": 1_000_000 * len(tokens),
        }
        if body.get("stream", True):
            self._stream(path, name, tokens, make_line, final)
        else:
            self._send_json(200, {**make_line(answer, True), **final})

    def _chat(self, body):
        messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
        texts = [str(m.get("content") or "") for m in messages if m.get("role") in ("system", "user")]
        users = [str(m.get("content") or "") for m in messages if m.get("role") == "user"]
        model = body.get("model")

        def line(token, done):
            message = {"role": "assistant", "content": token}
            return {"model": model, "created_at": _now(), "message": message, "done": done}

        self._generative(body, "/api/chat", texts, users[-1] if users else "", line)

    def _generate(self, body):
        prompt, system = str(body.get("prompt") or ""), str(body.get("system") or "")
        model = body.get("model")

        def line(token, done):
            return {"model": model, "created_at": _now(), "response": token, "done": done}

        self._generative(body, "/api/generate", [system, prompt], prompt, line)

    def _embed(self, body):
        name = self._known_model(body)
        if not name:
            return
        texts = body.get("input")
        texts = [texts] if isinstance(texts, str) else list(texts or [])
        self._send_json(
            200,
            {
                "model": name,
                "embeddings": [embedding(str(text)) for text in texts],
                "total_duration": 1_000_000,
                "load_duration": 1_000_000,
                "prompt_eval_count": sum(len(str(t).split()) for t in texts),
            },
        )

    def _create(self, body):
        name = str(body.get("model") or "")
        if not name:
            return self._error(400, "model is required")
        if body.get("from") and not self._known_model(body, key="from"):
            return
        self.server.created[canonical(name)] = {
            "from": body.get("from"),
            "system": body.get("system"),
            "parameters": body.get("parameters") or {},
        }
        self.server.models.add(name)
        statuses = ["reading model metadata", "creating system layer", "writing manifest", "success"]
        if body.get("stream", True):
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for status in statuses:
                self._chunk((json.dumps({"status": status}) + "\n").encode())
            self._chunk(b"")
        else:
            self._send_json(200, {"status": "success"})


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
