"""SLA: business hours, policies and deadlines (missed targets: ``sla_breaches``).

Deadlines are a pure function of the conversation (``sla_recompute``): first response and
resolution count from ``created_at``; the next response counts from ``waiting_since`` (the
contact's oldest unanswered message) once the first reply was sent. All in business time of the
team's business hours, else the policy's, else calendar time. A target is at risk when less than
``AT_RISK_PERCENT`` of it, or less than ``AT_RISK_MINUTES``, is left. Clocks keep running while a
conversation is snoozed; resolving or closing it stops them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime

from django.utils import timezone

from conversations import business_time
from conversations.errors import ConversationError, NotFound
from conversations.models import (
    BusinessHours,
    Conversation,
    Inbox,
    SLAPolicy,
    StatusCategory,
)
from helpdesk import events
from helpdesk.models import Organization
from helpdesk.unset import UNSET, Unset, given

AT_RISK_PERCENT = 20
AT_RISK_MINUTES = 30
STOPPED = (StatusCategory.RESOLVED, StatusCategory.CLOSED)
SLA_FIELDS = (
    "sla_policy",
    "first_response_deadline_at",
    "next_response_deadline_at",
    "resolution_deadline_at",
    "sla_next_deadline_at",
    "sla_at_risk_at",
)


# --- business hours -------------------------------------------------------------------------------


def _save_business_hours(business_hours: BusinessHours, changes: dict) -> BusinessHours:
    for field, value in changes.items():
        setattr(business_hours, field, value)
    if not business_hours.is_always_open and not any(business_hours.hours.values()):
        raise ConversationError("A schedule needs at least one open day (or is_always_open).", field="hours")
    business_hours.save()
    _hours_changed(business_hours)
    return business_hours


def _hours_changed(business_hours: BusinessHours) -> None:
    """Internal event (not a webhook one): durations counted in these hours may have to be counted
    again (the reports' rollup stores business time)."""
    events.emit(
        business_hours.organization,
        "business_hours.changed",
        {"organization_id": business_hours.organization_id, "business_hours_id": business_hours.pk},
    )


# The two signatures below are the one list of business hours' settings. Their shape (time zone,
# weekly hours, holidays) is checked by ``conversations.validators`` in the form and serializer.


def business_hours_create(
    *,
    organization: Organization,
    name: str,
    description: str = "",
    timezone: str = "UTC",
    is_always_open: bool = False,
    hours: Mapping[str, list[dict]] | None = None,
    holidays: Sequence[dict] = (),
) -> BusinessHours:
    """New business hours: open on at least one day, or always open."""
    changes = given(locals(), exclude=("organization",))
    changes.update(hours=dict(hours or {}), holidays=list(holidays))
    return _save_business_hours(BusinessHours(organization=organization), changes)


def business_hours_update(
    *,
    business_hours: BusinessHours,
    name: str | Unset = UNSET,
    description: str | Unset = UNSET,
    timezone: str | Unset = UNSET,
    is_always_open: bool | Unset = UNSET,
    hours: Mapping[str, list[dict]] | Unset = UNSET,
    holidays: Sequence[dict] | Unset = UNSET,
) -> BusinessHours:
    """Change the settings given (``UNSET`` ones stay), by the rule of ``business_hours_create``."""
    changes = given(locals(), exclude=("business_hours",))
    if "hours" in changes:
        changes["hours"] = dict(changes["hours"])
    if "holidays" in changes:
        changes["holidays"] = list(changes["holidays"])
    return _save_business_hours(business_hours, changes)


def business_hours_delete(*, business_hours: BusinessHours) -> None:
    _hours_changed(business_hours)
    business_hours.delete()


def schedule_for(business_hours: BusinessHours | None) -> business_time.Schedule | None:
    if business_hours is None:
        return None
    try:
        return business_time.build_schedule(
            timezone=business_hours.timezone,
            hours=business_hours.hours,
            holidays=business_hours.holidays,
            always_open=business_hours.is_always_open,
        )
    except business_time.ScheduleError:
        return None  # stored rows are validated; a broken one falls back to calendar time


# --- policies -------------------------------------------------------------------------------------


TARGETS = ("first_response_minutes", "next_response_minutes", "resolution_minutes")


def _save_policy(policy: SLAPolicy, changes: dict) -> SLAPolicy:
    organization_id = policy.organization_id
    if (
        changes.get("business_hours_id") is not None
        and not BusinessHours.objects.filter(
            organization_id=organization_id, pk=changes["business_hours_id"]
        ).exists()
    ):
        raise NotFound("Business hours not found.", field="business_hours_id")
    inbox_ids = set((changes.get("conditions") or {}).get("inbox_id", ()))
    if inbox_ids and Inbox.objects.filter(organization_id=organization_id, pk__in=inbox_ids).count() != len(
        inbox_ids
    ):
        raise ConversationError("Unknown inbox in inbox_id.", field="conditions")
    for field, value in changes.items():
        setattr(policy, field, value)
    if all(getattr(policy, target) is None for target in TARGETS):
        raise ConversationError("A policy needs at least one target.", field="first_response_minutes")
    policy.save()
    return policy


# The two signatures below are the one list of a policy's settings. Their shape (target ranges,
# conditions) is checked by ``conversations.validators`` in the form and serializer.


def sla_policy_create(
    *,
    organization: Organization,
    name: str,
    description: str = "",
    first_response_minutes: int | None = None,
    next_response_minutes: int | None = None,
    resolution_minutes: int | None = None,
    conditions: Mapping[str, list] | None = None,
    business_hours_id: int | None = None,
    position: int = 0,
    is_active: bool = True,
) -> SLAPolicy:
    """A new policy with at least one target; its business hours and the inboxes its conditions
    name are the organization's own."""
    changes = given(locals(), exclude=("organization",))
    changes.update(conditions=dict(conditions or {}))
    return _save_policy(SLAPolicy(organization=organization), changes)


def sla_policy_update(
    *,
    policy: SLAPolicy,
    name: str | Unset = UNSET,
    description: str | Unset = UNSET,
    first_response_minutes: int | None | Unset = UNSET,
    next_response_minutes: int | None | Unset = UNSET,
    resolution_minutes: int | None | Unset = UNSET,
    conditions: Mapping[str, list] | Unset = UNSET,
    business_hours_id: int | None | Unset = UNSET,
    position: int | Unset = UNSET,
    is_active: bool | Unset = UNSET,
) -> SLAPolicy:
    """Change the settings given (``UNSET`` ones stay), by the rules of ``sla_policy_create``."""
    changes = given(locals(), exclude=("policy",))
    if "conditions" in changes:
        changes["conditions"] = dict(changes["conditions"])
    return _save_policy(policy, changes)


def sla_policy_delete(*, policy: SLAPolicy) -> None:
    conversations = list(Conversation.objects.filter(sla_policy=policy).values_list("pk", flat=True))
    policy.delete()
    # Their deadlines belonged to the deleted policy: clear them.
    Conversation.objects.filter(pk__in=conversations).update(
        first_response_deadline_at=None,
        next_response_deadline_at=None,
        resolution_deadline_at=None,
        sla_next_deadline_at=None,
        sla_at_risk_at=None,
    )


def policy_matches(policy: SLAPolicy, conversation: Conversation) -> bool:
    """Whether the policy's conditions (priority, inbox, channel) hold for the conversation."""
    conditions = policy.conditions or {}
    if "priority" in conditions and conversation.priority_name not in conditions["priority"]:
        return False
    if "inbox_id" in conditions and conversation.inbox_id not in conditions["inbox_id"]:
        return False
    if "channel" in conditions and conversation.inbox.channel not in conditions["channel"]:
        return False
    return True


def sla_policy_for(conversation: Conversation) -> SLAPolicy | None:
    """The team's policy, else the first active policy whose conditions match."""
    team = conversation.assigned_team
    if team is not None and getattr(team, "sla_policy_id", None):
        policy = SLAPolicy.objects.filter(pk=team.sla_policy_id, is_active=True).first()
        if policy is not None:
            return policy
    for policy in SLAPolicy.objects.filter(organization_id=conversation.organization_id, is_active=True):
        if policy_matches(policy, conversation):
            return policy
    return None


# --- deadlines ------------------------------------------------------------------------------------


def _schedule_for_conversation(conversation: Conversation, policy: SLAPolicy):
    team = conversation.assigned_team
    if team is not None and getattr(team, "business_hours_id", None):
        return schedule_for(BusinessHours.objects.filter(pk=team.business_hours_id).first())
    if policy.business_hours_id:
        return schedule_for(policy.business_hours)
    return None


def at_risk_threshold(target_minutes: int) -> float:
    return min(target_minutes, max(math.ceil(target_minutes * AT_RISK_PERCENT / 100), AT_RISK_MINUTES))


def _target(anchor: datetime, minutes: int, schedule) -> tuple[datetime | None, datetime | None]:
    deadline = business_time.add_business_minutes(anchor, minutes, schedule)
    at_risk = business_time.add_business_minutes(anchor, minutes - at_risk_threshold(minutes), schedule)
    return deadline, at_risk


def sla_recompute(
    conversation: Conversation, *, policy: SLAPolicy | None = None, reselect: bool = False
) -> list[str]:
    """Set the conversation's policy (re-selected when ``reselect``) and every deadline from its
    current state. Returns the changed field names (the caller saves)."""
    before = {name: getattr(conversation, name) for name in SLA_FIELDS}
    if reselect:
        policy = sla_policy_for(conversation)
    elif policy is None:
        policy = conversation.sla_policy
    conversation.sla_policy = policy
    first = nxt = resolution = None
    pending: list[tuple[datetime, datetime]] = []
    if policy is not None:
        schedule = _schedule_for_conversation(conversation, policy)
        created = conversation.created_at or timezone.now()
        stopped = conversation.status.category in STOPPED
        if policy.first_response_minutes:
            first, risk = _target(created, policy.first_response_minutes, schedule)
            if first and conversation.first_reply_at is None and not stopped:
                pending.append((first, risk))
        if policy.resolution_minutes:
            resolution, risk = _target(created, policy.resolution_minutes, schedule)
            if resolution and conversation.resolved_at is None and not stopped:
                pending.append((resolution, risk))
        if policy.next_response_minutes and conversation.first_reply_at and conversation.waiting_since:
            nxt, risk = _target(conversation.waiting_since, policy.next_response_minutes, schedule)
            if nxt and not stopped:
                pending.append((nxt, risk))
    conversation.first_response_deadline_at = first
    conversation.resolution_deadline_at = resolution
    conversation.next_response_deadline_at = nxt
    conversation.sla_next_deadline_at = min((d for d, _ in pending), default=None)
    conversation.sla_at_risk_at = min((r for _, r in pending if r), default=None)
    return [name for name in SLA_FIELDS if getattr(conversation, name) != before[name]]


def sla_status_of(conversation: Conversation, *, now: datetime | None = None) -> str | None:
    """on_track, at_risk, breached, or None when no target is pending."""
    return sla_status_at(conversation.sla_next_deadline_at, conversation.sla_at_risk_at, now=now)


def sla_status_at(
    next_deadline_at: datetime | None, at_risk_at: datetime | None, *, now: datetime | None = None
) -> str | None:
    """``sla_status_of`` from a conversation's two SLA columns (for rows read as values)."""
    if next_deadline_at is None:
        return None
    now = now or timezone.now()
    if next_deadline_at <= now:
        return "breached"
    if at_risk_at is not None and at_risk_at <= now:
        return "at_risk"
    return "on_track"
