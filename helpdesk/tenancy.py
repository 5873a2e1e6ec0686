"""Who is acting, and inside which organization: resolved once per request from the credential."""

from __future__ import annotations

from dataclasses import dataclass, field

from helpdesk.models import ApiKey, Membership, Organization, Role
from helpdesk.models.api_key import ApiKeyKind, ApiKeyPermission
from helpdesk.models.people import ROLE_RANK


@dataclass(frozen=True)
class Tenant:
    organization: Organization
    membership: Membership
    api_key: ApiKey | None = None
    permissions: frozenset[str] = field(default_factory=frozenset)

    @property
    def role(self) -> str:
        """The effective role: the member's role, capped by an organization key's permissions."""
        role = self.membership.role
        if self.api_key is not None and self.api_key.kind == ApiKeyKind.ORGANIZATION:
            if ApiKeyPermission.ADMIN not in self.permissions:
                role = Role.AGENT
        return role

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    def can(self, permission: str) -> bool:
        return permission in self.permissions


def permissions_for_role(role: str) -> frozenset[str]:
    if role in (Role.ADMIN, Role.OWNER):
        return frozenset({"read", "write", "admin"})
    return frozenset({"read", "write"})


def tenant_for_key(api_key: ApiKey) -> Tenant:
    membership = api_key.membership
    if api_key.kind == ApiKeyKind.ORGANIZATION:
        granted = set(api_key.permissions)
        if "admin" in granted:
            granted |= {"read", "write"}
        if "write" in granted:
            granted.add("read")
        permissions = frozenset(granted) & permissions_for_role(membership.role)
    else:
        permissions = permissions_for_role(membership.role)
    return Tenant(
        organization=api_key.organization, membership=membership, api_key=api_key, permissions=permissions
    )


def tenant_for_session(request) -> Tenant | None:
    """The organization picked in the session (or the user's first active one)."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.select_related("organization", "user").filter(user=user, is_active=True)
    wanted = request.session.get("organization_id")
    membership = (
        memberships.filter(organization_id=wanted).first() if wanted else None
    ) or memberships.order_by("created_at").first()
    if membership is None:
        return None
    return Tenant(
        organization=membership.organization,
        membership=membership,
        permissions=permissions_for_role(membership.role),
    )
