"""SLA deadline arithmetic in business time: nights, weekends, holidays, time zones, DST."""

from datetime import UTC, datetime, timedelta

import pytest

from conversations import business_time
from conversations.business_time import (
    ScheduleError,
    add_business_minutes,
    build_schedule,
    business_minutes_between,
)

WEEKDAYS_9_TO_5 = {
    day: {"open": "09:00", "close": "17:00"}
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def office(timezone="UTC", holidays=(), hours=None):
    return build_schedule(timezone=timezone, hours=hours or WEEKDAYS_9_TO_5, holidays=list(holidays))


def test_within_one_open_interval():
    # Wednesday 2025-01-15 10:00 + 60 min
    assert add_business_minutes(utc(2025, 1, 15, 10, 0), 60, office()) == utc(2025, 1, 15, 11, 0)


def test_spills_over_the_night_into_the_next_morning():
    # Wednesday 16:30 + 60 min: 30 min today, 30 min on Thursday from 09:00
    assert add_business_minutes(utc(2025, 1, 15, 16, 30), 60, office()) == utc(2025, 1, 16, 9, 30)


def test_started_at_night_counts_from_the_next_opening():
    assert add_business_minutes(utc(2025, 1, 15, 22, 0), 30, office()) == utc(2025, 1, 16, 9, 30)
    assert add_business_minutes(utc(2025, 1, 16, 3, 0), 30, office()) == utc(2025, 1, 16, 9, 30)


def test_skips_the_weekend():
    # Friday 2025-01-17 16:00 + 120 min → 60 on Friday, 60 on Monday
    assert add_business_minutes(utc(2025, 1, 17, 16, 0), 120, office()) == utc(2025, 1, 20, 10, 0)
    # Saturday start → Monday
    assert add_business_minutes(utc(2025, 1, 18, 12, 0), 15, office()) == utc(2025, 1, 20, 9, 15)


def test_skips_holidays():
    schedule = office(holidays=[{"date": "2025-01-20", "name": "Company day"}])
    # Friday 16:00 + 120: Friday 60, Monday is a holiday, Tuesday 60
    assert add_business_minutes(utc(2025, 1, 17, 16, 0), 120, schedule) == utc(2025, 1, 21, 10, 0)


def test_multiple_days_of_work():
    # 3 full days (3 × 480 min) from Monday 09:00 ends Wednesday 17:00
    assert add_business_minutes(utc(2025, 1, 13, 9, 0), 3 * 480, office()) == utc(2025, 1, 15, 17, 0)


def test_time_zone_of_the_schedule():
    # New York office 09:00-17:00 local = 14:00-22:00 UTC in January (EST, UTC-5).
    schedule = office(timezone="America/New_York")
    assert add_business_minutes(utc(2025, 1, 15, 13, 0), 30, schedule) == utc(2025, 1, 15, 14, 30)
    # 21:45 UTC = 16:45 local: 15 min today, 45 min tomorrow from 14:00 UTC
    assert add_business_minutes(utc(2025, 1, 15, 21, 45), 60, schedule) == utc(2025, 1, 16, 14, 45)


def test_a_tokyo_friday_evening_is_a_utc_friday_morning():
    # Tokyo (UTC+9): Friday 2025-01-17 08:30 UTC = 17:30 local, after closing → Monday 09:00 local.
    schedule = office(timezone="Asia/Tokyo")
    assert add_business_minutes(utc(2025, 1, 17, 8, 30), 10, schedule) == utc(2025, 1, 20, 0, 10)


def test_daylight_saving_change_is_counted_in_real_time():
    # Europe/Paris switches to summer time on Sunday 2025-03-30; opening hours stay 09:00 local,
    # which is 08:00 UTC before and 07:00 UTC after.
    schedule = office(timezone="Europe/Paris")
    friday_close = utc(2025, 3, 28, 16, 0)  # 17:00 CET
    assert add_business_minutes(friday_close - timedelta(minutes=30), 60, schedule) == utc(2025, 3, 31, 7, 30)


def test_midnight_close_and_several_intervals_a_day():
    hours = {
        "monday": [{"open": "09:00", "close": "12:00"}, {"open": "13:00", "close": "24:00"}],
    }
    schedule = build_schedule(timezone="UTC", hours=hours, holidays=[])
    # Monday 2025-01-13 11:30 + 60: 30 before lunch, 30 after
    assert add_business_minutes(utc(2025, 1, 13, 11, 30), 60, schedule) == utc(2025, 1, 13, 13, 30)
    # 23:30 + 60: 30 until midnight, next open is the following Monday 09:00
    assert add_business_minutes(utc(2025, 1, 13, 23, 30), 60, schedule) == utc(2025, 1, 20, 9, 30)


def test_without_schedule_or_always_open_it_is_calendar_time():
    start = utc(2025, 1, 18, 23, 0)  # Saturday night
    assert add_business_minutes(start, 90, None) == start + timedelta(minutes=90)
    always = build_schedule(timezone="UTC", hours={}, holidays=[], always_open=True)
    assert add_business_minutes(start, 90, always) == start + timedelta(minutes=90)


def test_business_minutes_between_counts_only_open_time():
    schedule = office()
    # Friday 16:00 → Monday 10:00 = 60 + 60 business minutes
    assert business_minutes_between(utc(2025, 1, 17, 16, 0), utc(2025, 1, 20, 10, 0), schedule) == 120
    assert business_minutes_between(utc(2025, 1, 20, 10, 0), utc(2025, 1, 17, 16, 0), schedule) == -120


def test_a_schedule_closed_for_ever_gives_no_deadline(monkeypatch):
    monkeypatch.setattr(business_time, "MAX_DAYS_AHEAD", 10)
    schedule = build_schedule(
        timezone="UTC",
        hours={"monday": {"open": "09:00", "close": "10:00"}},
        holidays=["2025-01-13", "2025-01-20"],
    )
    assert add_business_minutes(utc(2025, 1, 13, 8, 0), 30, schedule) is None


@pytest.mark.parametrize(
    "hours,message",
    [
        ({"funday": {"open": "09:00", "close": "17:00"}}, "weekday"),
        ({"monday": {"open": "9am", "close": "17:00"}}, "HH:MM"),
        ({"monday": {"open": "17:00", "close": "09:00"}}, "after opening"),
        ({"monday": [{"open": "09:00", "close": "13:00"}, {"open": "12:00", "close": "17:00"}]}, "overlap"),
        ({"monday": {"open": "09:00"}}, "'open' and 'close'"),
        ({}, "at least one open day"),
    ],
)
def test_malformed_schedules_are_refused(hours, message):
    with pytest.raises(ScheduleError, match=message):
        build_schedule(timezone="UTC", hours=hours, holidays=[])


def test_unknown_time_zone_and_bad_holiday_are_refused():
    with pytest.raises(ScheduleError, match="time zone"):
        build_schedule(timezone="Mars/Olympus", hours=WEEKDAYS_9_TO_5, holidays=[])
    with pytest.raises(ScheduleError, match="YYYY-MM-DD"):
        build_schedule(timezone="UTC", hours=WEEKDAYS_9_TO_5, holidays=["christmas"])
