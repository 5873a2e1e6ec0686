"""The one family of errors the Ollama adapter raises (``DomainError``: the API maps them)."""

from helpdesk.errors import BackendUnavailable, DomainError


class OllamaError(DomainError):
    """Ollama answered, but refused or failed the request (502)."""

    code = "bad_gateway"


class OllamaUnavailable(OllamaError, BackendUnavailable):
    """Ollama could not be reached, dropped the connection or did not answer in time (503).
    Transient: a ``BackendUnavailable``, so background jobs retry it."""

    code = "unavailable"


class OllamaModelNotFound(OllamaError):
    """The endpoint has no model of that name (502)."""

    code = "bad_gateway"
