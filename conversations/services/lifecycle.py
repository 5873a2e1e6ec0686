"""Status changes: open, snooze (with a duration or a time), resolve, close, reopen, and the
wake-up of snoozed conversations."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from conversations.errors import ConversationError
from conversations.models import Conversation, Status, StatusCategory
from conversations.services import defaults
from conversations.services.activity import activity_record, actor_name, emit_updated
from conversations.services.catalog import status_by_name
from conversations.services.csat import csat_conversation_resolved
from conversations.services.sla import sla_recompute
from helpdesk.models import Membership

MAX_SNOOZE = timedelta(days=366)
_DURATION = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


def parse_snooze_until(value, *, now: datetime | None = None) -> datetime:
    """A Libredesk duration (``30m``, ``1h``, ``3h``, ``100h``, also ``2d``, ``1w``, ``1h30m``) or
    an ISO 8601 time in the future (UTC when it has no offset)."""
    now = now or timezone.now()
    text = str(value or "").strip()
    match = _DURATION.match(text.lower().replace(" ", "")) if text else None
    if match and any(match.groups()):
        weeks, days, hours, minutes = (int(group or 0) for group in match.groups())
        delta = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)
        if delta <= timedelta(0):
            raise ConversationError("The snooze duration must be positive.", field="snoozed_until")
        if delta > MAX_SNOOZE:
            raise ConversationError(
                "A conversation can be snoozed for at most a year.", field="snoozed_until"
            )
        return now + delta
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise ConversationError(
            "snoozed_until must be a duration like 30m, 1h, 3h, 100h or an ISO 8601 time.",
            field="snoozed_until",
        )
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    if moment <= now:
        raise ConversationError("snoozed_until must be in the future.", field="snoozed_until")
    if moment - now > MAX_SNOOZE:
        raise ConversationError("A conversation can be snoozed for at most a year.", field="snoozed_until")
    return moment


def ensure_not_merged(conversation: Conversation) -> None:
    if conversation.merged_into_id:
        raise ConversationError(
            "This conversation was merged into another one; continue there.", code="conflict"
        )


@transaction.atomic
def conversation_set_status(
    *,
    conversation: Conversation,
    status: Status | str,
    actor: Membership | None,
    snoozed_until=None,
    reason: str = "",
) -> Conversation:
    """Move a conversation to a status (a Status or its name). Snoozing needs ``snoozed_until``.
    Resolving stamps ``resolved_at``, closing ``closed_at``; reopening clears both."""
    ensure_not_merged(conversation)
    if not isinstance(status, Status):
        status = status_by_name(organization=conversation.organization, name=status)
    elif status.organization_id != conversation.organization_id:
        raise ConversationError("Unknown status.", field="status", code="not_found")
    now = timezone.now()
    previous = conversation.status
    changes: dict = {}
    if status.category == StatusCategory.SNOOZED:
        if snoozed_until in (None, ""):
            raise ConversationError("snoozed_until is required to snooze.", field="snoozed_until")
        conversation.snoozed_until = parse_snooze_until(snoozed_until, now=now)
        changes["snoozed_until"] = conversation.snoozed_until.isoformat()
    elif status.pk == previous.pk:
        return conversation
    else:
        conversation.snoozed_until = None
    conversation.status = status
    changes["status"] = status.name
    if status.category == StatusCategory.RESOLVED:
        conversation.resolved_at = now
        conversation.closed_at = None
    elif status.category == StatusCategory.CLOSED:
        conversation.closed_at = now
    else:
        conversation.resolved_at = None
        conversation.closed_at = None
    sla_recompute(conversation)
    conversation.save()
    if status.category == StatusCategory.RESOLVED and previous.category != StatusCategory.RESOLVED:
        csat_conversation_resolved(conversation=conversation)
    if status.category == StatusCategory.SNOOZED:
        text = f"{actor_name(actor)} snoozed the conversation until {conversation.snoozed_until:%Y-%m-%d %H:%M} UTC"
    else:
        text = reason or f"{actor_name(actor)} changed the status from {previous.name} to {status.name}"
    activity_record(
        conversation=conversation,
        actor=actor,
        action="status_changed",
        text=text,
        meta={"from": previous.name, "to": status.name, **changes},
    )
    emit_updated(conversation, changes=changes, previous_category=previous.category)
    return conversation


def conversation_reopen(*, conversation: Conversation, actor: Membership | None, reason: str) -> Conversation:
    """Back to the built-in Open status (no-op when already in an open-category status)."""
    if conversation.status.category == StatusCategory.OPEN:
        return conversation
    return conversation_set_status(
        conversation=conversation,
        status=defaults.builtin_status(conversation.organization, StatusCategory.OPEN),
        actor=actor,
        reason=reason,
    )


def snooze_wake_due(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Beat job: reopen snoozed conversations whose time has come. Returns how many woke up."""
    now = now or timezone.now()
    due = list(
        Conversation.objects.filter(status__category=StatusCategory.SNOOZED, snoozed_until__lte=now)
        .select_related("organization", "status", "contact", "inbox", "assigned_team")
        .order_by("snoozed_until", "pk")[:limit]
    )
    for conversation in due:
        conversation_reopen(
            conversation=conversation, actor=None, reason="The snooze ended: conversation reopened"
        )
    return len(due)
