"""Teams: groups of agents with an assignment policy."""

from __future__ import annotations

from django.db.models import Model

from helpdesk.errors import DomainError
from helpdesk.models import Organization, Team
from helpdesk.models.team import AssignmentType
from helpdesk.unset import UNSET, Unset, given


class TeamError(DomainError):
    pass


def _save(team: Team, changes: dict) -> Team:
    organization_id = team.organization_id
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        clash = Team.objects.filter(organization_id=organization_id, name__iexact=changes["name"])
        if team.pk:
            clash = clash.exclude(pk=team.pk)
        if clash.exists():
            raise TeamError("A team with this name exists already.", field="name", code="conflict")
    for field in ("business_hours", "sla_policy"):
        row = changes.get(field)
        if row is not None and row.organization_id != organization_id:
            raise TeamError("Not found in this organization.", field=f"{field}_id", code="not_found")
    for field, value in changes.items():
        setattr(team, field, value)
    team.save()
    return team


# The two signatures below are the one list of a team's settings; the form and the serializer
# check their shape (lengths, a known assignment type, an IANA time zone).


def team_create(
    *,
    organization: Organization,
    name: str,
    emoji: str = "",
    conversation_assignment_type: str = AssignmentType.MANUAL,
    max_auto_assigned_conversations: int = 0,
    timezone: str = "UTC",
    assign_on_reply: bool = True,
    business_hours: Model | None = None,
    sla_policy: Model | None = None,
) -> Team:
    """A new team with a name no other team of the organization has; its business hours and SLA
    policy are the organization's own."""
    return _save(Team(organization=organization), given(locals(), exclude=("organization",)))


def team_update(
    *,
    team: Team,
    name: str | Unset = UNSET,
    emoji: str | Unset = UNSET,
    conversation_assignment_type: str | Unset = UNSET,
    max_auto_assigned_conversations: int | Unset = UNSET,
    timezone: str | Unset = UNSET,
    assign_on_reply: bool | Unset = UNSET,
    business_hours: Model | None | Unset = UNSET,
    sla_policy: Model | None | Unset = UNSET,
) -> Team:
    """Change the settings given (``UNSET`` ones stay), by the rules of ``team_create``."""
    return _save(team, given(locals(), exclude=("team",)))


def team_delete(*, team: Team) -> None:
    """Delete the team; its members stay in the organization."""
    team.delete()
