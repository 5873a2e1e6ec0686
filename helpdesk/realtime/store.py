"""The durable event table (``helpdesk.RealtimeEvent``): the source of every event id, the
replay after a reconnect, and the embedded backend's cross-process catch-up."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from helpdesk.models import RealtimeEvent
from helpdesk.realtime.envelope import Envelope

REPLAY_LIMIT = 1000  # more missed events than this: the browser reloads its lists instead


def event_record(*, organization_id: int, topics: list[str], event: str, data: dict) -> Envelope:
    row = RealtimeEvent.objects.create(
        organization_id=organization_id, topics=f" {' '.join(topics)} ", event=event, data=data
    )
    return envelope_of(row)


def envelope_of(row: RealtimeEvent) -> Envelope:
    return Envelope(
        id=row.id,
        organization_id=row.organization_id,
        topics=tuple(row.topic_list),
        event=row.event,
        data=row.data,
    )


def latest_event_id() -> int:
    """The id a page rendered now can resume from (0 when no event was ever kept)."""
    return RealtimeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def events_after(*, after_id: int, limit: int = 500) -> list[Envelope]:
    return [envelope_of(row) for row in RealtimeEvent.objects.filter(id__gt=after_id).order_by("id")[:limit]]


def events_missed(*, topics: list[str], after_id: int) -> tuple[list[Envelope], bool]:
    """The durable events on ``topics`` after ``after_id``, oldest first, and whether the browser
    must reload instead (events were pruned, too many were missed, or the id is from elsewhere)."""
    ids = RealtimeEvent.objects.order_by("id").values_list("id", flat=True)
    oldest, newest = ids.first(), ids.last()
    if newest is None:
        return [], after_id > 0
    if after_id > newest or oldest > after_id + 1:
        return [], True
    on_topics = Q()
    for topic in topics:
        on_topics |= Q(topics__contains=f" {topic} ")
    rows = list(RealtimeEvent.objects.filter(on_topics, id__gt=after_id).order_by("id")[: REPLAY_LIMIT + 1])
    if len(rows) > REPLAY_LIMIT:
        return [], True
    return [envelope_of(row) for row in rows], False


def events_prune(*, retention_seconds: int | None = None) -> int:
    """Delete events older than the retention (REALTIME_RETENTION_SECONDS); returns how many.
    The newest event always stays: pages resume from its id, and a browser whose id is older
    than the oldest kept one is told to reload (``events_missed``)."""
    seconds = settings.REALTIME_RETENTION_SECONDS if retention_seconds is None else retention_seconds
    cutoff = timezone.now() - timedelta(seconds=seconds)
    deleted, _ = RealtimeEvent.objects.filter(created_at__lt=cutoff, id__lt=latest_event_id()).delete()
    return deleted
