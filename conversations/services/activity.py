"""Activity entries (the thread's record of who changed what, and when) and the domain events
every state change emits (``conversation.*``, ``ticket.*``, ``message.created``)."""

from __future__ import annotations

import html

from conversations.models import (
    Conversation,
    ConversationParticipant,
    Message,
    MessageType,
    SenderType,
    StatusCategory,
)
from helpdesk import events
from helpdesk.models import Membership


def actor_name(actor: Membership | None) -> str:
    if actor is None:
        return "System"
    return actor.user.full_name


def activity_record(
    *, conversation: Conversation, actor: Membership | None, action: str, text: str, meta: dict | None = None
) -> Message:
    """Add an activity entry to the thread. ``action`` is a machine name (status_changed,
    assigned_agent, …); ``text`` the human sentence shown in the thread."""
    entry = activity_build(conversation=conversation, actor=actor, action=action, text=text, meta=meta)
    entry.save()
    return entry


def activity_build(
    *, conversation: Conversation, actor: Membership | None, action: str, text: str, meta: dict | None = None
) -> Message:
    """The unsaved activity entry ``activity_record`` stores (bulk changes insert many at once)."""
    return Message(
        organization_id=conversation.organization_id,
        conversation=conversation,
        type=MessageType.ACTIVITY,
        private=True,
        content=html.escape(text),  # ``content`` is always safe HTML; names and subjects are not
        text_content=text,
        content_type="text",
        sender_type=SenderType.AGENT if actor else SenderType.SYSTEM,
        sender_agent=actor,
        meta={"action": action, **(meta or {})},
    )


def conversation_payload(conversation: Conversation) -> dict:
    contact = conversation.contact
    return {
        "id": conversation.pk,
        "uuid": str(conversation.uuid),
        "reference_number": str(conversation.reference_number),
        "subject": conversation.subject,
        "status": conversation.status.name,
        "status_category": conversation.status.category,
        "priority": conversation.priority_name,
        "inbox_id": conversation.inbox_id,
        "assigned_user_id": conversation.assigned_agent_id,
        "assigned_team_id": conversation.assigned_team_id,
        "contact": {
            "id": contact.pk,
            "email": contact.email,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "name": contact.full_name,
        },
        "created_at": conversation.created_at.isoformat() if conversation.created_at else None,
        "updated_at": conversation.updated_at.isoformat() if conversation.updated_at else None,
    }


def message_payload(message: Message) -> dict:
    return {
        "uuid": str(message.uuid),
        "conversation_uuid": str(message.conversation.uuid),
        "conversation_reference_number": str(message.conversation.reference_number),
        "type": message.type,
        "private": message.private,
        "sender_type": message.sender_type,
        "sender_id": message.sender_agent_id or message.sender_contact_id,
        "content": message.content,
        "text_content": message.text_content,
        "inbox_channel": message.conversation.inbox.channel,
        "created_at": message.created_at.isoformat(),
    }


def emit_created(conversation: Conversation) -> None:
    payload = conversation_payload(conversation)
    events.emit(conversation.organization, "conversation.created", payload)
    events.emit(conversation.organization, "ticket.created", payload)
    contact = conversation.contact
    nova = {
        "event": "conversation_created",
        "conversation_id": conversation.pk,
        "account_id": conversation.organization_id,
        "contact": {"name": contact.full_name, "email": contact.email},
    }
    events.emit(conversation.organization, "conversation_created", nova)


def updated_events(
    conversation: Conversation, *, changes: dict, previous_category: str | None = None
) -> list[tuple[str, dict]]:
    """The events of a change: ``changes``: field → new value. Status moves into
    resolved/closed also emit ``ticket.resolved``/``ticket.closed``."""
    payload = {**conversation_payload(conversation), "changes": changes}
    items = [("conversation.updated", payload), ("ticket.updated", payload)]
    category = conversation.status.category
    if previous_category is not None and category != previous_category:
        if category == StatusCategory.RESOLVED:
            items.append(("ticket.resolved", payload))
        elif category == StatusCategory.CLOSED:
            items.append(("ticket.closed", payload))
    return items


def emit_updated(conversation: Conversation, *, changes: dict, previous_category: str | None = None) -> None:
    """Emit the events of a change (``updated_events``)."""
    for name, payload in updated_events(conversation, changes=changes, previous_category=previous_category):
        events.emit(conversation.organization, name, payload)


def emit_message_created(message: Message) -> None:
    events.emit(message.conversation.organization, "message.created", message_payload(message))


def participant_add(*, conversation: Conversation, membership: Membership | None) -> None:
    if membership is None:
        return
    ConversationParticipant.objects.get_or_create(
        conversation=conversation,
        membership=membership,
        defaults={"organization_id": conversation.organization_id},
    )
