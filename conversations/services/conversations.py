"""Conversations: creation (contact found or created by email, first message, SLA, assignment),
priority, tags, subject and custom attributes, and per-agent last-seen."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from conversations.errors import ConversationError, NotFound
from conversations.models import (
    Contact,
    Conversation,
    ConversationReadState,
    Inbox,
    ReferenceSequence,
    SenderType,
    StatusCategory,
)
from conversations.services import defaults
from conversations.services.activity import activity_record, actor_name, emit_created, emit_updated
from conversations.services.assignment import conversation_assign_agent, conversation_assign_team
from conversations.services.catalog import priority_value, tags_get_or_create
from conversations.services.contacts import contact_get_or_create, ensure_not_blocked
from conversations.services.messages import message_create
from conversations.services.sla import sla_recompute
from helpdesk.models import Membership, Organization, Team
from helpdesk.services.notifications import notifications_mark_conversation_read

SUBJECT_MAX_LENGTH = 500
INITIATORS = ("contact", "agent")


def next_reference_number(organization: Organization) -> int:
    """The organization's next reference number. The UPDATE locks the counter row until the
    transaction ends, so concurrent creations get distinct numbers."""
    sequence, _ = ReferenceSequence.objects.get_or_create(organization=organization)
    ReferenceSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    return ReferenceSequence.objects.values_list("last_value", flat=True).get(pk=sequence.pk)


def _clean_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ConversationError(f"A subject has at most {SUBJECT_MAX_LENGTH} characters.", field="subject")
    return subject


@transaction.atomic
def conversation_create(
    *,
    organization: Organization,
    contact_email: str = "",
    content: str,
    contact: Contact | None = None,
    subject: str = "",
    first_name: str = "",
    last_name: str = "",
    initiator: str = "contact",
    inbox: Inbox | None = None,
    actor: Membership | None = None,
    team: Team | None = None,
    agent: Membership | None = None,
    attachment_ids=(),
    priority=None,
    tags: list[str] | None = None,
    custom_attributes: dict | None = None,
) -> Conversation:
    """Open a conversation. The contact is ``contact`` or found or created by email; the first message is
    incoming (``initiator="contact"``) or an outgoing reply by ``actor`` (``"agent"``). Then the
    SLA policy is applied and the conversation assigned (an agent, or a team, where round robin
    may pick the agent). Emits conversation.created, ticket.created and message.created."""
    if initiator not in INITIATORS:
        raise ConversationError("initiator must be contact or agent.", field="initiator")
    if initiator == "agent" and actor is None:
        raise ConversationError("An agent-initiated conversation needs an acting agent.", field="initiator")
    if custom_attributes is not None and not isinstance(custom_attributes, dict):
        raise ConversationError("custom_attributes must be an object.", field="custom_attributes")
    defaults.ensure(organization)
    if inbox is None:
        inbox = defaults.default_inbox(organization)
    elif inbox.organization_id != organization.pk:
        raise NotFound("Inbox not found.", field="inbox_id")
    if not inbox.enabled:
        raise ConversationError("This inbox is disabled.", field="inbox_id")
    if team is not None and team.organization_id != organization.pk:
        raise NotFound("Team not found.", field="team_id")
    if agent is not None and agent.organization_id != organization.pk:
        raise NotFound("Agent not found.", field="agent_id")
    if contact is None:
        contact, _ = contact_get_or_create(
            organization=organization, email=contact_email, first_name=first_name, last_name=last_name
        )
    elif contact.organization_id != organization.pk:
        raise NotFound("Contact not found.", field="contact")
    if initiator == "contact":
        ensure_not_blocked(contact)
    now = timezone.now()
    conversation = Conversation.objects.create(
        organization=organization,
        reference_number=next_reference_number(organization),
        subject=_clean_subject(subject),
        contact=contact,
        inbox=inbox,
        status=defaults.builtin_status(organization, StatusCategory.OPEN),
        priority=priority_value(priority),
        custom_attributes=custom_attributes or {},
        created_by=actor,
        last_message_at=now,
    )
    if tags:
        conversation.tags.set(tags_get_or_create(organization=organization, names=tags))
    activity_record(
        conversation=conversation,
        actor=actor,
        action="created",
        text=f"{actor_name(actor)} opened the conversation" if actor else "Conversation opened",
        meta={"initiator": initiator, "inbox_id": inbox.pk},
    )
    sla_recompute(conversation, reselect=True)
    conversation.save()
    message_create(
        conversation=conversation,
        content=content,
        actor=actor,
        sender_type=SenderType.CONTACT if initiator == "contact" else SenderType.AGENT,
        attachment_ids=attachment_ids,
    )
    emit_created(conversation)
    # The team first, then the agent: an explicit agent wins over the team's round robin and
    # stays assigned even when not a member of that team.
    if team is not None:
        conversation_assign_team(conversation=conversation, team=team, actor=actor, auto_assign=agent is None)
    if agent is not None:
        conversation_assign_agent(conversation=conversation, agent=agent, actor=actor)
    return conversation


@transaction.atomic
def conversation_set_priority(
    *, conversation: Conversation, priority, actor: Membership | None
) -> Conversation:
    """Set the priority by name or id (None clears it); the SLA policy is chosen again."""
    value = priority_value(priority)
    if value == conversation.priority:
        return conversation
    previous = conversation.priority_name
    conversation.priority = value
    sla_recompute(conversation, reselect=True)
    conversation.save()
    activity_record(
        conversation=conversation,
        actor=actor,
        action="priority_changed",
        text=f"{actor_name(actor)} set the priority to {conversation.priority_name or 'none'}",
        meta={"from": previous, "to": conversation.priority_name},
    )
    emit_updated(conversation, changes={"priority": conversation.priority_name})
    return conversation


@transaction.atomic
def conversation_set_tags(
    *,
    conversation: Conversation,
    actor: Membership | None,
    tags: list[str] | None = None,
    add: list[str] | None = None,
    remove: list[str] | None = None,
) -> Conversation:
    """Replace the tags (``tags``, Libredesk's POST tags) or add/remove some. Unknown tag names
    are created."""
    organization = conversation.organization
    current = {tag.name.lower(): tag for tag in conversation.tags.all()}
    if tags is not None:
        wanted = {tag.name.lower(): tag for tag in tags_get_or_create(organization=organization, names=tags)}
    else:
        wanted = dict(current)
        for tag in tags_get_or_create(organization=organization, names=add or []):
            wanted[tag.name.lower()] = tag
        for name in remove or []:
            wanted.pop(str(name).strip().lower(), None)
    added = [tag.name for key, tag in wanted.items() if key not in current]
    removed = [tag.name for key, tag in current.items() if key not in wanted]
    if not added and not removed:
        return conversation
    conversation.tags.set(list(wanted.values()))
    conversation.save(update_fields=["updated_at"])
    parts = []
    if added:
        parts.append(f"added the tag(s) {', '.join(added)}")
    if removed:
        parts.append(f"removed the tag(s) {', '.join(removed)}")
    activity_record(
        conversation=conversation,
        actor=actor,
        action="tags_changed",
        text=f"{actor_name(actor)} {' and '.join(parts)}",
        meta={"added": added, "removed": removed},
    )
    emit_updated(conversation, changes={"tags": sorted(tag.name for tag in wanted.values())})
    return conversation


@transaction.atomic
def conversation_update(
    *, conversation: Conversation, actor: Membership | None, subject=None, custom_attributes=None
) -> Conversation:
    """Change the subject and/or merge ``custom_attributes`` (null values remove keys)."""
    changes: dict = {}
    if subject is not None:
        subject = _clean_subject(subject)
        if subject != conversation.subject:
            conversation.subject = subject
            changes["subject"] = subject
    if custom_attributes is not None:
        if not isinstance(custom_attributes, dict):
            raise ConversationError("custom_attributes must be an object.", field="custom_attributes")
        merged = {**conversation.custom_attributes, **custom_attributes}
        merged = {key: value for key, value in merged.items() if value is not None}
        if merged != conversation.custom_attributes:
            conversation.custom_attributes = merged
            changes["custom_attributes"] = merged
    if not changes:
        return conversation
    conversation.save()
    if "subject" in changes:
        activity_record(
            conversation=conversation,
            actor=actor,
            action="subject_changed",
            text=f"{actor_name(actor)} changed the subject to “{conversation.subject}”",
        )
    emit_updated(conversation, changes=changes)
    return conversation


def conversation_mark_seen(*, conversation: Conversation, membership: Membership) -> ConversationReadState:
    """Record that ``membership`` has read the conversation up to now (its unread count drops to 0,
    and so do their notifications about it)."""
    state, _ = ConversationReadState.objects.update_or_create(
        conversation=conversation,
        membership=membership,
        defaults={"organization_id": conversation.organization_id, "last_seen_at": timezone.now()},
    )
    notifications_mark_conversation_read(membership=membership, conversation_id=conversation.pk)
    return state
