"""Organizations, sign-up, login tokens and the organization's settings."""

from __future__ import annotations

import ipaddress
import re
import secrets
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from helpdesk import ollama as ollama_adapter
from helpdesk import outbound
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


def _ensure_signup_plan(plan: str) -> None:
    if plan not in settings.SIGNUP_ALLOWED_PLANS:
        allowed = ", ".join(settings.SIGNUP_ALLOWED_PLANS) or "none"
        raise AccountError(
            f"The plan '{plan}' cannot be chosen at sign-up (allowed: {allowed}).", field="plan"
        )


@transaction.atomic
def account_sign_up(
    *,
    name: str,
    email: str,
    password: str,
    plan: str = Plan.STARTER,
    first_name: str = "",
    last_name: str = "",
) -> tuple[Organization, Membership]:
    """Anonymous sign-up: a new person's organization and owner account. An email that is
    registered already is a ``conflict`` whatever the password (a signed-in user adds an
    organization with ``organization_add``); the plan must be in ``SIGNUP_ALLOWED_PLANS``."""
    _ensure_signup_plan(plan)
    if User.objects.filter(email__iexact=email.strip()).exists():
        raise AccountError(
            "An account with this email exists already. Sign in, then create another organization there.",
            field="email",
            code="conflict",
        )
    return organization_create(
        name=name,
        owner_email=email,
        owner_password=password,
        plan=plan,
        owner_first_name=first_name,
        owner_last_name=last_name,
    )


@transaction.atomic
def organization_add(*, user: User, name: str, plan: str = Plan.STARTER) -> tuple[Organization, Membership]:
    """A signed-in user creates another organization and becomes its owner. The plan follows
    the same rule as sign-up (``SIGNUP_ALLOWED_PLANS``)."""
    _ensure_signup_plan(plan)
    return organization_create(name=name, owner_email=user.email, owner_password=None, plan=plan)


@transaction.atomic
def organization_update_settings(*, organization: Organization, changes: dict) -> Organization:
    """Change the organization's settings. ``allowed_outbound_hosts`` entries must be host names,
    IPs or CIDR networks (never cloud metadata, never broader than /8 or /32 for IPv6), and every
    Ollama endpoint must pass the outbound guard with the resulting allow-list."""
    changes = dict(changes)
    hours = changes.get("default_business_hours")
    if hours is not None and hours.organization_id != organization.pk:
        raise AccountError("Business hours not found.", field="default_business_hours_id", code="not_found")
    if "allowed_outbound_hosts" in changes:
        changes["allowed_outbound_hosts"] = _clean_outbound_hosts(changes["allowed_outbound_hosts"])
    if "ollama_endpoints" in changes:
        changes["ollama_endpoints"] = _dedupe([e.strip().rstrip("/") for e in changes["ollama_endpoints"]])
    if "ollama_endpoint" in changes:
        changes["ollama_endpoint"] = (changes["ollama_endpoint"] or "").strip().rstrip("/")
    if {"allowed_outbound_hosts", "ollama_endpoints", "ollama_endpoint"} & set(changes):
        allowed = changes.get("allowed_outbound_hosts", organization.allowed_outbound_hosts)
        guard = SimpleNamespace(allowed_outbound_hosts=allowed)
        endpoints = [
            ("ollama_endpoints", e) for e in changes.get("ollama_endpoints", organization.ollama_endpoints)
        ]
        single = changes.get("ollama_endpoint", organization.ollama_endpoint)
        if single:
            endpoints.append(("ollama_endpoint", single))
        for field, endpoint in endpoints:
            try:
                outbound.check_url(endpoint, organization=guard)
            except (outbound.OutboundRefused, ValueError) as exc:  # ValueError: unparsable URL
                raise AccountError(f"Ollama endpoint {endpoint}: {exc}", field=field) from exc
    for field, value in changes.items():
        setattr(organization, field, value)
    if "plan" in changes:
        organization.apply_plan_limits()
    organization.full_clean(exclude=["slug"])
    organization.save()
    return organization


_HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$"
)
_METADATA_ADDRESSES = (ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"))
_MIN_PREFIX = {4: 8, 6: 32}


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _clean_outbound_hosts(entries: list[str]) -> list[str]:
    cleaned = []
    for raw in entries:
        entry = str(raw).strip().lower().rstrip(".")
        if entry.startswith("[") and entry.endswith("]"):
            entry = entry[1:-1]
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            network = None
        if network is None:
            if not _HOST_NAME.match(entry):
                raise AccountError(
                    f"'{raw}' is not a host name, IP address or CIDR network.", field="allowed_outbound_hosts"
                )
            if entry in outbound.METADATA_HOSTS:
                raise AccountError(f"'{raw}' is a cloud metadata service.", field="allowed_outbound_hosts")
        else:
            if network.prefixlen < _MIN_PREFIX[network.version]:
                raise AccountError(
                    f"'{raw}' is too broad: use a network of at most /{_MIN_PREFIX[network.version]}.",
                    field="allowed_outbound_hosts",
                )
            if any(
                address in network for address in _METADATA_ADDRESSES if address.version == network.version
            ):
                raise AccountError(
                    f"'{raw}' includes the cloud metadata address.", field="allowed_outbound_hosts"
                )
            entry = str(network) if "/" in entry else str(network.network_address)
        cleaned.append(entry)
    return _dedupe(cleaned)


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


def login(
    *, email: str, password: str, organization_id: int | None = None, request=None
) -> tuple[Membership, str]:
    """A login token for the user's first organization, or for ``organization_id`` (one the
    user is an active member of: how an API client switches organization)."""
    user = authenticate(request, username=email.strip().lower(), password=password)
    if user is None:
        raise AccountError("Invalid email or password.", code="invalid_credentials")
    memberships = Membership.objects.select_related("organization").filter(user=user, is_active=True)
    if organization_id is not None:
        membership = memberships.filter(organization_id=organization_id).first()
        if membership is None:
            raise AccountError(
                "You are not an active member of this organization.",
                field="organization_id",
                code="not_found",
            )
        return membership, login_token_issue(membership=membership)
    membership = memberships.order_by("created_at").first()
    if membership is None:
        raise AccountError(
            "This account is not an active member of any organization.", code="permission_denied"
        )
    return membership, login_token_issue(membership=membership)


MAX_OLLAMA_ENDPOINTS = 100


@transaction.atomic
def ai_provider_update(*, organization: Organization, endpoint: str, model: str) -> Organization:
    """Set the organization's default Ollama endpoint and model (API: ``PUT ai/provider``).

    An endpoint not yet in ``ollama_endpoints`` is added to it: the admin naming it is the one
    allowing it. It must still pass the outbound guard (internal addresses need
    ``allowed_outbound_hosts``). A blank endpoint or model, or the server's own ``OLLAMA_HOST``,
    means "use the server default"."""
    endpoint = ollama_adapter.normalize_endpoint(endpoint) if (endpoint or "").strip() else ""
    if endpoint == ollama_adapter.server_default_endpoint():
        endpoint = ""
    model = ollama_adapter.validate_model_name(model) if (model or "").strip() else ""
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    endpoints = list(locked.ollama_endpoints or [])
    if endpoint:
        ollama_adapter.guard_endpoint(locked, endpoint)
        if endpoint not in ollama_adapter.normalize_endpoints(endpoints):
            if len(endpoints) >= MAX_OLLAMA_ENDPOINTS:
                raise AccountError(f"At most {MAX_OLLAMA_ENDPOINTS} Ollama endpoints.", field="endpoint")
            endpoints.append(endpoint)
    locked.ollama_endpoints, locked.ollama_endpoint, locked.ollama_model = endpoints, endpoint, model
    locked.save(update_fields=["ollama_endpoints", "ollama_endpoint", "ollama_model", "updated_at"])
    return locked


def ai_provider_test(*, organization: Organization, endpoint: str | None = None) -> dict:
    """Reach ``endpoint`` (one the organization may use; default: the one in use) and list its
    models: ``{"ok": True, "endpoint", "version", "models": [...]}``. Raises ``OllamaUnavailable``
    (503) or ``OllamaError`` (502) when Ollama fails, ``DomainError`` for an endpoint not allowed."""
    target = ollama_adapter.resolve_endpoint(organization, endpoint)
    version = ollama_adapter.server_version(target)
    return {"ok": True, "endpoint": target, "version": version, "models": ollama_adapter.list_models(target)}
