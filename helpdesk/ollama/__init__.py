"""The Ollama adapter: the one place the product talks to an Ollama server.

It wraps the official ``ollama`` client (plain HTTP through httpx) and promises:

* every request has a timeout (``OLLAMA_TIMEOUT`` per read, ``OLLAMA_CONNECT_TIMEOUT`` to connect);
  the client's own default is to wait forever;
* transport failures (refused, unreachable, timed out, connection dropped) raise
  ``OllamaUnavailable`` (503), an unknown model ``OllamaModelNotFound`` (502) and any other answer
  Ollama refuses ``OllamaError`` (502), all ``DomainError`` so the API maps them by itself;
* only endpoints an admin configured are contacted: ``resolve_endpoint(organization, endpoint)``
  is the gate (the organization's ``ollama_endpoints``, its default endpoint, or the server's
  ``OLLAMA_HOST``); functions here take the ``host`` it returned (``None`` means ``OLLAMA_HOST``).
  Redirects are not followed, and the server's ``OLLAMA_API_KEY`` (which the client would send
  everywhere) goes only to ``OLLAMA_HOST``.
"""

from helpdesk.ollama.endpoints import (
    allowed_endpoints,
    default_model,
    guard_endpoint,
    normalize_endpoint,
    normalize_endpoints,
    resolve_endpoint,
    server_default_endpoint,
    validate_model_name,
)
from helpdesk.ollama.errors import OllamaError, OllamaModelNotFound, OllamaUnavailable
from helpdesk.ollama.operations import (
    ChatStream,
    chat,
    create,
    embed,
    generate,
    list_models,
    server_version,
    show,
)

__all__ = [
    "ChatStream",
    "OllamaError",
    "OllamaModelNotFound",
    "OllamaUnavailable",
    "allowed_endpoints",
    "chat",
    "create",
    "default_model",
    "embed",
    "generate",
    "guard_endpoint",
    "list_models",
    "normalize_endpoint",
    "normalize_endpoints",
    "resolve_endpoint",
    "server_default_endpoint",
    "server_version",
    "show",
    "validate_model_name",
]
