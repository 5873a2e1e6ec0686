"""Presence from the agent UI (static/js/presence.js): the heartbeat an open page sends, the
user menu's online/away toggle, and the teammates an @mention may name (autocomplete)."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from helpdesk import selectors
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.services import presence as presence_services
from helpdesk.views.access import member_view

MAX_PREFIX = 100


def _state(membership) -> dict:
    status = membership.availability_status
    return {"status": status, "label": presence_services.presence_label(status)}


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def heartbeat(request, tenant):
    """``idle=1`` when nobody touched the page for PRESENCE_IDLE_SECONDS."""
    membership = presence_services.presence_heartbeat(
        membership=tenant.membership, idle=request.POST.get("idle") in ("1", "true")
    )
    return JsonResponse(_state(membership))


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def choose(request, tenant):
    """The user menu: ``status=online`` or ``status=away``."""
    try:
        membership = presence_services.presence_choose(
            membership=tenant.membership, choice=request.POST.get("status", "")
        )
    except DomainError as error:
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"error": error.message, "code": error.code, "fields": {}}, status=400)
        messages.error(request, error.message)
        return redirect("home")
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(_state(membership))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "home"
    messages.success(request, f"You are {_state(membership)['label'].lower()}.")
    return redirect(target)


@require_GET
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def agent_suggestions(request, tenant):
    """Teammates whose name or email starts with ``q``: ``[{id, name, handle, email, status}]``."""
    prefix = request.GET.get("q", "")[:MAX_PREFIX]
    agents = selectors.agent_suggestions(organization=tenant.organization, prefix=prefix)
    return JsonResponse(
        {
            "results": [
                {
                    "id": agent.pk,
                    "name": agent.user.full_name,
                    "handle": agent.user.email.split("@")[0],
                    "email": agent.user.email,
                    **_state(agent),
                }
                for agent in agents
            ]
        }
    )
