"""Merging two conversations of the same contact."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from conversations.content import preview
from conversations.errors import ConversationError
from conversations.models import (
    Conversation,
    ConversationParticipant,
    ConversationReadState,
    Message,
    MessageType,
    StatusCategory,
)
from conversations.services import defaults
from conversations.services.activity import activity_record, actor_name, emit_updated
from conversations.services.sla import sla_recompute
from helpdesk.models import Membership


def _refresh_last_message(conversation: Conversation) -> None:
    last = (
        Message.objects.filter(conversation=conversation, private=False)
        .exclude(type=MessageType.ACTIVITY)
        .order_by("-created_at", "-id")
        .first()
    )
    if last is not None:
        conversation.last_message_preview = preview(last.text_content) or "[attachment]"
        conversation.last_message_at = last.created_at
        conversation.last_message_sender = last.sender_type


@transaction.atomic
def conversation_merge(
    *, source: Conversation, target: Conversation, actor: Membership | None
) -> Conversation:
    """Merge ``source`` into ``target``: its messages (and their attachments) move to the target,
    tags and participants are combined, and ``source`` is closed with ``merged_into`` pointing at
    the target and an activity entry on both threads. Both must belong to the same contact."""
    if source.pk == target.pk:
        raise ConversationError("A conversation cannot be merged into itself.", field="into_uuid")
    if source.organization_id != target.organization_id:
        raise ConversationError("Conversation not found.", field="into_uuid", code="not_found")
    if source.contact_id != target.contact_id:
        raise ConversationError("Only conversations of the same contact can be merged.", field="into_uuid")
    if source.merged_into_id or target.merged_into_id:
        raise ConversationError("This conversation was merged already.", code="conflict")
    # Lock both rows in a fixed order, so two opposite merges cannot both pass the checks.
    list(Conversation.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk"))

    moved = Message.objects.filter(conversation=source).update(conversation=target)
    target.tags.add(*source.tags.all())
    for participant in ConversationParticipant.objects.filter(conversation=source):
        ConversationParticipant.objects.get_or_create(
            conversation=target,
            membership_id=participant.membership_id,
            defaults={"organization_id": target.organization_id},
        )
    ConversationReadState.objects.filter(conversation=source).delete()

    earliest = [value for value in (target.first_reply_at, source.first_reply_at) if value]
    target.first_reply_at = min(earliest) if earliest else None
    waiting = [value for value in (target.waiting_since, source.waiting_since) if value]
    target.waiting_since = min(waiting) if waiting else None
    last_replies = Message.objects.filter(conversation=target, type=MessageType.OUTGOING, private=False)
    target.last_reply_at = last_replies.order_by("-created_at").values_list("created_at", flat=True).first()
    _refresh_last_message(target)
    sla_recompute(target)
    target.save()

    previous_category = source.status.category
    source.status = defaults.builtin_status(source.organization, StatusCategory.CLOSED)
    source.snoozed_until = None
    source.closed_at = timezone.now()
    source.merged_into = target
    source.last_message_preview = f"Merged into #{target.reference_number}"
    sla_recompute(source)
    source.save()

    who = actor_name(actor)
    activity_record(
        conversation=source,
        actor=actor,
        action="merged_into",
        text=f"{who} merged this conversation into #{target.reference_number}",
        meta={"into_uuid": str(target.uuid), "into_reference_number": str(target.reference_number)},
    )
    activity_record(
        conversation=target,
        actor=actor,
        action="merged_from",
        text=f"{who} merged #{source.reference_number} into this conversation ({moved} messages moved)",
        meta={"from_uuid": str(source.uuid), "from_reference_number": str(source.reference_number)},
    )
    emit_updated(
        source,
        changes={"status": source.status.name, "merged_into_uuid": str(target.uuid)},
        previous_category=previous_category,
    )
    emit_updated(target, changes={"merged_from_uuid": str(source.uuid)})
    return target
