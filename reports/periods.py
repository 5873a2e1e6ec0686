"""The date range a report covers, in the organization's time zone, and the period before it.

Presets: ``today``, ``7d``, ``30d``, ``90d`` (the last N days, today included) or ``custom`` with
``from`` and ``to`` (ISO dates, both included). A period is a half-open interval of aware instants
``[start, end)`` from local midnight to local midnight; the previous period has the same length
and ends where this one starts."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from reports.errors import ReportError

PRESETS = {"today": 1, "7d": 7, "30d": 30, "90d": 90}
PRESET_LABELS = {"today": "Today", "7d": "Last 7 days", "30d": "Last 30 days", "90d": "Last 90 days"}
DEFAULT_PRESET = "30d"
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    first_day: date
    last_day: date
    preset: str
    timezone: zoneinfo.ZoneInfo

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def previous(self) -> Period:
        last = self.first_day - timedelta(days=1)
        first = last - timedelta(days=self.days - 1)
        return _period(first, last, preset=self.preset, tz=self.timezone)

    def day_list(self) -> list[date]:
        return [self.first_day + timedelta(days=offset) for offset in range(self.days)]

    def as_dict(self) -> dict:
        return {
            "from": self.first_day.isoformat(),
            "to": self.last_day.isoformat(),
            "preset": self.preset,
            "timezone": self.timezone.key,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def _midnight(day: date, tz: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _period(first: date, last: date, *, preset: str, tz: zoneinfo.ZoneInfo) -> Period:
    return Period(
        start=_midnight(first, tz),
        end=_midnight(last + timedelta(days=1), tz),
        first_day=first,
        last_day=last,
        preset=preset,
        timezone=tz,
    )


def _parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ReportError(f"{name} must be a date like 2026-01-31.", field=name)


def period_parse(
    *,
    preset: str | None,
    since: str | None,
    until: str | None,
    tz: zoneinfo.ZoneInfo,
    now: datetime | None = None,
) -> Period:
    """The period named by a preset or by ``since``/``until`` (a custom range, both days included).
    A custom range needs both days, in order, at most ``MAX_DAYS`` long."""
    today = (now or timezone.now()).astimezone(tz).date()
    preset = (preset or "").strip().lower()
    if since or until:
        if preset and preset != "custom":
            raise ReportError("Give a preset or from/to, not both.", field="preset")
        if not since or not until:
            raise ReportError("A custom range needs both from and to.", field="from" if not since else "to")
        first, last = _parse_day(since, "from"), _parse_day(until, "to")
        if last < first:
            raise ReportError("to must be on or after from.", field="to")
        if (last - first).days + 1 > MAX_DAYS:
            raise ReportError(f"A range covers at most {MAX_DAYS} days.", field="to")
        return _period(first, last, preset="custom", tz=tz)
    if preset == "custom":
        raise ReportError("A custom range needs from and to.", field="from")
    preset = preset or DEFAULT_PRESET
    if preset not in PRESETS:
        raise ReportError(
            f"Unknown preset '{preset[:20]}': use one of {', '.join(PRESETS)} or custom.", field="preset"
        )
    first = today - timedelta(days=PRESETS[preset] - 1)
    return _period(first, today, preset=preset, tz=tz)
