"""SLA breaches: each missed target is recorded once (``SLABreach``), with an activity entry and
the ``sla.breached`` event; ``sla_check_due`` is the beat job that finds them."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from conversations.models import Conversation, SLABreach, SLAMetric
from conversations.services.activity import activity_record, conversation_payload
from conversations.services.sla import STOPPED
from helpdesk import events

MAX_CHECKED_PER_RUN = 10_000  # the next run picks up the rest


def _missed_metrics(conversation: Conversation, now: datetime) -> list[tuple[str, datetime]]:
    missed = []
    if (
        conversation.first_response_deadline_at
        and conversation.first_reply_at is None
        and conversation.first_response_deadline_at <= now
    ):
        missed.append((SLAMetric.FIRST_RESPONSE, conversation.first_response_deadline_at))
    if (
        conversation.next_response_deadline_at
        and conversation.waiting_since is not None
        and conversation.next_response_deadline_at <= now
    ):
        missed.append((SLAMetric.NEXT_RESPONSE, conversation.next_response_deadline_at))
    if (
        conversation.resolution_deadline_at
        and conversation.resolved_at is None
        and conversation.resolution_deadline_at <= now
    ):
        missed.append((SLAMetric.RESOLUTION, conversation.resolution_deadline_at))
    return missed


def sla_record_breaches(*, conversation: Conversation, now: datetime | None = None) -> list[SLABreach]:
    """Record each missed target once; emits ``sla.breached`` and an activity entry for new ones.
    Safe to run any number of times."""
    now = now or timezone.now()
    if conversation.status.category in STOPPED:
        return []
    created = []
    for metric, deadline in _missed_metrics(conversation, now):
        try:
            with transaction.atomic():
                breach = SLABreach.objects.create(
                    organization_id=conversation.organization_id,
                    conversation=conversation,
                    metric=metric,
                    deadline_at=deadline,
                )
        except IntegrityError:
            continue  # recorded before
        label = SLAMetric(metric).label.lower()
        activity_record(
            conversation=conversation,
            actor=None,
            action="sla_breached",
            text=f"SLA {label} target missed (due {deadline:%Y-%m-%d %H:%M} UTC)",
            meta={"metric": metric, "deadline_at": deadline.isoformat()},
        )
        events.emit(
            conversation.organization,
            "sla.breached",
            {
                **conversation_payload(conversation),
                "metric": metric,
                "deadline_at": deadline.isoformat(),
                "sla_policy_id": conversation.sla_policy_id,
            },
        )
        created.append(breach)
    return created


def _unrecorded(metric: str, deadline_field: str):
    recorded = SLABreach.objects.filter(
        conversation_id=OuterRef("pk"), metric=metric, deadline_at=OuterRef(deadline_field)
    )
    return ~Exists(recorded)


def sla_check_due(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Beat job: record the breaches of every conversation with a missed target not recorded yet.
    Returns how many were recorded."""
    now = now or timezone.now()
    missed = (
        (
            Q(first_response_deadline_at__lte=now, first_reply_at__isnull=True)
            & _unrecorded(SLAMetric.FIRST_RESPONSE, "first_response_deadline_at")
        )
        | (
            Q(next_response_deadline_at__lte=now, waiting_since__isnull=False)
            & _unrecorded(SLAMetric.NEXT_RESPONSE, "next_response_deadline_at")
        )
        | (
            Q(resolution_deadline_at__lte=now, resolved_at__isnull=True)
            & _unrecorded(SLAMetric.RESOLUTION, "resolution_deadline_at")
        )
    )
    due_ids = list(
        Conversation.objects.filter(sla_next_deadline_at__lte=now)
        .exclude(status__category__in=STOPPED)
        .filter(missed)
        .order_by("sla_next_deadline_at", "pk")
        .values_list("pk", flat=True)[:MAX_CHECKED_PER_RUN]
    )
    count = 0
    for start in range(0, len(due_ids), batch_size):
        batch = Conversation.objects.filter(pk__in=due_ids[start : start + batch_size]).select_related(
            "organization", "status", "contact", "inbox"
        )
        for conversation in batch:
            count += len(sla_record_breaches(conversation=conversation, now=now))
    return count
