"""API credentials: organization keys (shown once) and Libredesk per-agent key/secret pairs."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from helpdesk import credential_cache
from helpdesk.errors import DomainError
from helpdesk.models import ApiKey, Membership
from helpdesk.models.api_key import ApiKeyKind, ApiKeyPermission


class ApiKeyError(DomainError):
    pass


def api_key_create(*, membership: Membership, name: str, permissions: list[str]) -> tuple[ApiKey, str]:
    """Create an organization key acting as ``membership``. Returns the key and its full secret
    form (``pk_….<secret>``), which is never retrievable again."""
    wanted = set(permissions or [ApiKeyPermission.READ])
    unknown = wanted - set(ApiKeyPermission.values)
    if unknown:
        raise ApiKeyError(
            f"Unknown permission(s): {', '.join(sorted(unknown))}. Use read, write or admin.",
            field="permissions",
        )
    if ApiKeyPermission.ADMIN in wanted and not membership.has_role("admin"):
        raise ApiKeyError("Only admins can create keys with the admin permission.", field="permissions")
    key_id, secret = "pk_" + secrets.token_hex(8), secrets.token_hex(24)
    api_key = ApiKey.objects.create(
        organization=membership.organization,
        membership=membership,
        kind=ApiKeyKind.ORGANIZATION,
        name=name.strip() or "API key",
        key_id=key_id,
        secret_hash=ApiKey.hash_secret(secret),
        permissions=sorted(wanted),
    )
    return api_key, f"{key_id}.{secret}"


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


@transaction.atomic
def agent_api_key_generate(*, membership: Membership) -> tuple[str, str]:
    """Libredesk: (re)generate the agent's key/secret pair; the previous pair stops working."""
    agent_api_key_revoke(membership=membership)
    key_id, secret = "ak_" + secrets.token_hex(8), "as_" + secrets.token_hex(24)
    ApiKey.objects.create(
        organization=membership.organization,
        membership=membership,
        kind=ApiKeyKind.AGENT,
        name=f"Agent key for {membership.user.email}",
        key_id=key_id,
        secret_hash=ApiKey.hash_secret(secret),
        permissions=[],
    )
    return key_id, secret


def agent_api_key_revoke(*, membership: Membership) -> int:
    keys = ApiKey.objects.filter(membership=membership, kind=ApiKeyKind.AGENT, revoked_at__isnull=True)
    key_ids = list(keys.values_list("key_id", flat=True))
    revoked = keys.update(revoked_at=timezone.now())
    credential_cache.forget(key_ids)  # a queryset update sends no signal
    return revoked
