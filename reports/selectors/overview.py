"""The overview report: the period's measures beside the previous period's, conversations opened
and resolved per day, and the busiest hours (conversations opened per weekday and hour)."""

from __future__ import annotations

from datetime import UTC

from django.db import connection
from django.db.models import Count
from django.db.models.functions import Trunc

from reports.filters import ReportFilters
from reports.selectors.database import without_jit
from reports.selectors.durations import ALL
from reports.selectors.local_time import local_day, local_hour, local_weekday, offsets
from reports.selectors.measures import empty_measures, measures
from reports.selectors.scope import facts_in_scope

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _change(current, previous):
    """Relative change in percent (None when there is nothing to compare with)."""
    if current is None or previous in (None, 0):
        return None
    return round(100 * (current - previous) / previous, 1)


def _comparison(current: dict, previous: dict) -> dict:
    pairs = {
        "opened": (current["opened"], previous["opened"]),
        "resolved": (current["resolved"], previous["resolved"]),
        "backlog": (current["backlog"], previous["backlog"]),
        "first_response_median": (
            current["first_response"]["median_seconds"],
            previous["first_response"]["median_seconds"],
        ),
        "resolution_median": (
            current["resolution"]["median_seconds"],
            previous["resolution"]["median_seconds"],
        ),
        "sla_met_percent": (current["sla"]["met_percent"], previous["sla"]["met_percent"]),
        "csat_average": (current["csat"]["average"], previous["csat"]["average"]),
    }
    return {name: _change(now, before) for name, (now, before) in pairs.items()}


def local_hours(filters: ReportFilters, field: str) -> list[tuple] | None:
    """[(local datetime of the hour, rows)] of the period by UTC hour, converted here: on
    PostgreSQL, when every offset of the zone over the period is whole hours (a UTC hour is then
    one local hour), truncating to the UTC hour costs much less than converting each row; None
    otherwise (half-hour zones, SQLite: the callers convert per row)."""
    period = filters.period
    if connection.vendor != "postgresql" or any(offset % 3600 for _, offset in offsets(period)):
        return None
    rows = (
        facts_in_scope(filters)
        .filter(**{f"{field}__gte": period.start, f"{field}__lt": period.end})
        .annotate(utc_hour=Trunc(field, "hour", tzinfo=UTC))
        .values("utc_hour")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("utc_hour", "count")
    )
    return [(hour.astimezone(period.timezone), count) for hour, count in rows]  # ≤ 24 × days rows


def _per_day(hours: list[tuple]) -> dict[str, int]:
    days: dict[str, int] = {}
    for moment, count in hours:
        days[moment.date().isoformat()] = days.get(moment.date().isoformat(), 0) + count
    return days


def daily_series(filters: ReportFilters, *, opened_hours: list[tuple] | None = None) -> list[dict]:
    """[{date, opened, resolved}] for every day of the period (days in the organization's zone).
    ``opened_hours``: ``local_hours(filters, "opened_at")`` when the caller has read it already."""
    period, scope = filters.period, facts_in_scope(filters)
    if opened_hours is None:
        opened_hours = local_hours(filters, "opened_at")
    resolved_hours = local_hours(filters, "resolved_at") if opened_hours is not None else None
    if opened_hours is not None and resolved_hours is not None:
        opened, resolved = _per_day(opened_hours), _per_day(resolved_hours)
        return [
            {
                "date": day.isoformat(),
                "opened": opened.get(day.isoformat(), 0),
                "resolved": resolved.get(day.isoformat(), 0),
            }
            for day in period.day_list()
        ]
    opened = dict(
        scope.filter(opened_at__gte=period.start, opened_at__lt=period.end)
        .annotate(day=local_day("opened_at", period))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("day", "count")
    )
    resolved = dict(
        scope.filter(resolved_at__gte=period.start, resolved_at__lt=period.end)
        .annotate(day=local_day("resolved_at", period))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("day", "count")
    )
    opened = {str(day)[:10]: count for day, count in opened.items()}  # a date, or SQLite's text
    resolved = {str(day)[:10]: count for day, count in resolved.items()}
    return [
        {
            "date": day.isoformat(),
            "opened": opened.get(day.isoformat(), 0),
            "resolved": resolved.get(day.isoformat(), 0),
        }
        for day in period.day_list()
    ]


def busiest_hours(filters: ReportFilters, *, opened_hours: list[tuple] | None = None) -> dict:
    """Conversations opened per local weekday (Monday first) and hour: {weekdays, cells[7][24], max}.
    ``opened_hours`` as for ``daily_series``."""
    period = filters.period
    cells = [[0] * 24 for _ in WEEKDAYS]
    hours = opened_hours if opened_hours is not None else local_hours(filters, "opened_at")
    if hours is not None:
        for moment, count in hours:
            cells[moment.isoweekday() - 1][moment.hour] += count
        return {"weekdays": list(WEEKDAYS), "cells": cells, "max": max(max(day) for day in cells)}
    rows = (
        facts_in_scope(filters)
        .filter(opened_at__gte=period.start, opened_at__lt=period.end)
        .annotate(
            weekday=local_weekday("opened_at", period),
            hour=local_hour("opened_at", period),
        )
        .values("weekday", "hour")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:  # at most 7 × 24 grouped rows
        cells[row["weekday"] - 1][row["hour"]] = row["count"]
    return {"weekdays": list(WEEKDAYS), "cells": cells, "max": max(max(day) for day in cells)}


@without_jit
def overview_report(filters: ReportFilters) -> dict:
    """Everything the Overview page and ``GET reports/overview`` show."""
    previous_filters = filters.for_period(filters.period.previous())
    opened_hours = local_hours(filters, "opened_at")  # read once for the series and the heat-map
    current = measures(filters).get(ALL, empty_measures())
    previous = measures(previous_filters).get(ALL, empty_measures())
    return {
        "filters": filters.as_dict(),
        "previous_period": previous_filters.period.as_dict(),
        "figures": current,
        "previous": previous,
        "change_percent": _comparison(current, previous),
        "series": daily_series(filters, opened_hours=opened_hours),
        "heatmap": busiest_hours(filters, opened_hours=opened_hours),
    }
