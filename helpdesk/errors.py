"""The base of every domain refusal raised by services, in every app.

Services raise ``DomainError`` subclasses with a machine ``code``; the API's exception handler
turns them into the error shape with the status that code means, and UI views show the message.
Messages are for people: ``readable`` strips the Python internals (object reprs, memory
addresses) that a library's exception text can carry."""

import re

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
    "throttled": 429,
    "bad_gateway": 502,
    "unavailable": 503,
}


_OBJECT_REPR = re.compile(r"<[^<>\n]{0,200}? at 0x[0-9a-fA-F]+>")
_ADDRESS = re.compile(r"\s*\bat 0x[0-9a-fA-F]+\b")
_EXCEPTION_REPR = re.compile(r"\b[A-Z]\w*(?:Error|Exception)\((['\"])(.*?)\1\)")
_LOOSE_PUNCTUATION = re.compile(r"\s+([:;,.)])|\(\s*[:;,]\s*")


def readable(text: str) -> str:
    """``text`` fit to show people: no ``<_io.BytesIO object at 0x7f…>`` or other object reprs,
    no memory addresses, no traceback; the rest of the message is kept."""
    text = str(text or "")
    if "Traceback (most recent call last)" in text:
        text = text.split("Traceback (most recent call last)", 1)[0]
    text = _ADDRESS.sub("", _OBJECT_REPR.sub("", text))
    text = _EXCEPTION_REPR.sub(lambda match: match.group(2), text)
    text = _LOOSE_PUNCTUATION.sub(lambda match: match.group(1) or "(", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def exception_reason(exc: BaseException) -> str:
    """What a library's exception says, fit to show people: its arguments as text (bytes
    decoded, so an SMTP refusal reads ``535 5.7.8 Authentication failed``, not a tuple repr),
    internals removed; the exception's kind in words when it says nothing."""
    parts = []
    for arg in exc.args:
        if isinstance(arg, bytes):
            arg = arg.decode("utf-8", "replace")
        if isinstance(arg, str | int):
            parts.append(str(arg))
    text = readable(" ".join(parts) if parts else str(exc))
    if text:
        return text
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", exc.__class__.__name__).capitalize()


class DomainError(Exception):
    code = "invalid"

    def __init__(
        self, message: str, *, field: str | None = None, code: str | None = None, extra: dict | None = None
    ):
        message = readable(message)
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
