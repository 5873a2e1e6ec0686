"""Who may open a UI page: signed in, inside an active organization, with a role.

``member_view(view_role=…, write_role=…)`` wraps a view ``view(request, tenant, …)``: GET and
HEAD need ``view_role``, every other method ``write_role`` (403 otherwise, nothing changes)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from helpdesk.models import Role
from helpdesk.templatetags.parley import current_tenant

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def no_organization(request):
    return render(request, "errors/no_organization.html", status=403)


def member_view(*, view_role: str = Role.AGENT, write_role: str = Role.ADMIN):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            tenant = current_tenant(request)
            if tenant is None:
                return no_organization(request)
            needed = view_role if request.method in SAFE_METHODS else write_role
            if not tenant.has_role(needed):
                raise PermissionDenied
            return view(request, tenant, *args, **kwargs)

        return wrapper

    return decorator


def no_store(response):
    """For responses that show a secret once: never cache them anywhere."""
    response["Cache-Control"] = "no-store"
    return response
