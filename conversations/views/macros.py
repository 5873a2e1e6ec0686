"""Macros on the conversation page: choosing one shows what it will do (the reply it puts in the
draft, the notes it adds, each change of status, priority, tags, agent and team); Apply puts the
reply INTO THE DRAFT for the agent to review and send, applies the other actions at once, and
offers an Undo (in the composer) that restores what they changed and the draft before."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from conversations.selectors import catalog
from conversations.selectors.macro_preview import macro_preview
from conversations.services.macro_draft import macro_apply_to_draft, macro_undo
from conversations.views.common import conversation_or_404
from conversations.views.composer import (
    MAX_DRAFT_CHARS,
    composer_answer,
    composer_with,
    draft_append,
    posted_draft,
)
from conversations.views.conversation import workspace_context
from conversations.views.queue import queue_for
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.views.access import member_view

PREVIEW_TEMPLATE = "conversations/conversation/_macro_preview.html"


def _undo_key(conversation) -> str:
    return f"macro_undo:{conversation.uuid}"


def _macro_or_404(tenant, value):
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404("No such macro.")
    return get_object_or_404(catalog.macro_list(organization=tenant.organization), pk=pk)


@require_GET
@member_view(view_role=Role.AGENT)
def preview(request, tenant, uuid):
    """``?macro=<id>``: the preview (htmx: the panel's preview box; else the page with it)."""
    conversation = conversation_or_404(tenant, uuid)
    if request.htmx and not request.GET.get("macro"):
        return HttpResponse("")  # "Apply a macro…" chosen again: no preview
    macro = _macro_or_404(tenant, request.GET.get("macro"))
    shown = macro_preview(macro=macro, conversation=conversation, actor=tenant.membership)
    if request.htmx:
        return render(request, PREVIEW_TEMPLATE, {"conversation": conversation, "macro_preview": shown})
    context = workspace_context(request, tenant, conversation)
    context["queue"] = queue_for(request, tenant, conversation)
    context["macro_preview"] = shown
    return render(request, "conversations/conversation/page.html", context)


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def apply(request, tenant, uuid):
    """The macro's reply goes after the agent's draft (posted along); everything else runs now."""
    conversation = conversation_or_404(tenant, uuid)
    macro = _macro_or_404(tenant, request.POST.get("macro"))
    before = posted_draft(request)
    try:
        result = macro_apply_to_draft(macro=macro, conversation=conversation, actor=tenant.membership)
    except DomainError as error:
        return composer_answer(
            request, tenant, conversation_or_404(tenant, uuid), composer=composer_with(request, message=before),
            message=error.message, level="error", status=error.status_code,
        )  # fmt: skip
    draft = draft_append(before, result.reply)
    request.session[_undo_key(conversation)] = result.previous
    if result.reply and result.applied:
        notice = f"Macro “{macro.name}” put its reply in the draft (review it, then send) and applied its other actions."
    elif result.reply:
        notice = f"Macro “{macro.name}” put its reply in the draft: review it, then send."
    else:
        notice = f"Macro “{macro.name}” applied."
    assist = {
        "notice": notice,
        "level": "info",
        "undo_url": reverse("conversations:macro-undo", args=[conversation.uuid]),
        "undo_label": "Undo macro",
        "previous": before,
    }
    return composer_answer(
        request, tenant, conversation_or_404(tenant, uuid),
        composer=composer_with(request, message=draft, mode="reply" if result.reply else None),
        assist=assist, message=f"Macro “{macro.name}” applied",
    )  # fmt: skip


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def undo(request, tenant, uuid):
    """Restore what the last macro applied here changed, and the draft it replaced."""
    conversation = conversation_or_404(tenant, uuid)
    previous = request.session.pop(_undo_key(conversation), None)
    draft = (request.POST.get("previous_message") or "")[:MAX_DRAFT_CHARS]
    if previous is None:
        return composer_answer(
            request, tenant, conversation, composer=composer_with(request, message=posted_draft(request)),
            message="Nothing to undo: the macro's changes were undone already.", level="error", status=409,
        )  # fmt: skip
    try:
        macro_undo(conversation=conversation, actor=tenant.membership, previous=previous)
    except DomainError as error:
        return composer_answer(
            request, tenant, conversation_or_404(tenant, uuid), composer=composer_with(request, message=draft),
            message=error.message, level="error", status=error.status_code,
        )  # fmt: skip
    return composer_answer(
        request, tenant, conversation_or_404(tenant, uuid), composer=composer_with(request, message=draft),
        message="Macro undone: the conversation is as it was.",
    )  # fmt: skip
