"""Mailboxes of email inboxes: their settings (passwords encrypted, never echoed), the
connection tests (IMAP and SMTP), and the poll: one at a time per mailbox (a lease taken by one conditional
update), outside any transaction while the IMAP server talks, each mail imported in its own
transaction together with the new ``last_uid``, so a poll that crashes mid-batch resumes where
it stopped and imports nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from conversations.channels import imap
from conversations.channels.email import smtp_connection
from conversations.errors import ConversationError
from conversations.models import AfterImport, Channel, EmailOutcome, Inbox, Mailbox
from conversations.services.email_import import email_import
from helpdesk import encryption, mail
from helpdesk.errors import DomainError

MAX_ERROR_LENGTH = 1000


def mailbox_for(inbox: Inbox) -> Mailbox | None:
    return Mailbox.objects.filter(inbox=inbox).first()


@transaction.atomic
def mailbox_save(
    *,
    inbox: Inbox,
    host: str,
    port: int,
    security: str,
    username: str,
    password: str | None,
    folder: str = "INBOX",
    after_import: str = AfterImport.MARK_SEEN,
    move_to_folder: str = "",
    poll_interval_seconds: int = 60,
    enabled: bool = True,
    bot_mode: str = "draft",
    from_name: str = "",
    signature: str = "",
    smtp_host: str = "",
    smtp_port: int = 587,
    smtp_security: str = "starttls",
    smtp_username: str = "",
    smtp_password: str | None = None,
) -> Mailbox:
    """Create or update ``inbox``'s mailbox. A password of None (or "") keeps the stored one.
    Changing the server, user or folder starts reading the folder again from its first UID
    (what was imported already is recognised by its Message-ID)."""
    if inbox.channel != Channel.EMAIL:
        raise ConversationError("Only an email inbox has a mailbox.", field="channel")
    if after_import == AfterImport.MOVE and not move_to_folder.strip():
        raise ConversationError("Name the folder imported mail moves to.", field="move_to_folder")
    if after_import == AfterImport.MOVE and move_to_folder.strip() == folder.strip():
        raise ConversationError(
            "Imported mail cannot move to the folder it is read from.", field="move_to_folder"
        )
    mailbox = Mailbox.objects.select_for_update().filter(inbox=inbox).first()
    if mailbox is None:
        if not password:
            raise ConversationError("Enter the mailbox password.", field="password")
        mailbox = Mailbox(organization_id=inbox.organization_id, inbox=inbox)
    elif (mailbox.host, mailbox.username, mailbox.folder) != (host, username, folder):
        mailbox.uid_validity, mailbox.last_uid = None, 0
    mailbox.host, mailbox.port, mailbox.security = host.strip(), port, security
    mailbox.username, mailbox.folder = username.strip(), folder.strip() or "INBOX"
    mailbox.after_import, mailbox.move_to_folder = after_import, move_to_folder.strip()
    mailbox.poll_interval_seconds, mailbox.enabled, mailbox.bot_mode = (
        poll_interval_seconds,
        enabled,
        bot_mode,
    )
    mailbox.from_name, mailbox.signature = from_name.strip(), signature.strip()[:2000]
    mailbox.smtp_host, mailbox.smtp_port, mailbox.smtp_security = smtp_host.strip(), smtp_port, smtp_security
    mailbox.smtp_username = smtp_username.strip()
    if password:
        mailbox.password_encrypted = encryption.encrypt(password)
    if smtp_password:
        mailbox.smtp_password_encrypted = encryption.encrypt(smtp_password)
    if not mailbox.smtp_host:
        mailbox.smtp_username, mailbox.smtp_password_encrypted = "", ""
    mailbox.next_poll_at = None  # poll soon with the new settings
    mailbox.save()
    return mailbox


# What ``mailbox_save`` takes, read back from a saved mailbox (passwords excepted): a partial
# change (the API's PATCH) starts from these.
SETTINGS = (
    "host", "port", "security", "username", "folder", "after_import", "move_to_folder",
    "poll_interval_seconds", "enabled", "bot_mode", "from_name", "signature",
    "smtp_host", "smtp_port", "smtp_security", "smtp_username",
)  # fmt: skip


def mailbox_settings(mailbox: Mailbox) -> dict:
    return {name: getattr(mailbox, name) for name in SETTINGS}


@transaction.atomic
def mailbox_delete(*, mailbox: Mailbox) -> None:
    """Disconnect the inbox from its mailbox: no more polls, nothing is sent by its SMTP server
    (replies use the server-wide mail settings). Imported conversations and the Message-IDs
    that thread them stay."""
    Mailbox.objects.filter(pk=mailbox.pk).delete()


def _session(mailbox: Mailbox):
    return imap.session(
        host=mailbox.host,
        port=mailbox.port,
        security=mailbox.security,
        username=mailbox.username,
        password=encryption.decrypt(mailbox.password_encrypted),
        folder=mailbox.folder,
    )


def mailbox_test_connection(*, mailbox: Mailbox) -> str:
    """Log in and open the folder; returns what was found, in words. Raises
    ``imap.MailboxUnavailable`` / ``imap.MailboxLoginFailed`` with the server's reason."""
    with _session(mailbox) as session:
        count = len(session.uids(after=0))
    return f"Connected: {count} message(s) in {mailbox.folder}."


def mailbox_test_smtp(*, mailbox: Mailbox) -> str:
    """Connect to the inbox's SMTP server (or the server-wide one) and sign in, sending nothing;
    returns what was found, in words. Raises ``mail.MailUnavailable`` / ``mail.MailRefused``."""
    connection = smtp_connection(mailbox)
    if connection is None:
        mail.check(get_connection())
        return "Replies leave by the server-wide mail settings (EMAIL_URL), which answered."
    mail.check(connection)
    signed_in = " and signed in" if mailbox.smtp_username else ""
    return f"Connected to {mailbox.smtp_host}:{mailbox.smtp_port}{signed_in}."


def _lease(mailbox_id: int, now: datetime) -> bool:
    until = now + timedelta(seconds=int(settings.MAILBOX_LEASE_SECONDS))
    return bool(
        Mailbox.objects.filter(pk=mailbox_id, enabled=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=until)
    )


def _finish(mailbox: Mailbox, *, count: int, error: str, now: datetime, pending: int | None) -> None:
    """Record the poll's outcome. Mail left in the folder (``pending``: a big first import goes
    ``MAILBOX_POLL_BATCH`` at a time) is polled again at the next beat tick, not after the interval."""
    changes = {}
    if pending is not None:
        changes["pending_count"] = pending
    again = now if pending and not error else now + timedelta(seconds=max(mailbox.poll_interval_seconds, 10))
    Mailbox.objects.filter(pk=mailbox.pk).update(
        lease_until=None,
        last_poll_at=now,
        last_poll_count=count,
        last_error=error[:MAX_ERROR_LENGTH],
        last_imported_total=F("last_imported_total") + count,
        next_poll_at=again,
        **changes,
    )


def mailbox_poll(*, mailbox_id: int, limit: int | None = None) -> int | None:
    """Import the mailbox's new mail; returns how many messages were imported (None: another
    poll holds the mailbox, or it is disabled). An unreachable server or a refused login is
    recorded as the mailbox's ``last_error`` (shown on the inbox settings page), not raised:
    the next poll tries again, and nothing is lost, because mail stays in the folder until it
    was imported."""
    now = timezone.now()
    if not _lease(mailbox_id, now):
        return None
    mailbox = Mailbox.objects.select_related("inbox").get(pk=mailbox_id)
    limit = limit or int(settings.MAILBOX_POLL_BATCH)
    imported, pending = 0, None
    try:
        with _session(mailbox) as session:
            if mailbox.uid_validity != session.uid_validity:  # the folder was rebuilt: read it again
                mailbox.uid_validity, mailbox.last_uid = session.uid_validity, 0
                Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=session.uid_validity, last_uid=0)
            uids = session.uids(after=mailbox.last_uid)
            pending = len(uids)
            for uid in uids[:limit]:
                raw = session.fetch(uid)
                if raw is not None:
                    with transaction.atomic():
                        record, created = email_import(
                            mailbox=mailbox, raw=raw, uid=uid, uid_validity=session.uid_validity
                        )
                        Mailbox.objects.filter(pk=mailbox.pk, last_uid__lt=uid).update(
                            last_uid=uid,
                            lease_until=timezone.now()
                            + timedelta(seconds=int(settings.MAILBOX_LEASE_SECONDS)),
                        )
                    if created and record.outcome == EmailOutcome.IMPORTED:
                        imported += 1
                    if mailbox.after_import == AfterImport.MOVE:
                        session.move(uid, mailbox.move_to_folder)
                    else:
                        session.mark_seen(uid)
                mailbox.last_uid = uid
                pending -= 1
    except (imap.MailboxUnavailable, DomainError) as exc:
        _finish(mailbox, count=imported, error=exc.message, now=timezone.now(), pending=pending)
        return imported
    except BaseException:
        _finish(
            mailbox,
            count=imported,
            error="The poll stopped unexpectedly; it resumes at the next poll.",
            now=timezone.now(),
            pending=pending,
        )
        raise
    _finish(mailbox, count=imported, error="", now=timezone.now(), pending=pending)
    return imported


def mailboxes_poll_now(*, mailboxes: list[Mailbox]) -> int:
    """Queue a poll of each of ``mailboxes`` now (an admin's "Poll now")."""
    from conversations import tasks  # tasks import services
    from helpdesk import jobs

    for mailbox in mailboxes:
        jobs.enqueue_on_commit(tasks.mailbox_poll, mailbox.pk)
    return len(mailboxes)


def mailboxes_poll_due(*, now: datetime | None = None) -> int:
    """Periodic: queue a poll of every enabled mailbox whose interval has passed (its inbox
    enabled too). Returns how many were queued."""
    from conversations import tasks  # tasks import services
    from helpdesk import jobs

    now = now or timezone.now()
    due = list(
        Mailbox.objects.filter(enabled=True, inbox__enabled=True, inbox__channel=Channel.EMAIL)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .values_list("pk", "poll_interval_seconds")
    )
    for pk, interval in due:
        Mailbox.objects.filter(pk=pk).update(next_poll_at=now + timedelta(seconds=max(interval, 10)))
        jobs.enqueue_on_commit(tasks.mailbox_poll, pk)
    return len(due)
