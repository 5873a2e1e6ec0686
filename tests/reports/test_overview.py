"""The overview's measures on hand-built conversations with known answers."""

from datetime import UTC, datetime, timedelta

import pytest

from conversations.models import SLABreach
from reports.filters import filters_parse
from reports.selectors.overview import overview_report
from tests.conversations.factories import BusinessHoursFactory, SLAPolicyFactory
from tests.reports.builders import conversation_at, facts, survey

# Friday 2026-01-09 … Monday 2026-01-12; the report runs on Wednesday the 14th.
NOW = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
FRIDAY_1630 = datetime(2026, 1, 9, 16, 30, tzinfo=UTC)
MONDAY_0930 = datetime(2026, 1, 12, 9, 30, tzinfo=UTC)


def report(org, **params):
    return overview_report(filters_parse(organization=org, params=params, now=NOW))


def week(org):
    return report(org, **{"from": "2026-01-08", "to": "2026-01-14"})


def test_first_response_across_a_weekend_counts_business_hours_only(org):
    hours = BusinessHoursFactory(organization=org)  # Mon-Fri 09:00-17:00 UTC
    policy = SLAPolicyFactory(organization=org, business_hours=hours)
    conversation_at(org, FRIDAY_1630, first_reply_at=MONDAY_0930, sla_policy=policy)
    # No SLA: calendar time (30 minutes).
    conversation_at(org, MONDAY_0930, first_reply_at=MONDAY_0930 + timedelta(minutes=30))

    first = week(org)["figures"]["first_response"]

    # 30 min on Friday + 30 min on Monday = 60 business minutes (not 65 hours); median of 30 and 60.
    assert first == {"median_seconds": 45 * 60.0, "p90_seconds": 57 * 60.0, "count": 2}


def test_without_business_hours_the_same_reply_takes_the_whole_weekend(org):
    conversation_at(
        org, FRIDAY_1630, first_reply_at=MONDAY_0930, sla_policy=SLAPolicyFactory(organization=org)
    )

    first = week(org)["figures"]["first_response"]

    assert first["median_seconds"] == 65 * 3600.0


def test_opened_resolved_backlog_and_resolution_time(org):
    conversation_at(org, FRIDAY_1630, resolved_at=FRIDAY_1630 + timedelta(hours=2))
    conversation_at(org, FRIDAY_1630, resolved_at=FRIDAY_1630 + timedelta(hours=4))
    conversation_at(org, FRIDAY_1630)  # still open
    # Opened before the period, resolved inside it.
    conversation_at(org, datetime(2026, 1, 2, tzinfo=UTC), resolved_at=MONDAY_0930)
    # Opened before, still open: in the backlog only.
    conversation_at(org, datetime(2026, 1, 3, tzinfo=UTC))

    figures = week(org)["figures"]

    assert (figures["opened"], figures["resolved"], figures["backlog"]) == (3, 3, 2)
    assert figures["resolution"]["median_seconds"] == 4 * 3600.0
    assert figures["resolution"]["count"] == 3


def test_sla_met_breached_and_pending(org):
    policy = SLAPolicyFactory(organization=org)
    late = conversation_at(
        org,
        FRIDAY_1630,
        first_reply_at=FRIDAY_1630 + timedelta(hours=3),
        first_response_deadline_at=FRIDAY_1630 + timedelta(hours=1),
        sla_policy=policy,
    )
    recorded = conversation_at(org, FRIDAY_1630, sla_policy=policy)
    SLABreach.objects.create(
        organization=org, conversation=recorded, metric="first_response", deadline_at=NOW
    )
    facts(recorded)  # the breach was written past the service (and its sla.breached event)
    conversation_at(org, FRIDAY_1630, sla_policy=policy, resolved_at=FRIDAY_1630 + timedelta(minutes=5))
    conversation_at(org, FRIDAY_1630, sla_policy=policy, sla_next_deadline_at=NOW + timedelta(hours=1))
    conversation_at(org, FRIDAY_1630)  # no policy: not counted
    assert late.first_reply_at > late.first_response_deadline_at

    sla = week(org)["figures"]["sla"]

    assert sla == {"met": 1, "breached": 2, "pending": 1, "met_percent": 33.3, "breached_percent": 66.7}


def test_csat_average_distribution_and_response_rate(org):
    for rating in (5, 5, 4, 1, None):
        conversation = conversation_at(org, FRIDAY_1630, resolved_at=MONDAY_0930)
        survey(conversation, MONDAY_0930, rating)
    outside = conversation_at(org, datetime(2025, 12, 1, tzinfo=UTC))
    survey(outside, datetime(2025, 12, 1, tzinfo=UTC), 1)

    csat = week(org)["figures"]["csat"]

    assert csat == {
        "asked": 5,
        "answered": 4,
        "response_rate": 80.0,
        "average": 3.75,
        "distribution": {"1": 1, "2": 0, "3": 0, "4": 1, "5": 2},
    }


def test_previous_period_and_change(org):
    conversation_at(org, FRIDAY_1630)
    conversation_at(org, FRIDAY_1630)
    conversation_at(org, datetime(2026, 1, 5, tzinfo=UTC))  # the week before

    result = week(org)

    assert result["previous_period"]["from"] == "2026-01-01"
    assert result["previous_period"]["to"] == "2026-01-07"
    assert result["previous"]["opened"] == 1
    assert result["change_percent"]["opened"] == 100.0


def test_days_and_hours_are_the_organizations_time_zone(org):
    org.timezone = "Asia/Tokyo"
    org.save()
    # 23:30 UTC on Thursday the 8th is 08:30 on Friday the 9th in Tokyo.
    conversation_at(org, datetime(2026, 1, 8, 23, 30, tzinfo=UTC))

    result = week(org)

    assert result["filters"]["timezone"] == "Asia/Tokyo"
    assert result["heatmap"]["cells"][4][8] == 1  # Friday, 08:00
    assert {row["date"]: row["opened"] for row in result["series"]}["2026-01-09"] == 1


@pytest.mark.parametrize(
    "preset,first_day,last_day",
    [
        ("today", "2026-01-14", "2026-01-14"),
        ("7d", "2026-01-08", "2026-01-14"),
        ("90d", "2025-10-17", "2026-01-14"),
    ],
)
def test_presets(org, preset, first_day, last_day):
    result = report(org, preset=preset)

    assert (result["filters"]["from"], result["filters"]["to"]) == (first_day, last_day)
    assert (
        len(result["series"])
        == (datetime.fromisoformat(last_day) - datetime.fromisoformat(first_day)).days + 1
    )


def test_hours_follow_daylight_saving_changes_inside_the_period(org):
    org.timezone = "Europe/Paris"
    org.save()
    # Clocks go forward at 01:00 UTC on Sunday 2026-03-29: 00:30 UTC is 01:30 CET, 02:30 UTC is 04:30 CEST.
    conversation_at(org, datetime(2026, 3, 29, 0, 30, tzinfo=UTC))
    conversation_at(org, datetime(2026, 3, 29, 2, 30, tzinfo=UTC))
    conversation_at(org, datetime(2026, 3, 28, 23, 30, tzinfo=UTC))  # 00:30 on Sunday in Paris

    result = report(org, **{"from": "2026-03-23", "to": "2026-04-05"})

    sunday = result["heatmap"]["cells"][6]
    assert (sunday[0], sunday[1], sunday[4]) == (1, 1, 1)
    assert {row["date"]: row["opened"] for row in result["series"]}["2026-03-29"] == 3


def test_changing_the_business_hours_recounts_the_stored_durations(org, django_capture_on_commit_callbacks):
    """Durations are stored in business time: new hours recount them (a job queued by the change)."""
    from conversations.services.sla import business_hours_update

    hours = BusinessHoursFactory(organization=org)  # Mon-Fri 09:00-17:00 UTC
    policy = SLAPolicyFactory(organization=org, business_hours=hours)
    conversation_at(org, FRIDAY_1630, first_reply_at=MONDAY_0930, sla_policy=policy)
    assert week(org)["figures"]["first_response"]["median_seconds"] == 60 * 60.0

    with django_capture_on_commit_callbacks(execute=True):
        business_hours_update(business_hours=hours, is_always_open=True)

    assert week(org)["figures"]["first_response"]["median_seconds"] == 65 * 3600.0
