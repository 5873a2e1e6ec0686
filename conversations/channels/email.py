"""The email channel: replies are ``pending`` until a worker sends them through the mail adapter
(``helpdesk.mail``): the inbox's own SMTP server when its mailbox has one, else Django's backend
from ``EMAIL_URL``; a failure marks the message ``failed`` and an agent may retry it. Every reply
carries our own Message-ID (stored as an outbound ``EmailRecord``, the same one on a retry) and
In-Reply-To / References to the conversation's mail, so mail clients thread it and the
customer's answer comes back to the same conversation. A mail from the contact is stored by
``receive`` (an incoming message; ``services.email_import``)."""

from __future__ import annotations

from email.utils import formataddr, parseaddr
from html import escape

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from conversations.channels.base import ChannelAdapter
from conversations.content import html_to_email_text
from conversations.errors import ConversationError
from conversations.models import (
    Channel,
    EmailDirection,
    EmailOutcome,
    EmailRecord,
    Mailbox,
    Message,
    MessageStatus,
    SenderType,
)
from helpdesk import encryption, mail

MAX_REFERENCES = 20
SMTP_TIMEOUT_SECONDS = 30


class EmailChannel(ChannelAdapter):
    channel = Channel.EMAIL
    needs_delivery = True

    def deliver(self, message: Message) -> str:
        """Mail the reply to the contact (or its ``to``/``cc``/``bcc``). Raises
        ``ConversationError`` when it cannot be sent as it is, and the adapter's
        ``mail.MailUnavailable`` (transient) or ``mail.MailRefused`` when the server did not take it."""
        send(message)
        return MessageStatus.SENT


def _message_id(message: Message, from_address: str) -> str:
    """Our Message-ID of ``message`` (without <>), made once and kept for retries."""
    existing = (
        EmailRecord.objects.filter(message=message, direction=EmailDirection.OUTBOUND)
        .values_list("header_id", flat=True)
        .first()
    )
    if existing:
        return existing
    domain = from_address.rsplit("@", 1)[-1] if "@" in from_address else "parley.localhost"
    header_id = f"parley.{message.uuid.hex}@{domain}"  # the message's uuid: unique, never reused
    EmailRecord.objects.create(
        organization_id=message.organization_id,
        inbox_id=message.conversation.inbox_id,
        message=message,
        direction=EmailDirection.OUTBOUND,
        header_id=header_id,
        outcome=EmailOutcome.SENT,
    )
    return header_id


def _thread_headers(message: Message) -> dict[str, str]:
    """In-Reply-To (the contact's latest mail) and References (the thread, oldest first)."""
    ids = list(
        EmailRecord.objects.filter(message__conversation_id=message.conversation_id)
        .exclude(message=message)
        .order_by("-id")
        .values_list("header_id", "direction")[:MAX_REFERENCES]
    )
    if not ids:
        return {}
    latest_inbound = next(
        (header for header, direction in ids if direction == EmailDirection.INBOUND), ids[0][0]
    )
    return {
        "In-Reply-To": f"<{latest_inbound}>",
        "References": " ".join(f"<{header}>" for header, _ in reversed(ids)),
    }


def smtp_connection(mailbox: Mailbox | None):
    """The inbox's own SMTP server, or None for the server-wide ``EMAIL_URL`` backend."""
    if mailbox is None or not mailbox.smtp_host:
        return None
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=mailbox.smtp_host,
        port=mailbox.smtp_port,
        username=mailbox.smtp_username or None,
        password=encryption.decrypt(mailbox.smtp_password_encrypted) or None,
        use_tls=mailbox.smtp_security == "starttls",
        use_ssl=mailbox.smtp_security == "tls",
        timeout=SMTP_TIMEOUT_SECONDS,
        fail_silently=False,
    )


def _survey_parts(message: Message) -> tuple[str, str] | None:
    if message.sender_type != SenderType.SYSTEM:
        return None
    from conversations.services.csat_email import survey_mail_parts  # services import channels

    return survey_mail_parts(message)


def send(message: Message) -> None:
    conversation = message.conversation
    inbox = conversation.inbox
    mailbox = Mailbox.objects.filter(inbox=inbox).first()
    meta = message.meta or {}
    to = meta.get("to") or [conversation.contact.email]
    if not any(to):
        raise ConversationError("The contact has no email address.")
    if inbox.email:
        from_email = (
            formataddr((mailbox.from_name, inbox.email)) if mailbox and mailbox.from_name else inbox.email
        )
    else:
        from_email = settings.DEFAULT_FROM_EMAIL
    header_id = _message_id(message, parseaddr(from_email)[1])
    html = message.content
    text = html_to_email_text(html) if message.content_type == "html" else message.text_content
    survey = _survey_parts(message)
    if survey is not None:  # the resolve message: "How did we do?" and the survey's signed link
        text, html = f"{text}\n\n{survey[0]}", f"{html}{survey[1]}"
    if mailbox is not None and mailbox.signature:
        text = f"{text}\n\n-- \n{mailbox.signature}"
        lines = "<br>".join(escape(line) for line in mailbox.signature.splitlines())  # plain text
        html = f"{html}<p>-- <br>{lines}</p>"
    email = EmailMultiAlternatives(
        subject=f"[#{conversation.reference_number}] {conversation.subject}".strip(),
        body=text,
        from_email=from_email,
        to=to,
        cc=meta.get("cc") or [],
        bcc=meta.get("bcc") or [],
        headers={
            "X-Parley-Conversation": str(conversation.uuid),
            "Message-ID": f"<{header_id}>",
            **_thread_headers(message),
            # RFC 3834: the bot's answers and our notices are automatic, so other robots do not answer them.
            **({"Auto-Submitted": "auto-replied"} if message.sender_type == SenderType.BOT else {}),
            **({"Auto-Submitted": "auto-generated"} if message.sender_type == SenderType.SYSTEM else {}),
        },
        connection=smtp_connection(mailbox),
    )
    email.attach_alternative(html, "text/html")
    for attachment in message.attachments.all():
        try:
            with attachment.file.open("rb") as handle:
                email.attach(attachment.filename, handle.read(), attachment.content_type)
        except (OSError, ValueError) as exc:  # the stored file is gone or unreadable
            raise ConversationError(f"The attachment {attachment.filename} could not be read.") from exc
    mail.send(email)
