"""The email channel: replies are ``pending`` until a worker sends them through the mail adapter
(``helpdesk.mail``, Django's backend from ``EMAIL_URL``); a failure marks the message ``failed``
and an agent may retry it. A mail from the contact is stored by ``receive`` (an incoming message)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from conversations.channels.base import ChannelAdapter
from conversations.errors import ConversationError
from conversations.models import Channel, Message, MessageStatus
from helpdesk import mail


class EmailChannel(ChannelAdapter):
    channel = Channel.EMAIL
    needs_delivery = True

    def deliver(self, message: Message) -> str:
        """Mail the reply to the contact (or its ``to``/``cc``/``bcc``). Raises
        ``ConversationError`` when it cannot be sent as it is, and the adapter's
        ``mail.MailUnavailable`` (transient) or ``mail.MailRefused`` when the server did not take it."""
        send(message)
        return MessageStatus.SENT


def send(message: Message) -> None:
    conversation = message.conversation
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
