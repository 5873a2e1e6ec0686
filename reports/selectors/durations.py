"""Median and 90th percentile of durations between two timestamps of a conversation, per group.

Where the conversation's SLA counts in business hours (its team's, else its policy's), the
duration is business time: a question asked on Friday at 16:30 and answered on Monday at 09:30
(open 09:00-17:00 on weekdays) took 60 minutes. Everything else is calendar time.

PostgreSQL computes calendar percentiles itself (``percentile_cont``, grouped); SQLite has no
percentile function, so the durations (one float per row, computed by the database) are read
and ranked in Python. Business-time durations need the schedule arithmetic of
``conversations.business_time`` and are always computed here, from one narrow query."""

from __future__ import annotations

import math
from collections import defaultdict

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Func, Q, QuerySet, Value

from conversations import business_time
from conversations.models import BusinessHours
from conversations.services.sla import schedule_for

ALL = "all"  # the group key when a measure is not grouped


class SecondsBetween(Func):
    """``end - start`` in seconds, as a float, computed by the database."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        return self.as_sqlite(compiler, connection, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        start, end = self.source_expressions
        end_sql, end_params = compiler.compile(end)
        start_sql, start_params = compiler.compile(start)
        sql = f"((julianday({end_sql}) - julianday({start_sql})) * 86400.0)"
        return sql, (*end_params, *start_params)

    def as_postgresql(self, compiler, connection, **extra):
        start, end = self.source_expressions
        end_sql, end_params = compiler.compile(end)
        start_sql, start_params = compiler.compile(start)
        return f"EXTRACT(EPOCH FROM ({end_sql} - {start_sql}))::double precision", (
            *end_params,
            *start_params,
        )


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
    return _figures(percentile(values, 0.5), percentile(values, 0.9), len(values))


def _figures(median, p90, count) -> dict:
    return {
        "median_seconds": round(median, 1) if median is not None else None,
        "p90_seconds": round(p90, 1) if p90 is not None else None,
        "count": int(count or 0),
    }


def empty_figures() -> dict:
    return _figures(None, None, 0)


def organization_schedules(organization_id: int) -> dict[int, business_time.Schedule]:
    """The organization's business hours as schedules (id → schedule), always-open ones left
    out (they count calendar time). One query; usually a handful of rows."""
    schedules = {}
    for hours in BusinessHours.objects.filter(organization_id=organization_id, is_always_open=False):
        schedule = schedule_for(hours)
        if schedule is not None:
            schedules[hours.pk] = schedule
    return schedules


def _business_q(schedule_ids) -> Q:
    ids = list(schedule_ids)
    return Q(sla_policy__isnull=False) & (
        Q(assigned_team__business_hours_id__in=ids)
        | (Q(assigned_team__business_hours__isnull=True) & Q(sla_policy__business_hours_id__in=ids))
    )


def duration_percentiles(
    queryset: QuerySet,
    *,
    start: str,
    end: str,
    group: str | None = None,
    schedules: dict[int, business_time.Schedule] | None = None,
) -> dict:
    """{group value (or ``ALL``): {median_seconds, p90_seconds, count}} over the rows of
    ``queryset`` where ``end`` is set. ``schedules`` (``organization_schedules``) turn on
    business time for the conversations whose SLA uses them."""
    rows = queryset.filter(**{f"{end}__isnull": False, f"{start}__isnull": False})
    seconds = SecondsBetween(F(start), F(end))
    group_expression = F(group) if group else Value(ALL)
    business: dict = defaultdict(list)
    calendar_rows = rows
    if schedules:
        business_filter = _business_q(schedules)
        calendar_rows = rows.exclude(business_filter)
        for key, started, ended, team_hours, policy_hours in rows.filter(business_filter).values_list(
            group_expression, start, end, "assigned_team__business_hours_id", "sla_policy__business_hours_id"
        ):
            schedule = schedules.get(team_hours) or schedules.get(policy_hours)
            business[key].append(business_time.business_minutes_between(started, ended, schedule) * 60)
    if connection.vendor == "postgresql" and not business:
        grouped = (
            calendar_rows.annotate(report_group=group_expression)
            .values("report_group")
            .annotate(median=Percentile(seconds, 0.5), p90=Percentile(seconds, 0.9), count=Count("pk"))
            .order_by()
        )
        return {row["report_group"]: _figures(row["median"], row["p90"], row["count"]) for row in grouped}
    values = business
    for key, value in calendar_rows.annotate(
        report_group=group_expression, report_seconds=seconds
    ).values_list("report_group", "report_seconds"):
        values[key].append(value)
    return {key: _summary(items) for key, items in values.items()}
