"""Secrets stored in the database (a mailbox's IMAP and SMTP passwords) are Fernet tokens
(``cryptography``: AES-128-CBC + HMAC-SHA256) whose key is derived by HKDF from
``SECRET_KEY``, so a database dump alone does not reveal
them. ``encrypt("")`` is ``""``; ``decrypt`` of a token made under another key raises
``SecretUnreadable`` (the key changed: the secret must be entered again)."""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from helpdesk.errors import DomainError

HKDF_INFO = b"parley stored secrets v1"


class SecretUnreadable(DomainError):
    """A stored secret cannot be decrypted with the current key."""

    code = "conflict"


@functools.lru_cache(maxsize=4)
def _fernet(master: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(master.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _current() -> Fernet:
    return _fernet(settings.SECRET_KEY)


def encrypt(secret: str) -> str:
    """The token to store for ``secret`` (``""`` for no secret)."""
    if not secret:
        return ""
    return _current().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    """The secret a stored token holds (``""`` for no token)."""
    if not token:
        return ""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(
            "A stored password cannot be read with this server's key (SECRET_KEY changed): enter it again."
        ) from exc
