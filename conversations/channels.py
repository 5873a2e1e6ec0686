"""Outbound delivery of agents' replies, per inbox channel.

``api`` and ``web`` conversations have no transport of ours: the integrator or the widget reads
the reply through the API, so a reply is ``sent`` as soon as it is stored. ``email`` replies are
sent by a worker through the email adapter (``helpdesk.mail``, Django's backend from
``EMAIL_URL``); a failure marks the message ``failed`` and an agent may retry it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from conversations.errors import ConversationError
from conversations.models import Channel, Message
from helpdesk import mail


def needs_delivery(channel: str) -> bool:
    return channel == Channel.EMAIL


def deliver(message: Message) -> None:
    """Send the message through its conversation's channel. Raises ``ConversationError`` when
    the message cannot be sent as it is, and the adapter's ``mail.MailUnavailable`` (transient) or
    ``mail.MailRefused`` when the mail server did not take it."""
    conversation = message.conversation
    if conversation.inbox.channel != Channel.EMAIL:
        return
    meta = message.meta or {}
    to = meta.get("to") or [conversation.contact.email]
    if not any(to):
        raise ConversationError("The contact has no email address.")
    email = EmailMultiAlternatives(
        subject=f"[#{conversation.reference_number}] {conversation.subject}".strip(),
        body=message.text_content,
        from_email=conversation.inbox.email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        cc=meta.get("cc") or [],
        bcc=meta.get("bcc") or [],
        headers={"X-Parley-Conversation": str(conversation.uuid)},
    )
    email.attach_alternative(message.content, "text/html")
    for attachment in message.attachments.all():
        try:
            with attachment.file.open("rb") as handle:
                email.attach(attachment.filename, handle.read(), attachment.content_type)
        except (OSError, ValueError) as exc:  # the stored file is gone or unreadable
            raise ConversationError(f"The attachment {attachment.filename} could not be read.") from exc
    mail.send(email)
