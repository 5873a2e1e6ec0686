"""What every report is narrowed by: its period and an inbox, team, agent or tag of the
organization. Ids of another organization (or none) are refused as not found, never reported on."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet

from conversations.models import Conversation, Inbox, Tag
from helpdesk.models import Membership, Organization, Team
from reports.errors import ReportError
from reports.periods import Period, period_parse

FILTER_NAMES = ("inbox", "team", "agent", "tag")


@dataclass(frozen=True)
class ReportFilters:
    organization: Organization
    period: Period
    inbox: Inbox | None = None
    team: Team | None = None
    agent: Membership | None = None
    tag: Tag | None = None
    now: datetime | None = field(default=None, compare=False)

    @property
    def narrowed(self) -> bool:
        return any(getattr(self, name) is not None for name in FILTER_NAMES)

    def for_period(self, period: Period) -> ReportFilters:
        return ReportFilters(
            organization=self.organization,
            period=period,
            inbox=self.inbox,
            team=self.team,
            agent=self.agent,
            tag=self.tag,
            now=self.now,
        )

    def as_dict(self) -> dict:
        return {
            **self.period.as_dict(),
            "inbox_id": self.inbox.pk if self.inbox else None,
            "team_id": self.team.pk if self.team else None,
            "agent_id": self.agent.pk if self.agent else None,
            "tag": self.tag.name if self.tag else None,
        }


def organization_timezone(organization: Organization) -> zoneinfo.ZoneInfo:
    """The organization's time zone, else that of its default business hours, else the server's."""
    own = getattr(organization, "timezone", None)
    hours = None
    if not own and organization.default_business_hours_id:
        hours = organization.default_business_hours
    for name in (own, getattr(hours, "timezone", None), settings.TIME_ZONE, "UTC"):
        if not name:
            continue
        try:
            return zoneinfo.ZoneInfo(str(name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
            continue
    return zoneinfo.ZoneInfo("UTC")


def _identifier(value, name: str) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 18:
        raise ReportError(f"{name} must be a number.", field=name)
    return int(text)


def _one(queryset: QuerySet, pk: int | None, name: str, label: str):
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ReportError(f"{label} not found.", field=name, code="not_found")
    return found


def _tag(organization: Organization, value) -> Tag | None:
    text = str(value or "").strip()
    if not text:
        return None
    tags = Tag.objects.filter(organization=organization)
    found = tags.filter(pk=int(text)).first() if text.isdigit() and len(text) <= 18 else None
    found = found or tags.filter(name__iexact=text[:50]).first()
    if found is None:
        raise ReportError("Tag not found.", field="tag", code="not_found")
    return found


def filters_parse(*, organization: Organization, params, now: datetime | None = None) -> ReportFilters:
    """Filters from query parameters: ``preset`` or ``from``/``to`` (``since``/``until`` too),
    ``inbox``/``inbox_id``, ``team``/``team_id``, ``agent``/``agent_id``, ``tag`` (name or id)."""

    def param(*names):
        for name in names:
            value = params.get(name)
            if value not in (None, ""):
                return value
        return None

    period = period_parse(
        preset=param("preset"),
        since=param("from", "since"),
        until=param("to", "until"),
        tz=organization_timezone(organization),
        now=now,
    )
    members = Membership.objects.filter(organization=organization).select_related("user")
    return ReportFilters(
        organization=organization,
        period=period,
        inbox=_one(
            Inbox.objects.filter(organization=organization),
            _identifier(param("inbox_id", "inbox"), "inbox_id"),
            "inbox_id",
            "Inbox",
        ),
        team=_one(
            Team.objects.filter(organization=organization),
            _identifier(param("team_id", "team"), "team_id"),
            "team_id",
            "Team",
        ),
        agent=_one(members, _identifier(param("agent_id", "agent"), "agent_id"), "agent_id", "Agent"),
        tag=_tag(organization, param("tag", "tag_id")),
        now=now,
    )


def conversations_in_scope(filters: ReportFilters) -> QuerySet:
    """The organization's conversations the filters keep (merged-away duplicates left out)."""
    queryset = Conversation.objects.filter(organization=filters.organization, merged_into__isnull=True)
    return filters_apply(queryset, filters, tags="tags")


def filters_apply(queryset: QuerySet, filters: ReportFilters, *, tags: str) -> QuerySet:
    """The inbox, team, agent and tag filters on rows that name them as a conversation does
    (``tags``: the path to the conversation's tags from these rows)."""
    if filters.inbox is not None:
        queryset = queryset.filter(inbox=filters.inbox)
    if filters.team is not None:
        queryset = queryset.filter(assigned_team=filters.team)
    if filters.agent is not None:
        queryset = queryset.filter(assigned_agent=filters.agent)
    if filters.tag is not None:
        queryset = queryset.filter(**{tags: filters.tag})
    return queryset
