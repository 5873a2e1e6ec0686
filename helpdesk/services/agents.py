"""Agents (members of an organization): invite, change role/teams, disable, availability."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from helpdesk import limits
from helpdesk.errors import DomainError
from helpdesk.models import Availability, Membership, Organization, Role, Team, User


class AgentError(DomainError):
    pass


def _check_role_change(*, actor: Membership | None, role: str) -> None:
    if role not in Role.values:
        raise AgentError(f"Unknown role '{role}'. Use agent, admin or owner.", field="role")
    if role == Role.OWNER and actor is not None and actor.role != Role.OWNER:
        raise AgentError("Only an owner can make someone an owner.", field="role", code="permission_denied")


@transaction.atomic
def agent_invite(
    *,
    organization: Organization,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = Role.AGENT,
    teams: list[Team] | None = None,
    password: str | None = None,
    actor: Membership | None = None,
) -> tuple[Membership, str | None]:
    """Add a person to the organization. A new user gets a random password (returned once) unless
    one is given; an existing user simply joins. Returns the membership and any generated password."""
    _check_role_change(actor=actor, role=role)
    email = email.strip().lower()
    existing = Membership.objects.filter(organization=organization, user__email__iexact=email).first()
    if existing is not None:
        raise AgentError(
            "This person is already a member of the organization.", field="email", code="conflict"
        )
    limits.ensure_within_limit(organization, "agents")
    generated = None
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        if password is None:
            generated = password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            email=email, password=password, first_name=first_name, last_name=last_name
        )
    membership = Membership.objects.create(organization=organization, user=user, role=role)
    if teams:
        membership.teams.set(teams)
    return membership, generated


@transaction.atomic
def agent_update(
    *,
    membership: Membership,
    actor: Membership | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    role: str | None = None,
    is_active: bool | None = None,
    teams: list[Team] | None = None,
    availability_status: str | None = None,
    avatar_url: str | None = None,
) -> Membership:
    user = membership.user
    if first_name is not None:
        user.first_name = first_name
    if last_name is not None:
        user.last_name = last_name
    if avatar_url is not None:
        user.avatar_url = avatar_url
    user.save()
    if role is not None and role != membership.role:
        _check_role_change(actor=actor, role=role)
        if membership.role == Role.OWNER and actor is not None and actor.role != Role.OWNER:
            raise AgentError(
                "Only an owner can change an owner's role.", field="role", code="permission_denied"
            )
        _ensure_an_owner_remains(membership, leaving=True)
        membership.role = role
    if is_active is not None and is_active != membership.is_active:
        if not is_active:
            if actor is not None and actor.pk == membership.pk:
                raise AgentError("You cannot disable yourself.", field="enabled")
            _ensure_an_owner_remains(membership, leaving=True)
        membership.is_active = is_active
    if availability_status is not None:
        membership.availability_status = _valid_availability(availability_status)
    membership.save()
    if teams is not None:
        membership.teams.set(teams)
    return membership


def agent_set_availability(*, membership: Membership, status: str) -> Membership:
    membership.availability_status = _valid_availability(status)
    membership.last_active_at = timezone.now()
    membership.save(update_fields=["availability_status", "last_active_at", "updated_at"])
    return membership


@transaction.atomic
def agent_remove(*, membership: Membership, actor: Membership | None = None) -> None:
    if actor is not None and actor.pk == membership.pk:
        raise AgentError("You cannot remove yourself.")
    _ensure_an_owner_remains(membership, leaving=True)
    membership.delete()


# Libredesk's availability names are accepted as aliases of ours.
_AVAILABILITY_ALIASES = {"available": Availability.ONLINE, "busy": Availability.AWAY_MANUAL}


def _valid_availability(status: str) -> str:
    status = _AVAILABILITY_ALIASES.get(status, status)
    if status not in Availability.values:
        raise AgentError(
            f"Unknown availability '{status}'. Use one of: {', '.join(Availability.values)}.", field="status"
        )
    return status


def _ensure_an_owner_remains(membership: Membership, *, leaving: bool) -> None:
    if membership.role != Role.OWNER or not leaving:
        return
    others = Membership.objects.filter(
        organization=membership.organization, role=Role.OWNER, is_active=True
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise AgentError("An organization needs at least one active owner.", code="conflict")
