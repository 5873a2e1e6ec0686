"""Bulk actions on the inbox list: the checked conversations (or every one matching the list's
filters) get one change through ``conversations.services.bulk``, and the reversible ones can be
undone once. With htmx the list is swapped with the result bar; without it, a redirect back."""

from __future__ import annotations

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from conversations.models import StatusCategory
from conversations.selectors import catalog
from conversations.services import bulk as bulk_services
from conversations.services.bulk import MAX_BULK, UNDOABLE, BulkResult
from conversations.services.bulk_merge import conversations_bulk_merge
from conversations.services.bulk_undo import conversations_bulk_undo
from conversations.views.common import agent_or_404, int_or_none, team_or_404, with_toast
from conversations.views.inbox import list_context
from conversations.views.inbox_filters import inbox_list
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.views.access import member_view

UNDO_KEY = "bulk_undo"
NOTICE_KEY = "bulk_notice"
NOUNS = {
    "assign_agent": "Assigned",
    "assign_team": "Moved to the team",
    "status": "Status changed on",
    "snooze": "Snoozed",
    "priority": "Priority changed on",
    "tags": "Tags changed on",
    "merge": "Merged",
}


def _selected_ids(request, tenant) -> list[int]:
    if request.POST.get("all_matching") == "1":
        listing = inbox_list(QueryDict(request.POST.get("list", "")), tenant)
        return list(listing.queryset.order_by().values_list("pk", flat=True)[:MAX_BULK])
    return [pk for pk in (int_or_none(value) for value in request.POST.getlist("ids")) if pk is not None]


def _run(request, tenant, ids: list[int]) -> BulkResult:
    """``op``: ``agent:<id|me|none>``, ``team:<id|none>``, ``status:<id>``, ``snooze:<1h…>``,
    ``priority:<name|none>``, ``tag-add`` / ``tag-remove`` (with ``tag``) or ``merge``."""
    actor = tenant.membership
    kind, _, value = (request.POST.get("op") or "").partition(":")
    if kind == "agent":
        agent = None if value == "none" else actor if value == "me" else agent_or_404(tenant, value)
        return bulk_services.conversations_bulk_assign_agent(actor=actor, conversation_ids=ids, agent=agent)
    if kind == "team":
        team = None if value == "none" else team_or_404(tenant, value)
        return bulk_services.conversations_bulk_assign_team(actor=actor, conversation_ids=ids, team=team)
    if kind == "status":
        statuses = {str(s.pk): s for s in catalog.status_list(organization=tenant.organization)}
        status = statuses.get(value)
        if status is None or status.category == StatusCategory.SNOOZED:
            raise DomainError("Choose a status.", field="op")
        return bulk_services.conversations_bulk_set_status(actor=actor, conversation_ids=ids, status=status)
    if kind == "snooze":
        return bulk_services.conversations_bulk_snooze(actor=actor, conversation_ids=ids, snoozed_until=value)
    if kind == "priority":
        return bulk_services.conversations_bulk_set_priority(
            actor=actor, conversation_ids=ids, priority=None if value == "none" else value
        )
    if kind in ("tag-add", "tag-remove"):
        names = [name.strip() for name in request.POST.get("tag", "").split(",") if name.strip()]
        if not names:
            raise DomainError("Type the tag to add or remove.", field="tag")
        return bulk_services.conversations_bulk_tag(
            actor=actor,
            conversation_ids=ids,
            add=names if kind == "tag-add" else None,
            remove=names if kind == "tag-remove" else None,
        )
    if kind == "merge":
        return conversations_bulk_merge(actor=actor, conversation_ids=ids)
    raise DomainError("Choose what to do with the selected conversations.", field="op")


def _respond(request, tenant, message: str, level: str, undo: bool):
    list_query = request.POST.get("list", "")
    notice = {"message": message, "level": level, "undo": undo}
    if not request.htmx:
        request.session[NOTICE_KEY] = notice
        (messages.success if level == "success" else messages.error)(request, message)
        return redirect(f"{reverse('conversations:inbox')}?{list_query}")
    context = list_context(request, tenant, QueryDict(list_query), target="conv-list")
    context["bulk_notice"] = notice
    response = render(request, "conversations/inbox/_bulk_result.html", context)
    return (
        with_toast(response, message, level) if level == "error" else response
    )  # success: the notice (with undo)


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def bulk_apply(request, tenant):
    ids = _selected_ids(request, tenant)
    try:
        result = _run(request, tenant, ids)
    except DomainError as error:
        return _respond(request, tenant, error.message, "error", False)
    undo = bool(result.previous) and result.action in UNDOABLE
    if undo:
        request.session[UNDO_KEY] = {
            "action": result.action,
            "previous": {str(k): v for k, v in result.previous.items()},
        }
    else:
        request.session.pop(UNDO_KEY, None)
    noun = NOUNS[result.action]
    message = (
        f"{noun} {result.changed} of {result.selected} conversation{'s' if result.selected != 1 else ''}."
    )
    return _respond(request, tenant, message, "success", undo)


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def bulk_undo(request, tenant):
    saved = request.session.pop(UNDO_KEY, None)
    if not saved:
        return _respond(request, tenant, "Nothing to undo.", "error", False)
    try:
        result = conversations_bulk_undo(actor=tenant.membership, result=saved)
    except DomainError as error:
        return _respond(request, tenant, error.message, "error", False)
    return _respond(
        request,
        tenant,
        f"Undone on {result.changed} conversation{'s' if result.changed != 1 else ''}.",
        "success",
        False,
    )
