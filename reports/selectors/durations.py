"""Median and 90th percentile of the durations stored in the report facts (first response and
resolution seconds, business time where the conversation's SLA counts business hours), per group.

PostgreSQL computes percentiles itself (``percentile_cont``, grouped); SQLite has no percentile
function, so the stored seconds (one float per row) are read and ranked in Python, with the same
interpolation."""

from __future__ import annotations

import math
from collections import defaultdict

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, QuerySet, Value

from conversations import business_time
from conversations.models import BusinessHours
from conversations.services.sla import schedule_for

ALL = "all"  # the group key when a measure is not grouped


class Percentile(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (what ``percentile_cont`` computes)."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return sorted_values[low]
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def _summary(values: list[float]) -> dict:
    values.sort()
    return figures(percentile(values, 0.5), percentile(values, 0.9), len(values))


def figures(median, p90, count) -> dict:
    return {
        "median_seconds": round(median, 1) if median is not None else None,
        "p90_seconds": round(p90, 1) if p90 is not None else None,
        "count": int(count or 0),
    }


def empty_figures() -> dict:
    return figures(None, None, 0)


def organization_schedules(organization_id: int) -> dict[int, business_time.Schedule]:
    """The organization's business hours as schedules (id → schedule), always-open ones left
    out (they count calendar time). One query; usually a handful of rows."""
    schedules = {}
    for hours in BusinessHours.objects.filter(organization_id=organization_id, is_always_open=False):
        schedule = schedule_for(hours)
        if schedule is not None:
            schedules[hours.pk] = schedule
    return schedules


def percentiles(queryset: QuerySet, *, field: str, group: str | None = None) -> dict:
    """{group value (or ``ALL``): {median_seconds, p90_seconds, count}} of ``field`` over the
    rows of ``queryset`` where it is set."""
    rows = queryset.filter(**{f"{field}__isnull": False})
    group_expression = F(group) if group else Value(ALL)
    if connection.vendor == "postgresql":
        grouped = (
            rows.annotate(report_group=group_expression)
            .values("report_group")
            .annotate(median=Percentile(field, 0.5), p90=Percentile(field, 0.9), count=Count("pk"))
            .order_by()
        )
        return {row["report_group"]: figures(row["median"], row["p90"], row["count"]) for row in grouped}
    values: dict = defaultdict(list)
    for key, value in rows.annotate(report_group=group_expression).values_list("report_group", field):
        values[key].append(value)
    return {key: _summary(items) for key, items in values.items()}
