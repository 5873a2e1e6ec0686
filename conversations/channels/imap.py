"""Inbound email adapter: the one place Parley talks IMAP (``imaplib``). Failures become
``MailboxUnavailable`` (a ``BackendUnavailable``: unreachable, TLS, timeouts, the server's
errors) or ``MailboxLoginFailed`` (its subclass: the server refused the user or password), each
with a message people can read."""

from __future__ import annotations

import imaplib
import re
import ssl
from contextlib import contextmanager

from helpdesk.errors import BackendUnavailable, exception_reason

TIMEOUT_SECONDS = 30
UIDVALIDITY_RE = re.compile(rb"UIDVALIDITY (\d+)")


class MailboxUnavailable(BackendUnavailable):
    """The IMAP server could not be reached or failed."""


class MailboxLoginFailed(MailboxUnavailable):
    """The IMAP server refused the user name or password."""


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        value = b" ".join(v for v in value if isinstance(v, bytes))
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value).strip()


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapSession:
    def __init__(self, client: imaplib.IMAP4, uid_validity: int):
        self.client = client
        self.uid_validity = uid_validity

    def _ok(self, typ, data, doing: str):
        if typ != "OK":
            raise MailboxUnavailable(f"The IMAP server failed to {doing}: {_text(data)}")
        return data

    def uids(self, *, after: int) -> list[int]:
        """The folder's UIDs above ``after``, ascending (``UID n:*`` also answers the highest UID
        when none is above ``n``: it is filtered out)."""
        data = self._ok(*self.client.uid("SEARCH", None, f"UID {after + 1}:*"), "search the folder")
        return sorted(uid for uid in (int(v) for v in b" ".join(d for d in data if d).split()) if uid > after)

    def fetch(self, uid: int) -> bytes | None:
        """The whole message (BODY.PEEK: not marked seen by reading it); None if it is gone."""
        data = self._ok(*self.client.uid("FETCH", str(uid), "(BODY.PEEK[])"), "fetch a message")
        for item in data:
            if isinstance(item, tuple) and len(item) >= 2:
                return item[1]
        return None

    def mark_seen(self, uid: int) -> None:
        self._ok(*self.client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)"), "mark a message seen")

    def move(self, uid: int, folder: str) -> None:
        capabilities = self.client.capabilities
        if "MOVE" in capabilities:
            self._ok(*self.client.uid("MOVE", str(uid), _quote(folder)), f"move a message to {folder}")
            return
        self._ok(*self.client.uid("COPY", str(uid), _quote(folder)), f"copy a message to {folder}")
        self._ok(*self.client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted \Seen)"), "flag it deleted")
        self._ok(*self.client.expunge(), "expunge the folder")


@contextmanager
def session(*, host: str, port: int, security: str, username: str, password: str, folder: str):
    """A logged-in IMAP session on ``folder`` (selected read-write), logged out afterwards."""
    client = None
    try:
        try:
            if security == "tls":
                client = imaplib.IMAP4_SSL(
                    host, port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT_SECONDS
                )
            else:
                client = imaplib.IMAP4(host, port, timeout=TIMEOUT_SECONDS)
                if security == "starttls":
                    client.starttls(ssl_context=ssl.create_default_context())
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxUnavailable(
                f"The IMAP server {host}:{port} could not be reached: {exception_reason(exc)}"
            ) from exc
        try:
            client.login(username, password)
        except imaplib.IMAP4.error as exc:
            raise MailboxLoginFailed(
                f"The IMAP server refused the login of {username}: {_text(exc.args[0] if exc.args else exc)}"
            ) from exc
        try:
            typ, data = client.select(_quote(folder))
        except imaplib.IMAP4.error as exc:
            raise MailboxUnavailable(
                f"The folder {folder} could not be opened: {exception_reason(exc)}"
            ) from exc
        if typ != "OK":
            raise MailboxUnavailable(f"The folder {folder} could not be opened: {_text(data)}")
        responses = client.response("UIDVALIDITY")[1]
        uid_validity = int(responses[0]) if responses and responses[0] else 0
        yield ImapSession(client, uid_validity)
    except (OSError, imaplib.IMAP4.abort) as exc:
        raise MailboxUnavailable(f"The IMAP connection failed: {exception_reason(exc)}") from exc
    except imaplib.IMAP4.error as exc:
        raise MailboxUnavailable(f"The IMAP server failed: {exception_reason(exc)}") from exc
    finally:
        if client is not None:
            try:
                client.logout()
            except Exception:  # the connection is gone already: nothing to close politely
                pass
