"""Outbound delivery of agents' replies, per inbox channel.

``api`` and ``web`` conversations have no transport of ours: the integrator or the widget reads
the reply through the API, so a reply is ``sent`` as soon as it is stored. ``email`` replies are
sent by a worker with Django's email backend (``EMAIL_URL``); a failure marks the message
``failed`` and an agent may retry it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from conversations.models import Channel, Message


def needs_delivery(channel: str) -> bool:
    return channel == Channel.EMAIL


def deliver(message: Message) -> None:
    """Send the message through its conversation's channel; raises when it could not be sent."""
    conversation = message.conversation
    if conversation.inbox.channel != Channel.EMAIL:
        return
    meta = message.meta or {}
    to = meta.get("to") or [conversation.contact.email]
    if not any(to):
        raise ValueError("The contact has no email address.")
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
        with attachment.file.open("rb") as handle:
            email.attach(attachment.filename, handle.read(), attachment.content_type)
    email.send(fail_silently=False)
