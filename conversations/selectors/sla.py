"""The SLA overview (Nova Chat's ``GET sla/status``)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Count, Q
from django.utils import timezone

from conversations.models import Conversation, Status, StatusCategory
from helpdesk.models import Organization

ACTIVE = (StatusCategory.OPEN, StatusCategory.SNOOZED)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def sla_overview(
    *,
    organization: Organization,
    now: datetime | None = None,
    team_id: int | None = None,
    assignee_id: int | None = None,
    limit: int = 20,
) -> dict:
    """Counts of active conversations with a pending SLA target, by state, and the first
    ``limit`` conversations of each state (soonest deadline first). Five queries."""
    now = now or timezone.now()
    active = Status.objects.filter(organization=organization, category__in=ACTIVE).values_list(
        "pk", flat=True
    )
    # "> epoch" rather than "is not null": a range both SQLite and PostgreSQL serve from the
    # (organization, sla_next_deadline_at) index.
    base = Conversation.objects.filter(
        organization=organization, sla_next_deadline_at__gt=EPOCH, status_id__in=list(active)
    )
    if team_id is not None:
        base = base.filter(assigned_team_id=team_id)
    if assignee_id is not None:
        base = base.filter(assigned_agent_id=assignee_id)
    breached = Q(sla_next_deadline_at__lte=now)
    at_risk = Q(sla_next_deadline_at__gt=now, sla_at_risk_at__lte=now)
    on_track = Q(sla_next_deadline_at__gt=now) & (Q(sla_at_risk_at__gt=now) | Q(sla_at_risk_at__isnull=True))
    counts = base.aggregate(
        on_track=Count("id", filter=on_track),
        at_risk=Count("id", filter=at_risk),
        breached=Count("id", filter=breached),
    )
    rows = base.select_related("status", "contact").order_by("sla_next_deadline_at", "id")
    return {
        **counts,
        "conversations": {
            "on_track": list(rows.filter(on_track)[:limit]),
            "at_risk": list(rows.filter(at_risk)[:limit]),
            "breached": list(rows.filter(breached)[:limit]),
        },
    }
