"""What an agent does on a conversation: reply or note (with attachments), status and snooze,
priority, assignment, tags, merge, canned responses, retry, contact notes (macros: ``macros``). Each view
validates, calls one service and answers with the page's updated parts (htmx) or a redirect."""

from __future__ import annotations

import uuid as uuid_module

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from conversations.content import html_to_text
from conversations.forms import ComposerForm, ContactNoteForm
from conversations.models import StatusCategory
from conversations.selectors import catalog
from conversations.selectors.conversations import conversation_get
from conversations.selectors.messages import message_get
from conversations.services import defaults
from conversations.services.assignment import conversation_assign_agent, conversation_assign_team
from conversations.services.attachments import attachment_upload
from conversations.services.canned import canned_render
from conversations.services.catalog import status_by_name
from conversations.services.contacts import contact_note_create
from conversations.services.conversations import conversation_set_priority, conversation_set_tags
from conversations.services.lifecycle import conversation_set_status
from conversations.services.merge import conversation_merge
from conversations.services.messages import message_create, message_retry
from conversations.views.common import agent_or_404, conversation_or_404, team_or_404
from conversations.views.conversation import action_done, action_refused, render_parts
from conversations.views.queue import page_query, queue_for
from helpdesk import timefmt
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.views.access import member_view

MAX_FILES = 10


def _post(view):
    return require_POST(member_view(view_role=Role.AGENT, write_role=Role.AGENT)(view))


@_post
def reply(request, tenant, uuid):
    """A reply to the contact or a private note, with optional attachments (multipart)."""
    conversation = conversation_or_404(tenant, uuid)
    form = ComposerForm(request.POST)
    files = request.FILES.getlist("files")
    error = None
    if not form.is_valid():
        error = DomainError("Check the message and try again.")
    elif len(files) > MAX_FILES:
        error = DomainError(f"Attach at most {MAX_FILES} files to one message.", field="message")
    else:
        note = form.cleaned_data["mode"] == "note"
        try:
            with transaction.atomic():
                attachment_ids = [
                    attachment_upload(
                        organization=tenant.organization, upload=upload, uploaded_by=tenant.membership
                    ).pk
                    for upload in files
                ]
                message_create(
                    conversation=conversation,
                    content=form.cleaned_data["message"],
                    actor=tenant.membership,
                    private=note,
                    attachment_ids=attachment_ids,
                    cc=None if note else form.cleaned_data["cc"],
                    bcc=None if note else form.cleaned_data["bcc"],
                )
        except DomainError as exc:
            error = exc
    if error is not None:
        if error.field or not form.errors:
            form.add_domain_error(error)
        if not request.htmx:
            messages.error(request, error.message)
            return redirect("conversations:conversation", uuid=conversation.uuid)
        return render_parts(
            request, tenant, conversation_or_404(tenant, uuid), message=error.message, level="error",
            status=error.status_code,
            composer=form, inline_error=False,
        )  # fmt: skip
    text = "Note added" if form.cleaned_data["mode"] == "note" else "Reply sent"
    if not request.htmx:
        messages.success(request, text)
        return redirect("conversations:conversation", uuid=conversation.uuid)
    fresh = ComposerForm(initial={"mode": form.cleaned_data["mode"]})
    return render_parts(request, tenant, conversation_or_404(tenant, uuid), message=text, composer=fresh)


@_post
def set_status(request, tenant, uuid):
    """After a resolve (or close) from the conversation page of a list, the list's next
    conversation opens (the queue is read before the change, while this one is still in it)."""
    conversation = conversation_or_404(tenant, uuid)
    queue = queue_for(request, tenant, conversation, page_query(request))
    try:
        status = status_by_name(organization=tenant.organization, name=request.POST.get("status", ""))
        conversation_set_status(conversation=conversation, status=status, actor=tenant.membership)
    except DomainError as error:
        return action_refused(request, tenant, conversation, error)
    done = f"Status set to {status.name}"
    if (
        queue is not None
        and queue.next_url
        and status.category in (StatusCategory.RESOLVED, StatusCategory.CLOSED)
    ):
        messages.success(
            request, f"#{conversation.reference_number} {status.name.lower()}; here is the next one."
        )
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = queue.next_url
            return response
        return redirect(queue.next_url)
    return action_done(request, tenant, conversation, done)


@_post
def snooze(request, tenant, uuid):
    """Snooze for a duration (``1h``, ``3d`` …) or until a time (``until`` in ISO 8601)."""
    conversation = conversation_or_404(tenant, uuid)
    until = (request.POST.get("until") or request.POST.get("duration") or "").strip()
    try:
        status = defaults.builtin_status(tenant.organization, StatusCategory.SNOOZED)
        conversation_set_status(
            conversation=conversation, status=status, actor=tenant.membership, snoozed_until=until
        )
    except DomainError as error:
        return action_refused(request, tenant, conversation, error)
    return action_done(
        request, tenant, conversation, f"Snoozed until {timefmt.full_text(conversation.snoozed_until)}"
    )


@_post
def set_priority(request, tenant, uuid):
    conversation = conversation_or_404(tenant, uuid)
    try:
        conversation_set_priority(
            conversation=conversation, priority=request.POST.get("priority"), actor=tenant.membership
        )
    except DomainError as error:
        return action_refused(request, tenant, conversation, error)
    return action_done(request, tenant, conversation, f"Priority: {conversation.priority_name or 'none'}")


@_post
def assign_agent(request, tenant, uuid):
    """``agent`` is an agent id, ``me``, or empty to unassign."""
    conversation = conversation_or_404(tenant, uuid)
    value = (request.POST.get("agent") or "").strip()
    agent = tenant.membership if value == "me" else (agent_or_404(tenant, value) if value else None)
    try:
        conversation_assign_agent(conversation=conversation, agent=agent, actor=tenant.membership)
    except DomainError as error:
        return action_refused(request, tenant, conversation, error)
    return action_done(
        request, tenant, conversation, f"Assigned to {agent.user.full_name}" if agent else "Unassigned"
    )


@_post
def assign_team(request, tenant, uuid):
    conversation = conversation_or_404(tenant, uuid)
    value = (request.POST.get("team") or "").strip()
    team = team_or_404(tenant, value) if value else None
    try:
        conversation_assign_team(conversation=conversation, team=team, actor=tenant.membership)
    except DomainError as error:
        return action_refused(request, tenant, conversation, error)
    return action_done(request, tenant, conversation, f"Team: {team.name}" if team else "Team removed")


@_post
def tags(request, tenant, uuid):
    """``add``: comma-separated names (new ones are created); ``remove``: one name."""
    conversation = conversation_or_404(tenant, uuid)
    add = [name.strip() for name in (request.POST.get("add") or "").split(",") if name.strip()]
    remove = [name.strip() for name in request.POST.getlist("remove") if name.strip()]
    if not add and not remove:
        return action_refused(
            request, tenant, conversation, DomainError("Type a tag name to add.", field="add")
        )
    try:
        conversation_set_tags(conversation=conversation, actor=tenant.membership, add=add, remove=remove)
    except DomainError as error:
        return action_refused(request, tenant, conversation, error)
    return action_done(request, tenant, conversation, "Tags updated")


@_post
def merge(request, tenant, uuid):
    """Merge this conversation into another one of the same contact, then open that one."""
    conversation = conversation_or_404(tenant, uuid)
    target = conversation_get(organization=tenant.organization, uuid=_uuid_or_404(request.POST.get("into")))
    if target is None:
        raise Http404("No such conversation.")
    try:
        conversation_merge(source=conversation, target=target, actor=tenant.membership)
    except DomainError as error:
        return action_refused(request, tenant, conversation, error)
    text = f"#{conversation.reference_number} merged into #{target.reference_number}"
    messages.success(request, text)
    url = reverse("conversations:conversation", kwargs={"uuid": target.uuid})
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _uuid_or_404(value):
    try:
        return uuid_module.UUID(str(value))
    except (TypeError, ValueError):
        raise Http404("No such conversation.")


@_post
def retry_message(request, tenant, uuid, message_uuid):
    conversation = conversation_or_404(tenant, uuid)
    message = message_get(conversation=conversation, uuid=message_uuid)
    if message is None:
        raise Http404("No such message.")
    try:
        message_retry(message=message)
    except DomainError as error:
        return action_refused(request, tenant, conversation, error)
    return action_done(request, tenant, conversation, "Sending again")


@_post
def contact_note(request, tenant, uuid):
    conversation = conversation_or_404(tenant, uuid)
    form = ContactNoteForm(request.POST)
    if not form.is_valid():
        return action_refused(request, tenant, conversation, DomainError("Write a note first.", field="note"))
    try:
        contact_note_create(
            contact=conversation.contact, author=tenant.membership, note=form.cleaned_data["note"]
        )
    except DomainError as error:
        return action_refused(request, tenant, conversation, error)
    return action_done(request, tenant, conversation, "Note saved on the contact")


@require_GET
@member_view(view_role=Role.AGENT)
def canned_text(request, tenant, uuid, pk):
    """A canned response with its placeholders filled for this conversation, as plain text for
    the composer."""
    conversation = conversation_or_404(tenant, uuid)
    canned = get_object_or_404(catalog.canned_list(organization=tenant.organization), pk=pk)
    rendered = canned_render(canned=canned, conversation=conversation, agent=tenant.membership)
    return JsonResponse({"title": canned.title, "text": html_to_text(rendered)})
