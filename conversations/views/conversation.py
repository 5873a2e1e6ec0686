"""The conversation page: thread, composer and side panel, the live poll that brings new messages
in without a reload, and the one place that renders the page's parts for htmx responses."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from conversations.content import html_to_text, preview
from conversations.forms import PRIORITY_CHOICES, SNOOZE_CHOICES, ComposerForm, ContactNoteForm
from conversations.models import Channel, MessageType, StatusCategory
from conversations.selectors import catalog
from conversations.selectors.contacts import contact_notes
from conversations.selectors.conversations import previous_conversations
from conversations.selectors.csat import csat_list
from conversations.selectors.messages import message_list
from conversations.selectors.ui import merge_candidates, thread_fingerprint
from conversations.services.conversations import conversation_mark_seen
from conversations.services.sla import STOPPED
from conversations.views.common import active_agents, conversation_or_404, with_toast
from conversations.views.queue import queue_for
from helpdesk import selectors as core_selectors
from helpdesk.models import Role
from helpdesk.views.access import member_view

CONTACT_NOTES_SHOWN = 5
CSAT_SHOWN = 5


def thread_entries(conversation) -> list:
    """The thread with a ``day_break`` flag on the first entry of each day and ``grouped`` on a
    message that follows one from the same sender within five minutes."""
    entries = list(message_list(conversation=conversation))
    previous = None
    for entry in entries:
        entry.day_break = previous is None or entry.created_at.date() != previous.created_at.date()
        entry.grouped = (
            previous is not None
            and not entry.day_break
            and entry.type != MessageType.ACTIVITY
            and previous.type == entry.type
            and previous.private == entry.private
            and previous.sender_agent_id == entry.sender_agent_id
            and (entry.created_at - previous.created_at).total_seconds() < 300
        )
        entry.images = [a for a in entry.attachments.all() if a.disposition == "inline"]
        entry.files = [a for a in entry.attachments.all() if a.disposition != "inline"]
        previous = entry
    return entries


def _back_url(request) -> str:
    """The list the agent came from: its tab and filters ride along in the row's link (so two
    windows on two lists each go back to their own), else the last list shown in this session."""
    if request.method == "GET" and request.GET.get("tab"):
        return f"{reverse('conversations:inbox')}?{request.GET.urlencode()}"
    return request.session.get("inbox_url") or reverse("conversations:inbox")


def workspace_context(
    request, tenant, conversation, *, composer=None, note_form=None, error: str = ""
) -> dict:
    """Everything the header, thread, composer and side panel render (a fixed number of queries)."""
    organization = tenant.organization
    statuses = list(catalog.status_list(organization=organization))
    is_email = conversation.inbox.channel == Channel.EMAIL
    canned = list(catalog.canned_list(organization=organization))
    for item in canned:
        item.preview = preview(html_to_text(item.content), 90)
    return {
        "conversation": conversation,
        "contact": conversation.contact,
        "entries": thread_entries(conversation),
        "statuses": [s for s in statuses if s.category != StatusCategory.SNOOZED],
        "agents": active_agents(tenant),
        "teams": list(core_selectors.team_list(organization=organization)),
        "all_tags": list(catalog.tag_list(organization=organization)),
        "canned": canned,
        "macros": list(catalog.macro_list(organization=organization)),
        "previous": previous_conversations(conversation=conversation),
        "merge_targets": merge_candidates(conversation=conversation),
        "notes": list(contact_notes(contact=conversation.contact)[:CONTACT_NOTES_SHOWN]),
        "csat_surveys": list(csat_list(conversation=conversation)[:CSAT_SHOWN]),
        "priorities": PRIORITY_CHOICES,
        "snooze_choices": SNOOZE_CHOICES,
        "composer": composer or ComposerForm(initial={"mode": "reply"}),
        "note_form": note_form or ContactNoteForm(),
        "is_email": is_email,
        "is_active": conversation.status.category not in STOPPED,
        "is_snoozed": conversation.status.category == StatusCategory.SNOOZED,
        "sla_pending": conversation.status.category not in STOPPED,
        "fingerprint": thread_fingerprint(conversation_id=conversation.pk),
        "back_url": _back_url(request),
        "me": tenant.membership,
        "is_admin": tenant.has_role(Role.ADMIN),
        "error": error,
        "now": timezone.now(),
    }


def render_parts(
    request,
    tenant,
    conversation,
    *,
    message="",
    level="success",
    status=200,
    composer=None,
    inline_error=True,
    extra: dict | None = None,
):
    """htmx answer to an action: header, thread and side panel (and the live poller) swapped out of
    band, the composer too when given, a toast, and an inline alert when the action was refused."""
    error = message if level == "error" and inline_error else ""
    context = workspace_context(request, tenant, conversation, composer=composer, error=error)
    context["composer_oob"] = composer is not None
    context.update(extra or {})
    response = render(request, "conversations/conversation/_parts.html", context, status=status)
    if message:
        with_toast(response, message, level)
    return response


def action_done(request, tenant, conversation, message: str):
    """Success: the updated parts for htmx, else a redirect back with a flash message."""
    if request.htmx:
        return render_parts(request, tenant, conversation, message=message)
    messages.success(request, message)
    return redirect("conversations:conversation", uuid=conversation.uuid)


def action_refused(request, tenant, conversation, error):
    """A service refused (``DomainError``): the message inline (and as a toast), nothing changed."""
    conversation = conversation_or_404(tenant, conversation.uuid)  # as stored, not as half-changed in memory
    if request.htmx:
        return render_parts(
            request, tenant, conversation, message=error.message, level="error", status=error.status_code
        )
    messages.error(request, error.message)
    return redirect("conversations:conversation", uuid=conversation.uuid)


@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def conversation_detail(request, tenant, uuid):
    conversation = conversation_or_404(tenant, uuid)
    conversation_mark_seen(conversation=conversation, membership=tenant.membership)
    context = workspace_context(request, tenant, conversation)
    context["queue"] = queue_for(request, tenant, conversation)
    return render(request, "conversations/conversation/page.html", context)


@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def conversation_live(request, tenant, uuid):
    """Polled every few seconds: 204 when nothing changed, else the fresh parts (read by the agent
    who is looking at them, so the conversation counts as seen)."""
    conversation = conversation_or_404(tenant, uuid)
    if request.GET.get("since") == thread_fingerprint(conversation_id=conversation.pk):
        return HttpResponse(status=204)
    conversation_mark_seen(conversation=conversation, membership=tenant.membership)
    context = workspace_context(request, tenant, conversation)
    context["live"] = True
    return render(request, "conversations/conversation/_parts.html", context)
