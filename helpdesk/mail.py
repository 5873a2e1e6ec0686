"""Outbound email adapter: the one place a Django email message is handed to the mail server.

``send(message)`` sends through the configured email backend (``EMAIL_URL``), ``check(connection)``
tries a server without sending (a mailbox's connection test); both turn what
``smtplib`` and the socket layer raise into two domain errors, so callers catch by class:

* ``MailUnavailable`` (a ``BackendUnavailable``): the server could not be reached, dropped the
  connection, timed out or answered with a temporary (4xx) failure; trying later may work.
* ``MailRefused``: the server refused for good (5xx: authentication, sender, recipients,
  content); retrying the same message will not help.

Both messages are the server's reply in words, never a Python tuple or class name."""

from __future__ import annotations

import smtplib
from contextlib import contextmanager

from django.core.mail import EmailMessage

from helpdesk.errors import BackendUnavailable, DomainError, exception_reason


class MailRefused(DomainError):
    """The mail server refused the message permanently."""

    code = "bad_gateway"


class MailUnavailable(BackendUnavailable):
    """The mail server could not be reached or failed temporarily."""


def _reply(code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def _failure(temporary: bool, reason: str) -> DomainError:
    if temporary:
        return MailUnavailable(f"The mail server failed temporarily: {reason}")
    return MailRefused(reason)


def send(message: EmailMessage) -> None:
    """Send ``message`` now; raises ``MailUnavailable`` or ``MailRefused`` when it was not sent."""
    with _translated():
        message.send(fail_silently=False)


def check(connection) -> None:
    """Connect to the mail server of ``connection`` (a Django email backend), sign in when it
    has credentials, and close: a mailbox's "test connection". Raises like ``send``."""
    with _translated():
        connection.open()
        connection.close()


@contextmanager
def _translated():
    try:
        yield
    except smtplib.SMTPRecipientsRefused as exc:
        refused = exc.recipients or {}
        replies = ", ".join(f"{address} ({_reply(*reply)})" for address, reply in refused.items())
        temporary = bool(refused) and all(400 <= reply[0] < 500 for reply in refused.values())
        reason = f"The mail server refused the recipients: {replies or 'all of them'}"
        raise _failure(temporary, reason) from exc
    except smtplib.SMTPResponseException as exc:  # authentication, sender, data, HELO, connect replies
        temporary = 400 <= exc.smtp_code < 500
        raise _failure(temporary, _reply(exc.smtp_code, exc.smtp_error)) from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise MailUnavailable(f"The mail server closed the connection: {exception_reason(exc)}") from exc
    except smtplib.SMTPException as exc:  # e.g. the server lacks a required extension (STARTTLS)
        raise MailRefused(exception_reason(exc)) from exc
    except OSError as exc:  # refused, unreachable, timed out, TLS failure
        raise MailUnavailable(f"The mail server could not be reached: {exception_reason(exc)}") from exc
