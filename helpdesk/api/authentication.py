"""Every credential scheme of the four seed APIs, all resolving the organization.

- ``Authorization: Bearer <full key or login token>`` (Novumdesk, Nova Chat)
- ``Authorization: token <api_key>:<api_secret>`` and ``Basic base64(api_key:api_secret)`` (Libredesk)
- the UI's session cookie, with CSRF (``TenantSessionAuthentication``)

The tenant is stored on the Django request as ``request.tenant``."""

from __future__ import annotations

import base64
import binascii
import hmac

from django.utils import timezone
from rest_framework import authentication, exceptions

from helpdesk import credential_cache
from helpdesk.models import ApiKey
from helpdesk.tenancy import tenant_for_key, tenant_for_session

LAST_USED_RESOLUTION_SECONDS = 60


def split_credential(raw: str) -> tuple[str, str] | None:
    """``key_id:secret`` or a full key ``key_id.secret`` → (key_id, secret)."""
    for separator in (":", "."):
        if separator in raw:
            key_id, _, secret = raw.partition(separator)
            if key_id and secret:
                return key_id.strip(), secret.strip()
    return None


def parse_authorization(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.strip().partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if not value:
        return None
    if scheme in ("bearer", "token"):
        return split_credential(value)
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return split_credential(decoded)
    return None


def authenticate_credential(key_id: str, secret: str) -> ApiKey | None:
    api_key = credential_cache.get(key_id)
    if api_key is None:
        api_key = (
            ApiKey.objects.select_related("organization", "membership__user", "membership__organization")
            .filter(key_id=key_id)
            .first()
        )
        if api_key is not None:
            credential_cache.put(api_key)
    if api_key is None or not api_key.is_usable:
        return None

    if not hmac.compare_digest(api_key.secret_hash, ApiKey.hash_secret(secret)):
        return None
    membership = api_key.membership
    if not (membership.is_active and membership.user.is_active):
        return None
    if membership.organization_id != api_key.organization_id:  # never act across organizations
        return None
    now = timezone.now()
    if (
        api_key.last_used_at is None
        or (now - api_key.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
    ):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
        credential_cache.put(api_key)
    return api_key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        credential = parse_authorization(header)
        if credential is None:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        api_key = authenticate_credential(*credential)
        if api_key is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked credentials.")
        request._request.tenant = tenant_for_key(api_key)
        return api_key.membership.user, api_key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TenantSessionAuthentication(authentication.SessionAuthentication):
    """The UI's session (CSRF enforced), acting in the organization chosen in the session."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        tenant = tenant_for_session(request._request)
        if tenant is None:
            raise exceptions.AuthenticationFailed("This account belongs to no active organization.")
        request._request.tenant = tenant
        return result
