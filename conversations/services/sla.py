"""SLA: business hours, policies and deadlines (missed targets: ``sla_breaches``).

Deadlines are a pure function of the conversation (``sla_recompute``): first response and
resolution count from ``created_at``; the next response counts from ``waiting_since`` (the
contact's oldest unanswered message) once the first reply was sent. All in business time of the
team's business hours, else the policy's, else calendar time. A target is at risk when less than
``AT_RISK_PERCENT`` of it, or less than ``AT_RISK_MINUTES``, is left. Clocks keep running while a
conversation is snoozed; resolving or closing it stops them."""

from __future__ import annotations

import math
from datetime import datetime

from django.utils import timezone

from conversations import business_time
from conversations.errors import ConversationError
from conversations.models import (
    BusinessHours,
    Conversation,
    Priority,
    SLAPolicy,
    StatusCategory,
)
from helpdesk.models import Organization

AT_RISK_PERCENT = 20
AT_RISK_MINUTES = 30
MAX_TARGET_MINUTES = 60 * 24 * 365
CONDITION_KEYS = ("priority", "inbox_id", "channel")
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


def _check_schedule(*, timezone_name, hours, holidays, is_always_open) -> None:
    try:
        business_time.build_schedule(
            timezone=timezone_name, hours=hours, holidays=holidays, always_open=is_always_open
        )
    except business_time.ScheduleError as exc:
        raise ConversationError(str(exc), field="hours")


def _normalized_hours(hours: dict) -> dict:
    normalized = {}
    for key, value in (hours or {}).items():
        intervals = value if isinstance(value, list) else ([value] if value else [])
        normalized[str(key).strip().lower()] = [
            {"open": str(item["open"]), "close": str(item["close"])} for item in intervals
        ]
    return normalized


def business_hours_create(*, organization: Organization, **fields) -> BusinessHours:
    return business_hours_update(business_hours=BusinessHours(organization=organization), **fields)


def business_hours_update(*, business_hours: BusinessHours, **changes) -> BusinessHours:
    allowed = {"name", "description", "timezone", "is_always_open", "hours", "holidays"}
    unknown = set(changes) - allowed
    if unknown:
        raise ConversationError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    for field, value in changes.items():
        setattr(business_hours, field, value)
    business_hours.name = (business_hours.name or "").strip()
    if not business_hours.name:
        raise ConversationError("Business hours need a name.", field="name")
    try:
        business_time.parse_timezone(business_hours.timezone)
    except business_time.ScheduleError as exc:
        raise ConversationError(str(exc), field="timezone")
    try:
        business_time.parse_holidays(business_hours.holidays or [])
    except business_time.ScheduleError as exc:
        raise ConversationError(str(exc), field="holidays")
    _check_schedule(
        timezone_name=business_hours.timezone,
        hours=business_hours.hours or {},
        holidays=business_hours.holidays or [],
        is_always_open=business_hours.is_always_open,
    )
    business_hours.hours = _normalized_hours(business_hours.hours)
    business_hours.holidays = [
        item if isinstance(item, dict) else {"date": str(item), "name": ""}
        for item in business_hours.holidays or []
    ]
    business_hours.save()
    return business_hours


def business_hours_delete(*, business_hours: BusinessHours) -> None:
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


def _clean_conditions(conditions) -> dict:
    if conditions in (None, ""):
        return {}
    if not isinstance(conditions, dict):
        raise ConversationError("conditions must be an object.", field="conditions")
    unknown = set(conditions) - set(CONDITION_KEYS)
    if unknown:
        raise ConversationError(
            f"Unknown condition(s) {', '.join(sorted(unknown))}; use {', '.join(CONDITION_KEYS)}.",
            field="conditions",
        )
    cleaned = {}
    for key, value in conditions.items():
        values = value if isinstance(value, list) else [value]
        if key == "priority":
            labels = {choice.label.lower(): choice.label for choice in Priority}
            bad = [v for v in values if str(v).lower() not in labels]
            if bad:
                raise ConversationError(f"Unknown priority {bad[0]!r}.", field="conditions")
            cleaned[key] = [labels[str(v).lower()] for v in values]
        elif key == "inbox_id":
            try:
                cleaned[key] = [int(v) for v in values]
            except (TypeError, ValueError):
                raise ConversationError("inbox_id must be a list of ids.", field="conditions")
        else:
            cleaned[key] = [str(v).lower() for v in values]
    return cleaned


def sla_policy_create(*, organization: Organization, **fields) -> SLAPolicy:
    return sla_policy_update(policy=SLAPolicy(organization=organization), **fields)


def sla_policy_update(*, policy: SLAPolicy, **changes) -> SLAPolicy:
    allowed = {
        "name",
        "description",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "conditions",
        "business_hours",
        "position",
        "is_active",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ConversationError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    if "conditions" in changes:
        changes["conditions"] = _clean_conditions(changes["conditions"])
    business_hours = changes.get("business_hours")
    if business_hours is not None and business_hours.organization_id != policy.organization_id:
        raise ConversationError("Unknown business hours.", field="business_hours_id", code="not_found")
    for field, value in changes.items():
        setattr(policy, field, value)
    policy.name = (policy.name or "").strip()
    if not policy.name:
        raise ConversationError("A policy needs a name.", field="name")
    targets = ("first_response_minutes", "next_response_minutes", "resolution_minutes")
    for target in targets:
        value = getattr(policy, target)
        if value is not None and not (1 <= value <= MAX_TARGET_MINUTES):
            raise ConversationError(f"{target} must be between 1 and {MAX_TARGET_MINUTES}.", field=target)
    if all(getattr(policy, target) is None for target in targets):
        raise ConversationError("A policy needs at least one target.", field="first_response_minutes")
    policy.save()
    return policy


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


def _matches(policy: SLAPolicy, conversation: Conversation) -> bool:
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
        if _matches(policy, conversation):
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
    if conversation.sla_next_deadline_at is None:
        return None
    now = now or timezone.now()
    if conversation.sla_next_deadline_at <= now:
        return "breached"
    if conversation.sla_at_risk_at is not None and conversation.sla_at_risk_at <= now:
        return "at_risk"
    return "on_track"
