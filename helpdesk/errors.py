"""The base of every domain refusal raised by services, in every app.

Services raise ``DomainError`` subclasses with a machine ``code``; the API's exception handler
turns them into the error shape with the status that code means, and UI views show the message."""

STATUS_FOR_CODE = {
    "invalid": 400,
    "invalid_credentials": 401,
    "permission_denied": 403,
    "not_found": 404,
    "conflict": 409,
    "duplicate": 409,
    "limit_exceeded": 409,
    "too_large": 413,
    "unsupported_media_type": 415,
    "bad_gateway": 502,
    "unavailable": 503,
}


class DomainError(Exception):
    code = "invalid"

    def __init__(
        self, message: str, *, field: str | None = None, code: str | None = None, extra: dict | None = None
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code
        self.extra = extra or {}

    @property
    def status_code(self) -> int:
        return STATUS_FOR_CODE.get(self.code, 400)


class BackendUnavailable(DomainError):
    """A service outside the process (Ollama, the embedding model server, the vector store,
    outbound HTTP, SMTP/IMAP, the broker) could not be reached or answered with a transient
    failure. Every adapter raises a subclass; background jobs retry on this class (and only
    on it); the API answers 503 with the error shape."""

    code = "unavailable"
