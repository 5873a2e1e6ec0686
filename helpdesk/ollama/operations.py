"""What the product asks of Ollama: chat (streamed or not), generate, embed, models, version."""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import Any

from helpdesk.ollama.client import client_for, response_stats, target_endpoint, translated_errors
from helpdesk.ollama.endpoints import validate_model_name
from helpdesk.ollama.errors import OllamaError

EMBED_BATCH_SIZE = 64


class ChatStream:
    """Content tokens of a streamed chat answer, in order, as Ollama produces them.

    The request is sent and its first token read when the stream is created, so an unreachable
    server or unknown model raises from ``chat()`` itself; later failures raise from iteration.
    ``close()`` (or leaving a ``with`` block, or dropping the stream) closes the HTTP response,
    which stops Ollama generating. After the last token, ``stats`` holds the final counts and
    ``content`` the whole answer."""

    def __init__(self, tokens: Generator[str, None, None], stats: dict[str, Any]):
        self._tokens = tokens
        self.stats = stats
        self.content = ""
        self._pending: list[str] = []
        try:
            self._pending.append(next(tokens))
        except StopIteration:
            pass

    def __iter__(self) -> ChatStream:
        return self

    def __next__(self) -> str:
        token = self._pending.pop() if self._pending else next(self._tokens)
        self.content += token
        return token

    def close(self) -> None:
        self._tokens.close()

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _chat_tokens(parts: Generator, host: str, model: str, stats: dict) -> Generator[str, None, None]:
    try:
        with translated_errors(host, model):
            for part in parts:
                if part.done:
                    stats.update(response_stats(part))
                if part.message and part.message.content:
                    yield part.message.content
    finally:
        parts.close()  # closes the httpx response: Ollama stops generating


def chat(
    messages: Sequence[Mapping[str, Any]],
    *,
    model: str,
    host: str | None = None,
    options: Mapping[str, Any] | None = None,
    stream: bool = False,
    format: str | dict | None = None,
    keep_alive: str | float | None = None,
) -> dict[str, Any] | ChatStream:
    """Ask ``model`` to continue ``messages`` ([{role, content}]).

    Without ``stream``: ``{"content", "model", "done", "done_reason", "eval_count",
    "prompt_eval_count", durations}``. With ``stream=True``: a ``ChatStream`` of content tokens.
    ``format`` is ``"json"`` or a JSON schema; ``options`` are Ollama options (temperature,
    num_predict, num_ctx…)."""
    target, model = target_endpoint(host), validate_model_name(model)
    client = client_for(target)
    payload = [dict(message) for message in messages]
    with translated_errors(target, model):
        answer = client.chat(
            model=model,
            messages=payload,
            options=dict(options) if options else None,
            stream=stream,
            format=format,
            keep_alive=keep_alive,
        )
        if not stream:
            return {"content": answer.message.content or ""} | response_stats(answer)
    stats: dict[str, Any] = {}
    return ChatStream(_chat_tokens(answer, target, model, stats), stats)


def generate(
    prompt: str,
    *,
    model: str,
    host: str | None = None,
    system: str | None = None,
    options: Mapping[str, Any] | None = None,
    format: str | dict | None = None,
) -> dict[str, Any]:
    """One completion of ``prompt`` (not streamed): ``{"content", "model", "done", counts…}``."""
    target, model = target_endpoint(host), validate_model_name(model)
    with translated_errors(target, model):
        answer = client_for(target).generate(
            model=model,
            prompt=prompt,
            system=system,
            options=dict(options) if options else None,
            format=format,
        )
        return {"content": answer.response or ""} | response_stats(answer)


def embed(texts: Sequence[str] | str, *, model: str, host: str | None = None) -> list[list[float]]:
    """One embedding per text, in order (batched requests to ``/api/embed``)."""
    target, model = target_endpoint(host), validate_model_name(model)
    texts = [texts] if isinstance(texts, str) else list(texts)
    vectors: list[list[float]] = []
    client = client_for(target)
    with translated_errors(target, model):
        for start in range(0, len(texts), EMBED_BATCH_SIZE):
            batch = texts[start : start + EMBED_BATCH_SIZE]
            answer = client.embed(model=model, input=batch)
            if len(answer.embeddings) != len(batch):
                raise OllamaError(
                    f"Ollama at {target} returned {len(answer.embeddings)} embeddings for {len(batch)} texts."
                )
            vectors += [[float(value) for value in vector] for vector in answer.embeddings]
    return vectors


def list_models(host: str | None = None) -> list[dict[str, Any]]:
    """The models the endpoint has: ``[{name, size, modified_at (ISO), details}]`` sorted by name."""
    target = target_endpoint(host)
    with translated_errors(target):
        answer = client_for(target).list()
    models = [
        {
            "name": item.model,
            "size": int(item.size) if item.size is not None else None,
            "modified_at": item.modified_at.isoformat() if item.modified_at else None,
            "details": item.details.model_dump(exclude_none=True) if item.details else {},
        }
        for item in answer.models
    ]
    return sorted(models, key=lambda item: item["name"] or "")


def show(model: str, host: str | None = None) -> dict[str, Any]:
    """What Ollama knows about ``model``: modelfile, parameters, template, details, capabilities."""
    target, model = target_endpoint(host), validate_model_name(model)
    with translated_errors(target, model):
        answer = client_for(target).show(model)
    return {
        "name": model,
        "modelfile": answer.modelfile or "",
        "parameters": answer.parameters or "",
        "template": answer.template or "",
        "details": answer.details.model_dump(exclude_none=True) if answer.details else {},
        "model_info": dict(answer.modelinfo or {}),
        "capabilities": list(answer.capabilities or []),
        "modified_at": answer.modified_at.isoformat() if answer.modified_at else None,
    }


def create(
    model: str,
    *,
    from_model: str,
    system: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    host: str | None = None,
) -> dict[str, Any]:
    """Create ``model`` derived from ``from_model`` with ``system`` and ``parameters`` baked in
    (Ollama's ``/api/create``). Returns ``{"model", "status": "success"}``."""
    target, model = target_endpoint(host), validate_model_name(model)
    from_model = validate_model_name(from_model, field="from_model")
    with translated_errors(target, from_model):
        answer = client_for(target).create(
            model=model,
            from_=from_model,
            system=system or None,
            parameters=dict(parameters) if parameters else None,
            stream=False,
        )
    if answer.status != "success":
        raise OllamaError(f"Ollama at {target} did not create '{model}': {answer.status}.")
    return {"model": model, "status": answer.status}


def server_version(host: str | None = None) -> str:
    """The Ollama server's version (``GET /api/version``); the cheapest liveness probe."""
    target = target_endpoint(host)
    with translated_errors(target):
        # The client has no method for /api/version; its raw request keeps its error handling.
        response = client_for(target)._request_raw("GET", "/api/version")
        return str(response.json()["version"])
