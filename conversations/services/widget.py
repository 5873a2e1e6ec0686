"""The public chat widget: a visitor on a bound domain opens conversations in the domain's
``web`` inbox and writes in them. The visitor token returned at the first conversation is the
only proof of who may read a conversation: it is random, returned once, stored hashed."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from conversations import channels
from conversations.errors import ConversationError
from conversations.models import Channel, Contact, Conversation, Domain, Message, WidgetVisitor
from conversations.services.contacts import contact_get_or_create, normalize_email
from conversations.services.conversations import conversation_create
from helpdesk import realtime

NAME_MAX_LENGTH = 100
TYPING_EVERY_SECONDS = 2


class MessageTooLong(ConversationError):
    code = "too_large"


def _check_size(content: str) -> None:
    limit = settings.WIDGET_MAX_MESSAGE_CHARS
    if len(content or "") > limit:
        raise MessageTooLong(f"A message has at most {limit} characters.", field="message")


def _split_name(name: str) -> tuple[str, str]:
    name = " ".join((name or "").split())[:NAME_MAX_LENGTH]
    first, _, last = name.partition(" ")
    return first, last


def visitor_for_token(*, domain: Domain, token: str) -> WidgetVisitor | None:
    """The visitor holding ``token`` on ``domain``, or None (unknown, or another domain's)."""
    if not token or len(token) > 200:
        return None
    return (
        WidgetVisitor.objects.select_related("contact")
        .filter(domain=domain, token_hash=WidgetVisitor.hash_token(token))
        .first()
    )


def _contact_for(*, domain: Domain, name: str, email: str, visitor: WidgetVisitor | None) -> Contact:
    first, last = _split_name(name)
    if email:
        contact, _ = contact_get_or_create(
            organization=domain.organization, email=normalize_email(email), first_name=first, last_name=last
        )
        return contact
    if visitor is not None:
        return visitor.contact
    return Contact.objects.create(organization=domain.organization, first_name=first, last_name=last)


@transaction.atomic
def widget_conversation_start(
    *, domain: Domain, message: str, name: str = "", email: str = "", visitor: WidgetVisitor | None = None
) -> tuple[Conversation, WidgetVisitor, str | None]:
    """Open a conversation in the domain's inbox with the visitor's first message. A new visitor
    gets a visitor token (returned once, third item); a known ``visitor`` keeps its own (None).
    The contact is found by email when one is given, else it is the visitor's or a new one."""
    _check_size(message)
    contact = _contact_for(domain=domain, name=name, email=email, visitor=visitor)
    conversation = conversation_create(
        organization=domain.organization,
        contact=contact,
        content=message,
        inbox=domain.inbox,
        initiator="contact",
        custom_attributes={"widget_domain_id": domain.pk},
    )
    token = None
    if visitor is None:
        token = secrets.token_urlsafe(24)
        visitor = WidgetVisitor.objects.create(
            organization=domain.organization,
            domain=domain,
            contact=contact,
            token_hash=WidgetVisitor.hash_token(token),
            last_seen_at=timezone.now(),
        )
    visitor.conversations.add(conversation)
    return conversation, visitor, token


def widget_message_send(*, visitor: WidgetVisitor, conversation: Conversation, content: str) -> Message:
    """The visitor writes in one of its conversations (the caller found it through the visitor)."""
    _check_size(content)
    message = channels.adapter_for(Channel.WEB).receive(conversation=conversation, content=content)
    WidgetVisitor.objects.filter(pk=visitor.pk).update(last_seen_at=timezone.now())
    return message


def widget_typing_announce(*, visitor: WidgetVisitor, conversation: Conversation) -> bool:
    """Tell the agents that the visitor is typing (live only; at most every 2 s). False when
    throttled."""
    from django.core.cache import cache

    key = f"widget-typing:{conversation.pk}:{visitor.pk}"
    if not cache.add(key, 1, timeout=TYPING_EVERY_SECONDS):
        return False
    realtime.publish(
        organization_id=conversation.organization_id,
        topics=[
            realtime.org_topic(conversation.organization_id),
            realtime.conversation_topic(conversation.uuid),
        ],
        event="typing",
        data={
            "conversation_uuid": str(conversation.uuid),
            "sender_type": "contact",
            "name": visitor.contact.full_name,
            "private": False,
        },
        durable=False,
    )
    return True
