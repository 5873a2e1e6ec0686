"""Agents and teams tables: the overview's measures per assigned agent and per assigned team
(a conversation counts for whoever it is assigned to now), one row per member or team of the
organization, plus a row for the conversations assigned to nobody."""

from __future__ import annotations

from helpdesk.models import Membership, Team
from reports.filters import ReportFilters
from reports.selectors.database import without_jit
from reports.selectors.measures import empty_measures, measures

SORT_KEYS = {
    "name": lambda row: (row["name"] or "").lower(),
    "opened": lambda row: row["opened"],
    "resolved": lambda row: row["resolved"],
    "backlog": lambda row: row["backlog"],
    "first_response": lambda row: row["first_response"]["median_seconds"] or 0,
    "resolution": lambda row: row["resolution"]["median_seconds"] or 0,
    "sla_met": lambda row: row["sla"]["met_percent"] or 0,
    "csat": lambda row: row["csat"]["average"] or 0,
}


def sort_rows(rows: list[dict], order_by: str | None) -> list[dict]:
    """Rows ordered by ``name``, ``opened``… (``-opened`` descending); unknown keys keep the order."""
    key = (order_by or "").strip()
    descending = key.startswith("-")
    key = key.lstrip("-")
    if key not in SORT_KEYS:
        return rows
    return sorted(rows, key=SORT_KEYS[key], reverse=descending)


@without_jit
def agents_report(filters: ReportFilters, *, order_by: str | None = None) -> dict:
    """One row per member of the organization (and ``Unassigned``), with the measures of the
    conversations assigned to them."""
    by_agent = measures(filters, group="assigned_agent")
    members = Membership.objects.filter(organization=filters.organization).select_related("user")
    if filters.agent is not None:
        members = members.filter(pk=filters.agent.pk)
    rows = [
        {
            "agent_id": member.pk,
            "name": member.user.full_name or member.user.email,
            "email": member.user.email,
            "is_active": member.is_active,
            **by_agent.get(member.pk, empty_measures()),
        }
        for member in members
        if member.is_active or member.pk in by_agent
    ]
    if None in by_agent and filters.agent is None:
        rows.append(
            {"agent_id": None, "name": "Unassigned", "email": "", "is_active": True, **by_agent[None]}
        )
    return {"filters": filters.as_dict(), "results": sort_rows(rows, order_by or "name")}


@without_jit
def teams_report(filters: ReportFilters, *, order_by: str | None = None) -> dict:
    """One row per team (and ``No team``), with the measures of the conversations assigned to it."""
    by_team = measures(filters, group="assigned_team")
    teams = Team.objects.filter(organization=filters.organization)
    if filters.team is not None:
        teams = teams.filter(pk=filters.team.pk)
    rows = [
        {"team_id": team.pk, "name": str(team), **by_team.get(team.pk, empty_measures())} for team in teams
    ]
    if None in by_team and filters.team is None:
        rows.append({"team_id": None, "name": "No team", **by_team[None]})
    return {"filters": filters.as_dict(), "results": sort_rows(rows, order_by or "name")}
