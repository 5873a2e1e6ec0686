"""Helpers shared by the agent UI views: organization-scoped lookups that answer 404 for anything
outside the organization, toasts for htmx responses, and the redirect-or-partial pattern."""

from __future__ import annotations

import json

from django.http import Http404
from django.shortcuts import get_object_or_404

from conversations.selectors.conversations import conversation_get
from helpdesk import selectors as core_selectors
from helpdesk.models import Membership, Team

PAGE_SIZE = 25


def conversation_or_404(tenant, uuid):
    conversation = conversation_get(organization=tenant.organization, uuid=uuid)
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


def agent_or_404(tenant, pk) -> Membership:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such agent.")
    return get_object_or_404(
        Membership.objects.select_related("user"), organization=tenant.organization, pk=pk, is_active=True
    )


def team_or_404(tenant, pk) -> Team:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such team.")
    return get_object_or_404(Team, organization=tenant.organization, pk=pk)


def active_agents(tenant) -> list[Membership]:
    """Agents a conversation can be assigned to (active members, by name)."""
    return [
        member
        for member in core_selectors.agent_list(organization=tenant.organization)
        if member.is_active and member.user.is_active
    ]


def with_toast(response, message: str, level: str = "success"):
    """Show ``message`` as a toast after an htmx request (parley.js listens for ``parley:toast``)."""
    response["HX-Trigger"] = json.dumps({"parley:toast": {"message": message, "level": level}})
    return response


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
