"""Teams: groups of agents with an assignment policy."""

from __future__ import annotations

import zoneinfo

from helpdesk.errors import DomainError
from helpdesk.models import Organization, Team
from helpdesk.models.team import AssignmentType

TEAM_FIELDS = ("name", "emoji", "conversation_assignment_type", "max_auto_assigned_conversations", "timezone")


class TeamError(DomainError):
    pass


def _normalize(changes: dict) -> dict:
    changes = dict(changes)
    kind = changes.get("conversation_assignment_type")
    if kind is not None:
        kind = str(kind).strip().lower().replace(" ", "_").replace("-", "_")
        if kind not in AssignmentType.values:
            raise TeamError(
                "conversation_assignment_type must be manual or round_robin.",
                field="conversation_assignment_type",
            )
        changes["conversation_assignment_type"] = kind
    tz = changes.get("timezone")
    if tz is not None:
        try:
            zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise TeamError(f"Unknown time zone '{tz}'.", field="timezone")
    name = changes.get("name")
    if name is not None:
        changes["name"] = name.strip()
        if not changes["name"]:
            raise TeamError("A team needs a name.", field="name")
    return changes


def team_create(*, organization: Organization, **fields) -> Team:
    fields = _normalize(fields)
    if Team.objects.filter(organization=organization, name__iexact=fields.get("name", "")).exists():
        raise TeamError("A team with this name exists already.", field="name", code="conflict")
    return Team.objects.create(organization=organization, **fields)


def team_update(*, team: Team, **changes) -> Team:
    changes = _normalize(changes)
    if "name" in changes and (
        Team.objects.filter(organization=team.organization, name__iexact=changes["name"])
        .exclude(pk=team.pk)
        .exists()
    ):
        raise TeamError("A team with this name exists already.", field="name", code="conflict")
    for field, value in changes.items():
        setattr(team, field, value)
    team.save()
    return team


def team_delete(*, team: Team) -> None:
    team.delete()
