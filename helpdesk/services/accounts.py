"""Organizations, sign-up, login tokens and the organization's settings."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from helpdesk.errors import DomainError
from helpdesk.models import ApiKey, Membership, Organization, Plan, Role, User
from helpdesk.models.api_key import ApiKeyKind
from helpdesk.tenancy import permissions_for_role

# Registered by apps that need per-organization defaults (an API inbox, built-in AI prompts…).
_organization_initializers: list = []


def register_organization_initializer(initializer) -> None:
    """``initializer(organization)`` runs inside ``organization_create``'s transaction."""
    if initializer not in _organization_initializers:
        _organization_initializers.append(initializer)


class AccountError(DomainError):
    pass


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "org"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organization_create(
    *,
    name: str,
    owner_email: str,
    owner_password: str | None,
    plan: str = Plan.STARTER,
    owner_first_name: str = "",
    owner_last_name: str = "",
) -> tuple[Organization, Membership]:
    """Create an organization with its owner (a new user, or an existing one joining as owner)."""
    if plan not in Plan.values:
        raise AccountError(f"Unknown plan '{plan}'.", field="plan")
    email = owner_email.strip().lower()
    organization = Organization(name=name.strip(), slug=_unique_slug(name), plan=plan)
    organization.apply_plan_limits()
    organization.save()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=owner_password, first_name=owner_first_name, last_name=owner_last_name
        )
    elif owner_password is not None and not user.check_password(owner_password):
        raise AccountError(
            "An account with this email exists; sign in with its password.", field="email", code="conflict"
        )
    membership = Membership.objects.create(organization=organization, user=user, role=Role.OWNER)
    for initializer in _organization_initializers:
        initializer(organization)
    return organization, membership


def organization_update_settings(*, organization: Organization, changes: dict) -> Organization:
    for field, value in changes.items():
        setattr(organization, field, value)
    if "plan" in changes:
        organization.apply_plan_limits()
    organization.full_clean(exclude=["slug"])
    organization.save()
    return organization


def login_token_issue(*, membership: Membership) -> str:
    """A Bearer token for the API (Nova Chat's login), valid for LOGIN_TOKEN_DAYS."""
    key_id, secret = "lt_" + secrets.token_hex(8), secrets.token_hex(24)
    ApiKey.objects.create(
        organization=membership.organization,
        membership=membership,
        kind=ApiKeyKind.LOGIN,
        name="Login token",
        key_id=key_id,
        secret_hash=ApiKey.hash_secret(secret),
        permissions=sorted(permissions_for_role(membership.role)),
        expires_at=timezone.now() + timedelta(days=settings.LOGIN_TOKEN_DAYS),
    )
    return f"{key_id}.{secret}"


def login(*, email: str, password: str, request=None) -> tuple[Membership, str]:
    user = authenticate(request, username=email.strip().lower(), password=password)
    if user is None:
        raise AccountError("Invalid email or password.", code="invalid_credentials")
    membership = (
        Membership.objects.select_related("organization")
        .filter(user=user, is_active=True)
        .order_by("created_at")
        .first()
    )
    if membership is None:
        raise AccountError("This account belongs to no active organization.", code="no_organization")
    return membership, login_token_issue(membership=membership)
