"""Teams: groups of agents with an assignment policy."""

from __future__ import annotations

import functools
import zoneinfo

from helpdesk.errors import DomainError
from helpdesk.models import Organization, Team
from helpdesk.models.team import AssignmentType

TEAM_FIELDS = ("name", "emoji", "conversation_assignment_type", "max_auto_assigned_conversations", "timezone")


class TeamError(DomainError):
    pass


@functools.cache
def _time_zones() -> frozenset[str]:
    # Membership in the IANA list, not ZoneInfo(key): a key is also a file path to the loader.
    return frozenset(zoneinfo.available_timezones())


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
        tz = changes["timezone"] = str(tz).strip()
        if tz not in _time_zones():
            raise TeamError(
                f"Unknown time zone '{tz}'. Use an IANA name such as Europe/Paris.", field="timezone"
            )
    name = changes.get("name")
    if name is not None:
        changes["name"] = name.strip()
        if not changes["name"]:
            raise TeamError("A team needs a name.", field="name")
    return changes


def team_create(*, organization: Organization, **fields) -> Team:
    fields = _normalize(fields)
    if not fields.get("name"):
        raise TeamError("A team needs a name.", field="name")
    if Team.objects.filter(organization=organization, name__iexact=fields["name"]).exists():
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
    """Delete the team; its members stay in the organization."""
    team.delete()
