"""Presence that is true: an agent's open page sends a heartbeat every PRESENCE_HEARTBEAT_SECONDS
saying whether the agent touched it within PRESENCE_IDLE_SECONDS. A heartbeat makes them
``online`` (or ``away`` when idle); no heartbeat for PRESENCE_OFFLINE_SECONDS, or signing out,
makes them ``offline``. A manual "away" (the user menu) holds until they choose online again;
``away_and_reassigning`` is a routing choice and heartbeats leave it alone. Each change is pushed
to the organization's agents (``presence.changed``) so lists show it live; round robin serves
only ``online`` agents."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from helpdesk import realtime
from helpdesk.errors import DomainError
from helpdesk.models import Availability, Membership

HEARTBEAT_HOLDS = (Availability.AWAY_MANUAL, Availability.AWAY_AND_REASSIGNING)
SWEPT = (Availability.ONLINE, Availability.AWAY, Availability.AWAY_MANUAL)
CHOICES = {"online": Availability.ONLINE, "away": Availability.AWAY_MANUAL}


class PresenceError(DomainError):
    code = "invalid"


def presence_label(status: str) -> str:
    return "Away" if status in (Availability.AWAY, Availability.AWAY_MANUAL) else Availability(status).label


def _publish(membership: Membership) -> None:
    realtime.publish(
        organization_id=membership.organization_id,
        topics=[realtime.org_topic(membership.organization_id)],
        event="presence.changed",
        data={
            "agent_id": membership.pk,
            "status": membership.availability_status,
            "label": presence_label(membership.availability_status),
        },
        durable=False,
    )


def _save(membership: Membership, status: str, now: datetime, *, seen: bool = True) -> Membership:
    changed = membership.availability_status != status
    membership.availability_status = status
    fields = ["availability_status", "updated_at"]
    if seen:
        membership.last_seen_at = now
        fields.append("last_seen_at")
    if changed:
        membership.last_active_at = now
        fields.append("last_active_at")
    membership.save(update_fields=fields)
    if changed:
        _publish(membership)
    return membership


def presence_heartbeat(*, membership: Membership, idle: bool, now: datetime | None = None) -> Membership:
    """An open page of the agent is alive; ``idle``: no input there for PRESENCE_IDLE_SECONDS."""
    now = now or timezone.now()
    status = membership.availability_status
    if status not in HEARTBEAT_HOLDS:
        status = Availability.AWAY if idle else Availability.ONLINE
    return _save(membership, status, now)


def presence_choose(*, membership: Membership, choice: str, now: datetime | None = None) -> Membership:
    """The user menu's toggle: ``online`` or ``away`` (held until online is chosen again)."""
    status = CHOICES.get(choice)
    if status is None:
        raise PresenceError("Choose online or away.", field="status")
    return _save(membership, status, now or timezone.now())


def presence_sign_out(*, membership: Membership) -> Membership:
    """The agent signed out: offline at once (not after the heartbeat timeout)."""
    return _save(membership, Availability.OFFLINE, timezone.now(), seen=False)


def presence_sweep(*, now: datetime | None = None) -> int:
    """Beat job: agents whose pages stopped sending heartbeats go offline. Agents who never sent
    one (availability set through the API) are left as they are. Returns how many changed."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=int(settings.PRESENCE_OFFLINE_SECONDS))
    stale = list(
        Membership.objects.filter(
            availability_status__in=SWEPT, last_seen_at__isnull=False, last_seen_at__lt=cutoff
        ).only("id", "organization_id", "availability_status")[:5000]
    )
    if not stale:
        return 0
    Membership.objects.filter(pk__in=[m.pk for m in stale], availability_status__in=SWEPT).update(
        availability_status=Availability.OFFLINE, updated_at=now
    )
    for membership in stale:
        membership.availability_status = Availability.OFFLINE
        _publish(membership)
    return len(stale)


def seen_recently_cutoff(now: datetime | None = None) -> datetime:
    """Heartbeats older than this no longer count (round robin skips such agents even before
    the sweep marks them offline)."""
    return (now or timezone.now()) - timedelta(seconds=int(settings.PRESENCE_OFFLINE_SECONDS))
