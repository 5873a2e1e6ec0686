"""The ``ollama`` client, built lazily per endpoint with timeouts, and the error translation."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import ollama
from django.conf import settings

from helpdesk.ollama.endpoints import normalize_endpoint, server_default_endpoint
from helpdesk.ollama.errors import OllamaError, OllamaModelNotFound, OllamaUnavailable

logger = logging.getLogger("helpdesk.ollama")

_STAT_FIELDS = (
    "done_reason",
    "eval_count",
    "prompt_eval_count",
    "total_duration",
    "load_duration",
    "prompt_eval_duration",
    "eval_duration",
)


@functools.lru_cache(maxsize=32)
def cached_client(host: str, timeout: float, connect_timeout: float, send_api_key: bool) -> ollama.Client:
    """One client (and connection pool) per endpoint and timeout setting, never without timeouts."""
    client = ollama.Client(
        host=host, timeout=httpx.Timeout(timeout, connect=connect_timeout), follow_redirects=False
    )
    if not send_api_key:
        # ollama.Client adds $OLLAMA_API_KEY to every host; a tenant's endpoint must never see it.
        client._client.headers.pop("authorization", None)
    return client


if hasattr(os, "register_at_fork"):  # a forked worker must not share the parent's sockets
    os.register_at_fork(after_in_child=cached_client.cache_clear)


def target_endpoint(host: str | None) -> str:
    """``host`` in canonical form; ``None`` is the server's ``OLLAMA_HOST``."""
    return server_default_endpoint() if host is None else normalize_endpoint(host, field="host")


def client_for(target: str) -> ollama.Client:
    return cached_client(
        target,
        float(settings.OLLAMA_TIMEOUT),
        float(settings.OLLAMA_CONNECT_TIMEOUT),
        target == server_default_endpoint(),
    )


@contextmanager
def translated_errors(host: str, model: str | None = None) -> Iterator[None]:
    """Turn what the client and httpx raise into ``OllamaError`` and its subclasses."""
    try:
        yield
    except ollama.ResponseError as exc:
        detail = str(exc.error)[:300]
        if exc.status_code == 404 and "model" in detail.lower():
            raise OllamaModelNotFound(
                f"Ollama at {host} has no model '{model}'. Pull it there (ollama pull {model}) "
                "or choose another model.",
                field="model",
                extra={"host": host, "model": model},
            ) from exc
        raise OllamaError(
            f"Ollama at {host} refused the request ({exc.status_code}): {detail}",
            extra={"host": host, "model": model, "status": exc.status_code},
        ) from exc
    except httpx.TimeoutException as exc:
        logger.warning("ollama at %s timed out: %r", host, exc)
        raise OllamaUnavailable(
            f"Ollama at {host} did not answer in time ({exc.__class__.__name__}).", extra={"host": host}
        ) from exc
    except (ConnectionError, httpx.ConnectError) as exc:
        logger.warning("ollama at %s unreachable: %r", host, exc)
        raise OllamaUnavailable(f"Ollama at {host} is unreachable.", extra={"host": host}) from exc
    except httpx.TransportError as exc:
        logger.warning("ollama at %s failed mid-request: %r", host, exc)
        raise OllamaUnavailable(
            f"Ollama at {host} closed the connection before answering.", extra={"host": host}
        ) from exc
    except (ValueError, LookupError) as exc:  # not JSON, or JSON of the wrong shape
        raise OllamaError(
            f"Ollama at {host} sent an answer we could not read.", extra={"host": host}
        ) from exc


def response_stats(response) -> dict[str, Any]:
    return {"model": response.model, "done": bool(response.done)} | {
        name: getattr(response, name, None) for name in _STAT_FIELDS
    }
