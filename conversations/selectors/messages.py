"""A conversation's thread: messages, notes and activity entries, with senders and attachments."""

from __future__ import annotations

from django.db.models import QuerySet

from conversations.errors import ConversationError
from conversations.models import Conversation, Message, MessageType

ORDERINGS = ("created_at", "-created_at")


def message_list(
    *,
    conversation: Conversation,
    private: bool | None = None,
    types: list[str] | None = None,
    order_by: str = "created_at",
) -> QuerySet[Message]:
    """The thread, oldest first by default. ``private`` keeps only notes (True) or only public
    messages (False); ``types`` narrows to incoming/outgoing/activity."""
    if order_by not in ORDERINGS:
        raise ConversationError("order_by must be created_at or -created_at.", field="order_by")
    queryset = (
        Message.objects.filter(conversation=conversation)
        .select_related("sender_agent__user", "sender_contact")
        .prefetch_related("attachments")
    )
    if private is not None:
        queryset = queryset.filter(private=private)
    if types:
        unknown = set(types) - set(MessageType.values)
        if unknown:
            raise ConversationError(f"type must be among {', '.join(MessageType.values)}.", field="type")
        queryset = queryset.filter(type__in=types)
    return queryset.order_by(order_by, "id" if order_by == "created_at" else "-id")


def message_get(*, conversation: Conversation, uuid) -> Message | None:
    return (
        Message.objects.filter(conversation=conversation, uuid=uuid)
        .select_related("sender_agent__user", "sender_contact")
        .prefetch_related("attachments")
        .first()
    )
