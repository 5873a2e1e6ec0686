"""The measures every conversation report shares, for one period, optionally grouped (by agent or
team): conversations opened, resolved and in the backlog, SLA met and breached, first response and
resolution times, CSAT. Each is one aggregate query over the report facts (one narrow row per
conversation, ``reports.models``; durations: see ``durations``), so a report costs the same
handful of queries whatever the number of conversations or groups."""

from __future__ import annotations

from django.db import connection
from django.db.models import Avg, Count, F, Q, QuerySet, Value

from conversations.models import CsatSurvey
from reports.filters import ReportFilters, conversations_in_scope
from reports.selectors.durations import ALL, Percentile, empty_figures, figures, percentiles
from reports.selectors.scope import facts_in_scope, group_path

RATINGS = (1, 2, 3, 4, 5)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _in_period(field: str, filters: ReportFilters) -> Q:
    period = filters.period
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def backlog_q(filters: ReportFilters) -> Q:
    """Opened before the period ended and neither resolved nor closed by then."""
    end = filters.period.end
    return (
        Q(opened_at__lt=end)
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    )


def _group(group: str | None):
    return F(group) if group else Value(ALL)


def conversation_counts(
    filters: ReportFilters, *, group: str | None = None, times: dict | None = None
) -> dict:
    """{group: {opened, resolved, backlog, sla: {met, breached, pending, met_percent,
    breached_percent}}}. SLA figures cover the conversations opened in the period that had a
    policy: breached, else pending (a target still running), else met. With ``times`` (a dict,
    PostgreSQL only) the same scan computes the percentiles of ``response_times`` into it."""
    opened, resolved, backlog = (
        _in_period("opened_at", filters),
        _in_period("resolved_at", filters),
        backlog_q(filters),
    )
    # breached: a recorded breach, or a first reply or resolution after its deadline (the beat
    # job may not have run between the deadline and the reply), as the facts store it
    with_policy = opened & Q(sla_policy=True)
    breached = Q(sla_breached=True)
    durations = {}
    if times is not None:
        for name, field, within in (
            ("first", "first_response_seconds", opened),
            ("resolution", "resolution_seconds", resolved),
        ):
            kept = within & Q(**{f"{field}__isnull": False})
            durations[f"{name}_median"] = Percentile(field, 0.5, filter=kept)
            durations[f"{name}_p90"] = Percentile(field, 0.9, filter=kept)
            durations[f"{name}_count"] = Count("pk", filter=kept)
    rows = (
        facts_in_scope(filters)
        .filter(opened | resolved | backlog)
        .annotate(report_group=_group(group_path(group)))
        .values("report_group")
        .annotate(
            opened=Count("pk", filter=opened),
            resolved=Count("pk", filter=resolved),
            backlog=Count("pk", filter=backlog),
            breached_count=Count("pk", filter=with_policy & breached),
            pending_count=Count("pk", filter=with_policy & ~breached & Q(sla_pending=True)),
            sla_total=Count("pk", filter=with_policy),
            **durations,
        )
        .order_by()
    )
    result = {}
    for row in rows:
        if times is not None:
            times[row["report_group"]] = {
                "first_response": figures(row["first_median"], row["first_p90"], row["first_count"]),
                "resolution": figures(
                    row["resolution_median"], row["resolution_p90"], row["resolution_count"]
                ),
            }
        met = row["sla_total"] - row["breached_count"] - row["pending_count"]
        decided = met + row["breached_count"]
        result[row["report_group"]] = {
            "opened": row["opened"],
            "resolved": row["resolved"],
            "backlog": row["backlog"],
            "sla": {
                "met": met,
                "breached": row["breached_count"],
                "pending": row["pending_count"],
                "met_percent": _percent(met, decided),
                "breached_percent": _percent(row["breached_count"], decided),
            },
        }
    return result


def empty_counts() -> dict:
    return {
        "opened": 0,
        "resolved": 0,
        "backlog": 0,
        "sla": {"met": 0, "breached": 0, "pending": 0, "met_percent": None, "breached_percent": None},
    }


def response_times(filters: ReportFilters, *, group: str | None = None) -> dict:
    """First response (conversations opened in the period that got one) and resolution
    (conversations resolved in the period) times: {group: {first_response, resolution}}."""
    scope, path = facts_in_scope(filters), group_path(group)
    first = percentiles(
        scope.filter(_in_period("opened_at", filters)), field="first_response_seconds", group=path
    )
    resolution = percentiles(
        scope.filter(_in_period("resolved_at", filters)), field="resolution_seconds", group=path
    )
    return {
        key: {
            "first_response": first.get(key, empty_figures()),
            "resolution": resolution.get(key, empty_figures()),
        }
        for key in set(first) | set(resolution)
    }


def csat_figures(filters: ReportFilters, *, group: str | None = None) -> dict:
    """Surveys asked in the period (one per resolution): {group: {asked, answered,
    response_rate, average, distribution {1..5}}}."""
    surveys = CsatSurvey.objects.filter(organization=filters.organization, **_survey_period(filters))
    if filters.narrowed:
        surveys = surveys.filter(conversation__in=facts_in_scope(filters).values("conversation_id"))
    # grouped through the facts row (narrow) rather than the conversation's (wide)
    path = f"conversation__report_facts__{group}" if group and group != "tags" else group_path(group)
    rows = (
        surveys.annotate(report_group=_group(path))
        .values("report_group")
        .annotate(
            asked=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            average=Avg("rating"),
            **{f"rating_{value}": Count("pk", filter=Q(rating=value)) for value in RATINGS},
        )
        .order_by()
    )
    return {row["report_group"]: _csat(row) for row in rows}


def _survey_period(filters: ReportFilters) -> dict:
    return {"asked_at__gte": filters.period.start, "asked_at__lt": filters.period.end}


def _csat(row: dict) -> dict:
    return {
        "asked": row["asked"],
        "answered": row["answered"],
        "response_rate": _percent(row["answered"], row["asked"]),
        "average": round(row["average"], 2) if row["average"] is not None else None,
        "distribution": {str(value): row[f"rating_{value}"] for value in RATINGS},
    }


def empty_csat() -> dict:
    return _csat({"asked": 0, "answered": 0, "average": None, **{f"rating_{v}": 0 for v in RATINGS}})


def measures(filters: ReportFilters, *, group: str | None = None) -> dict:
    """Every measure per group: {group: {opened, resolved, backlog, sla, first_response,
    resolution, csat}} (groups with no activity are absent)."""
    if connection.vendor == "postgresql":  # one scan for the counts and the percentiles
        times: dict = {}
        counts = conversation_counts(filters, group=group, times=times)
    else:
        counts = conversation_counts(filters, group=group)
        times = response_times(filters, group=group)
    csat = csat_figures(filters, group=group)
    result = {}
    for key in set(counts) | set(times) | set(csat):
        result[key] = {
            **counts.get(key, empty_counts()),
            **times.get(key, {"first_response": empty_figures(), "resolution": empty_figures()}),
            "csat": csat.get(key, empty_csat()),
        }
    return result


def empty_measures() -> dict:
    return {
        **empty_counts(),
        "first_response": empty_figures(),
        "resolution": empty_figures(),
        "csat": empty_csat(),
    }


def scope_ids(filters: ReportFilters) -> QuerySet:
    return conversations_in_scope(filters).values("pk")
