"""Role checks: agents read and work; admins configure; owners manage plan-like settings.

A view sets ``required_role`` (default agent) and optionally ``write_role`` for unsafe methods,
or ``action_roles = {"create": "admin"}`` per action. Keys are checked for their permissions:
``read`` for safe methods, ``write`` otherwise, ``admin`` wherever an admin role is needed."""

from rest_framework import permissions

from helpdesk.models import Role

SAFE = permissions.SAFE_METHODS


def current_tenant(request):
    tenant = getattr(request._request, "tenant", None)
    return tenant if tenant else None


class IsOrganizationMember(permissions.BasePermission):
    message = "You do not have permission to perform this action."

    def has_permission(self, request, view):
        tenant = current_tenant(request)
        if tenant is None or not request.user or not request.user.is_authenticated:
            return False
        needed_permission = "read" if request.method in SAFE else "write"
        if not tenant.can(needed_permission):
            self.message = f"This API key lacks the '{needed_permission}' permission."
            return False
        role = required_role_for(view, request)
        if role != Role.AGENT:
            if not tenant.can("admin"):
                self.message = "This API key lacks the 'admin' permission."
                return False
            if not tenant.has_role(role):
                self.message = f"This action needs the {role} role."
                return False
        return True


def required_role_for(view, request) -> str:
    action = getattr(view, "action", None)
    action_roles = getattr(view, "action_roles", {}) or {}
    if action in action_roles:
        return action_roles[action]
    if request.method not in SAFE and getattr(view, "write_role", None):
        return view.write_role
    return getattr(view, "required_role", Role.AGENT)


class AllowPublic(permissions.AllowAny):
    """For endpoints that must work without a credential (health, sign-up, login, widget)."""
