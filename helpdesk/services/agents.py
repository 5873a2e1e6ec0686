"""Agents (members of an organization): invite, change role/teams, disable, availability."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from helpdesk import limits
from helpdesk.errors import DomainError
from helpdesk.models import (
    Availability,
    Invitation,
    InvitationStatus,
    Membership,
    Organization,
    Role,
    Team,
    User,
)


class AgentError(DomainError):
    pass


def agent_count(organization: Organization) -> int:
    """Seats in use: active members (disabled ones free their seat)."""
    return Membership.objects.filter(organization=organization, is_active=True).count()


def register_agent_usage() -> None:
    """Called from ``HelpdeskConfig.ready()``: the plan's ``agents`` limit counts active members."""
    limits.register_usage_counter("agents", agent_count)


def _check_role_change(*, actor: Membership | None, role: str) -> None:
    if role not in Role.values:
        raise AgentError(f"Unknown role '{role}'. Use agent, admin or owner.", field="role")
    if role == Role.OWNER and actor is not None and actor.role != Role.OWNER:
        raise AgentError("Only an owner can make someone an owner.", field="role", code="permission_denied")


def _check_may_manage(*, actor: Membership | None, membership: Membership, what: str) -> None:
    """Admins manage agents and admins; only owners manage owners."""
    if actor is not None and membership.role == Role.OWNER and actor.role != Role.OWNER:
        raise AgentError(f"Only an owner can {what} an owner.", code="permission_denied")


def _check_teams(organization: Organization, teams: list[Team] | None) -> None:
    if teams and any(team.organization_id != organization.pk for team in teams):
        raise AgentError("Unknown team.", field="teams")


@transaction.atomic
def agent_invite(
    *,
    organization: Organization,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = Role.AGENT,
    teams: list[Team] | None = None,
    is_active: bool = True,
    availability_status: str | None = None,
    actor: Membership | None = None,
) -> Membership | Invitation:
    """Add a person to the organization; nobody else ever knows their password. A new user gets
    an account without a usable password and a membership in the invited state (see
    ``membership_is_invited``); an existing user (of another organization) gets an
    ``Invitation`` they accept themself (their name, avatar and password stay theirs). Either
    way an email with a one-time link goes to the person once the transaction commits (a new
    user chooses their password there, an existing one accepts). Returns the membership or the
    invitation. Refused with ``limit_exceeded`` when the plan's agents limit is reached."""
    from helpdesk.services.invitations import invitation_email_queue  # it imports this module

    _check_role_change(actor=actor, role=role)
    _check_teams(organization, teams)
    status = _valid_availability(availability_status) if availability_status else Availability.OFFLINE
    email = email.strip().lower()
    existing = Membership.objects.filter(organization=organization, user__email__iexact=email).first()
    if existing is not None:
        raise AgentError(
            "This person is already a member of the organization.", field="email", code="conflict"
        )
    if is_active:
        limits.ensure_within_limit(organization, "agents")
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        invitation = _invitation_create(
            organization=organization, user=user, role=role, teams=teams, actor=actor
        )
        invitation_email_queue(invitation=invitation)
        return invitation
    user = User.objects.create_user(email=email, password=None, first_name=first_name, last_name=last_name)
    membership = Membership.objects.create(
        organization=organization, user=user, role=role, is_active=is_active, availability_status=status
    )
    if teams:
        membership.teams.set(teams)
    invitation_email_queue(membership=membership)
    return membership


def membership_is_invited(membership: Membership) -> bool:
    """Invited and not joined yet: the person has not chosen a password from the link (the
    account was made by the invitation, so it has no usable password until then)."""
    return not membership.user.has_usable_password()


def _invitation_create(
    *, organization: Organization, user: User, role: str, teams: list[Team] | None, actor: Membership | None
) -> Invitation:
    if Invitation.objects.filter(
        organization=organization, user=user, status=InvitationStatus.PENDING
    ).exists():
        raise AgentError("This person has been invited already.", field="email", code="conflict")
    invitation = Invitation.objects.create(organization=organization, user=user, role=role, invited_by=actor)
    if teams:
        invitation.teams.set(teams)
    return invitation


def _pending_invitation(*, user: User, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organization")
        .filter(pk=invitation_id, user=user, status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is None:
        raise AgentError("Invitation not found.", code="not_found")
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, invitation_id: int) -> Membership:
    """The invited user joins the organization with the invitation's role and teams (a seat must
    be free in its plan). Only the invited user can accept; any other id is ``not_found``."""
    invitation = _pending_invitation(user=user, invitation_id=invitation_id)
    organization = invitation.organization
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise AgentError("You are a member of this organization already.", code="conflict")
    limits.ensure_within_limit(organization, "agents")
    membership = Membership.objects.create(organization=organization, user=user, role=invitation.role)
    membership.teams.set(invitation.teams.filter(organization=organization))
    invitation.status, invitation.responded_at = InvitationStatus.ACCEPTED, timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return membership


@transaction.atomic
def invitation_decline(*, user: User, invitation_id: int) -> Invitation:
    invitation = _pending_invitation(user=user, invitation_id=invitation_id)
    invitation.status, invitation.responded_at = InvitationStatus.DECLINED, timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


def _check_own_profile(*, actor: Membership | None, membership: Membership, changes: dict) -> None:
    """A user's name and avatar are theirs (one user, many organizations): only the user edits
    them. Sending the stored value unchanged (as Libredesk's PUT does) is no change."""
    if actor is None or actor.user_id == membership.user_id:
        return
    user = membership.user
    for field, value in changes.items():
        if value != getattr(user, field):
            raise AgentError(
                "Only the person themself can change their name or avatar.",
                field=field,
                code="permission_denied",
            )


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
    """Change a member. Only owners change owners; nobody disables themselves; an organization
    always keeps an active owner; re-enabling a member needs a free seat in the plan."""
    _check_may_manage(actor=actor, membership=membership, what="change")
    _check_teams(membership.organization, teams)
    user = membership.user
    user_changes = {"first_name": first_name, "last_name": last_name, "avatar_url": avatar_url}
    user_changes = {field: value for field, value in user_changes.items() if value is not None}
    _check_own_profile(actor=actor, membership=membership, changes=user_changes)
    user_changes = {field: value for field, value in user_changes.items() if value != getattr(user, field)}
    if user_changes:
        for field, value in user_changes.items():
            setattr(user, field, value)
        user.save(update_fields=list(user_changes))
    if role is not None and role != membership.role:
        _check_role_change(actor=actor, role=role)
        _ensure_an_owner_remains(membership)
        membership.role = role
    if is_active is not None and is_active != membership.is_active:
        if not is_active:
            if actor is not None and actor.pk == membership.pk:
                raise AgentError("You cannot disable yourself.", field="enabled")
            _ensure_an_owner_remains(membership)
        else:
            limits.ensure_within_limit(membership.organization, "agents")
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
    """Remove a member from the organization (the user and their other memberships stay)."""
    if actor is not None and actor.pk == membership.pk:
        raise AgentError("You cannot remove yourself.")
    _check_may_manage(actor=actor, membership=membership, what="remove")
    _ensure_an_owner_remains(membership)
    membership.delete()


# Libredesk's availability names are accepted as aliases of ours.
_AVAILABILITY_ALIASES = {"available": Availability.ONLINE, "busy": Availability.AWAY_MANUAL}


def _valid_availability(status: str) -> str:
    key = str(status).strip().lower()
    key = _AVAILABILITY_ALIASES.get(key, key)
    if key not in Availability.values:
        raise AgentError(
            f"Unknown availability '{status}'. Use one of: {', '.join(Availability.values)}.", field="status"
        )
    return key


def _ensure_an_owner_remains(membership: Membership) -> None:
    """``membership`` stops being an active owner: refuse if it is the last one."""
    if membership.role != Role.OWNER or not membership.is_active:
        return
    others = Membership.objects.filter(
        organization=membership.organization, role=Role.OWNER, is_active=True
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise AgentError("An organization needs at least one active owner.", code="conflict")
