"""Business-time arithmetic for SLA deadlines: pure functions, no database.

A ``Schedule`` is a weekly set of opening intervals in a time zone, minus holidays. Adding N
business minutes to an instant walks forward through the open intervals only, so a target of
60 minutes set at 16:30 on a Friday (open 09:00-17:00, closed at weekends) falls due at 09:30 on
Monday. Intervals are built in local time and measured in real elapsed time, so days on which the
clocks change are counted correctly."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# How far ahead to look for open time before giving up (a schedule with holidays covering
# everything, for instance).
MAX_DAYS_AHEAD = 3 * 366


class ScheduleError(ValueError):
    """The weekly hours, holidays or time zone are malformed."""


@dataclass(frozen=True)
class Schedule:
    timezone: zoneinfo.ZoneInfo
    # weekday (0 = Monday) → [(open, close)]; close None means midnight at the end of the day.
    weekly: dict[int, tuple[tuple[time, time | None], ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    always_open: bool = False


def _parse_clock(value, *, day: str, allow_midnight_end: bool) -> time | None:
    text = str(value or "").strip()
    try:
        hours, minutes = (int(part) for part in text.split(":"))
    except ValueError:
        raise ScheduleError(f"{day}: '{text}' is not a HH:MM time.")
    if allow_midnight_end and (hours, minutes) == (24, 0):
        return None
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise ScheduleError(f"{day}: '{text}' is not a HH:MM time.")
    return time(hours, minutes)


def parse_hours(hours: dict) -> dict[int, tuple[tuple[time, time | None], ...]]:
    """{"monday": {"open": "09:00", "close": "17:00"} or a list of such intervals} → weekly."""
    if not isinstance(hours, dict):
        raise ScheduleError("hours must be an object keyed by weekday.")
    weekly: dict[int, tuple[tuple[time, time | None], ...]] = {}
    for key, value in hours.items():
        day = str(key).strip().lower()
        if day not in WEEKDAYS:
            raise ScheduleError(f"'{key}' is not a weekday (monday … sunday).")
        if not value:
            continue
        intervals = value if isinstance(value, list) else [value]
        parsed = []
        for interval in intervals:
            if not isinstance(interval, dict) or "open" not in interval or "close" not in interval:
                raise ScheduleError(f"{day}: each interval needs 'open' and 'close'.")
            opens = _parse_clock(interval["open"], day=day, allow_midnight_end=False)
            closes = _parse_clock(interval["close"], day=day, allow_midnight_end=True)
            if closes is not None and closes <= opens:
                raise ScheduleError(f"{day}: closing time must be after opening time.")
            parsed.append((opens, closes))
        parsed.sort(key=lambda pair: pair[0])
        for (_, end), (start, _) in zip(parsed, parsed[1:], strict=False):
            if end is None or end > start:
                raise ScheduleError(f"{day}: intervals overlap.")
        weekly[WEEKDAYS.index(day)] = tuple(parsed)
    return weekly


def parse_holidays(holidays) -> frozenset[date]:
    if not isinstance(holidays, list):
        raise ScheduleError("holidays must be a list.")
    days = set()
    for item in holidays:
        raw = item.get("date") if isinstance(item, dict) else item
        try:
            days.add(date.fromisoformat(str(raw)))
        except ValueError:
            raise ScheduleError(f"'{raw}' is not a YYYY-MM-DD date.")
    return frozenset(days)


def parse_timezone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(str(name or "UTC"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"Unknown time zone '{name}'.")


def build_schedule(*, timezone: str, hours: dict, holidays: list, always_open: bool = False) -> Schedule:
    schedule = Schedule(
        timezone=parse_timezone(timezone),
        weekly=parse_hours(hours or {}),
        holidays=parse_holidays(holidays or []),
        always_open=always_open,
    )
    if not always_open and not schedule.weekly:
        raise ScheduleError("A schedule needs at least one open day (or is_always_open).")
    return schedule


def _open_intervals(schedule: Schedule, day: date):
    """The day's open intervals as aware UTC datetimes."""
    if day in schedule.holidays:
        return
    tz = schedule.timezone
    for opens, closes in schedule.weekly.get(day.weekday(), ()):
        start = datetime.combine(day, opens, tzinfo=tz)
        end = (
            datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
            if closes is None
            else (datetime.combine(day, closes, tzinfo=tz))
        )
        yield start.astimezone(UTC), end.astimezone(UTC)


def add_business_minutes(start: datetime, minutes: float, schedule: Schedule | None) -> datetime | None:
    """The instant ``minutes`` of open time after ``start`` (calendar time without a schedule).
    None when the schedule has no open time in the next ``MAX_DAYS_AHEAD`` days."""
    if schedule is None or schedule.always_open:
        return start + timedelta(minutes=minutes)
    remaining = timedelta(minutes=max(minutes, 0))
    start_utc = start.astimezone(UTC)
    day = start.astimezone(schedule.timezone).date()
    for _ in range(MAX_DAYS_AHEAD):
        for opens, closes in _open_intervals(schedule, day):
            segment_start = max(opens, start_utc)
            if closes <= segment_start:
                continue
            available = closes - segment_start
            if remaining <= available:
                return segment_start + remaining
            remaining -= available
        day += timedelta(days=1)
    return None


def business_minutes_between(start: datetime, end: datetime, schedule: Schedule | None) -> float:
    """Open minutes between two instants (negative when ``end`` is before ``start``)."""
    if end < start:
        return -business_minutes_between(end, start, schedule)
    if schedule is None or schedule.always_open:
        return (end - start).total_seconds() / 60
    total = timedelta(0)
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    day = start.astimezone(schedule.timezone).date()
    last_day = end.astimezone(schedule.timezone).date()
    while day <= last_day:
        for opens, closes in _open_intervals(schedule, day):
            segment = min(closes, end_utc) - max(opens, start_utc)
            if segment > timedelta(0):
                total += segment
        day += timedelta(days=1)
    return total.total_seconds() / 60
