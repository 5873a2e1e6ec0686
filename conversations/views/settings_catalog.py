"""Settings (admins): inboxes, statuses (custom CRUD; built-ins read-only) and tags. Agents may
read the tag list."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conversations.forms import InboxForm, StatusForm, TagForm
from conversations.selectors import catalog
from conversations.services.catalog import (
    status_create,
    status_delete,
    status_update,
    tag_create,
    tag_delete,
    tag_update,
)
from conversations.services.inboxes import inbox_create, inbox_delete, inbox_update
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.views.access import member_view

admin_only = member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)


# ---------- inboxes ----------


@admin_only
def inbox_list(request, tenant):
    inboxes = catalog.inbox_list(organization=tenant.organization).annotate(
        conversation_count=Count("conversations")
    )
    return render(request, "conversations/settings/inboxes.html", {"inboxes": inboxes})


@admin_only
def inbox_edit(request, tenant, pk=None):
    inbox = get_object_or_404(catalog.inbox_list(organization=tenant.organization), pk=pk) if pk else None
    if request.method == "POST":
        form = InboxForm(request.POST)
        if form.is_valid():
            try:
                if inbox is None:
                    inbox = inbox_create(organization=tenant.organization, **form.cleaned_data)
                else:
                    inbox = inbox_update(inbox=inbox, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"Inbox {inbox.name} saved.")
                return redirect("conversations:settings-inboxes")
    elif inbox is not None:
        form = InboxForm(initial={name: getattr(inbox, name) for name in InboxForm.base_fields})
    else:
        form = InboxForm()
    status = 400 if form.errors else 200
    return render(
        request, "conversations/settings/inbox_form.html", {"form": form, "inbox": inbox}, status=status
    )


@require_POST
@admin_only
def inbox_remove(request, tenant, pk):
    inbox = get_object_or_404(catalog.inbox_list(organization=tenant.organization), pk=pk)
    try:
        inbox_delete(inbox=inbox)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("conversations:settings-inbox", pk=pk)
    messages.success(request, f"Inbox {inbox.name} deleted.")
    return redirect("conversations:settings-inboxes")


# ---------- statuses ----------


def _status_page(request, tenant, form, status=200, editing=None, edit_form=None):
    statuses = catalog.status_list(organization=tenant.organization).annotate(
        conversation_count=Count("conversations")
    )
    context = {"statuses": statuses, "form": form, "editing": editing, "edit_form": edit_form}
    return render(request, "conversations/settings/statuses.html", context, status=status)


@admin_only
def status_list(request, tenant):
    """GET lists the statuses; POST adds a custom one."""
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = status_create(organization=tenant.organization, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Status {created.name} added.")
            return redirect("conversations:settings-statuses")
    return _status_page(
        request, tenant, form if request.method == "POST" else StatusForm(), 400 if form.errors else 200
    )


@admin_only
def status_edit(request, tenant, pk):
    status = get_object_or_404(catalog.status_list(organization=tenant.organization), pk=pk)
    if status.is_builtin:
        messages.error(request, "Built-in statuses cannot be changed.")
        return redirect("conversations:settings-statuses")
    if request.method == "POST":
        edit_form = StatusForm(request.POST)
        if edit_form.is_valid():
            try:
                status_update(status=status, **edit_form.cleaned_data)
            except DomainError as error:
                edit_form.add_domain_error(error)
            else:
                messages.success(request, f"Status {status.name} saved.")
                return redirect("conversations:settings-statuses")
        return _status_page(request, tenant, StatusForm(), 400, editing=status, edit_form=edit_form)
    edit_form = StatusForm(initial={"name": status.name, "category": status.category})
    return _status_page(request, tenant, StatusForm(), editing=status, edit_form=edit_form)


@require_POST
@admin_only
def status_remove(request, tenant, pk):
    status = get_object_or_404(catalog.status_list(organization=tenant.organization), pk=pk)
    try:
        status_delete(status=status)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Status {status.name} deleted.")
    return redirect("conversations:settings-statuses")


# ---------- tags ----------


def _tag_page(request, tenant, form, status=200, editing=None, edit_form=None):
    tags = catalog.tag_list(organization=tenant.organization).annotate(
        conversation_count=Count("conversations")
    )
    context = {
        "tags": tags,
        "form": form,
        "editing": editing,
        "edit_form": edit_form,
        "can_manage": tenant.has_role(Role.ADMIN),
    }
    return render(request, "conversations/settings/tags.html", context, status=status)


@member_view(view_role=Role.AGENT, write_role=Role.ADMIN)
def tag_list(request, tenant):
    """Everyone reads the tags; admins add (POST), rename and delete them."""
    form = TagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = tag_create(organization=tenant.organization, name=form.cleaned_data["name"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Tag {created.name} added.")
            return redirect("conversations:settings-tags")
    return _tag_page(
        request, tenant, form if request.method == "POST" else TagForm(), 400 if form.errors else 200
    )


@admin_only
def tag_edit(request, tenant, pk):
    tag = get_object_or_404(catalog.tag_list(organization=tenant.organization), pk=pk)
    if request.method == "POST":
        edit_form = TagForm(request.POST)
        if edit_form.is_valid():
            try:
                tag_update(tag=tag, name=edit_form.cleaned_data["name"])
            except DomainError as error:
                edit_form.add_domain_error(error)
            else:
                messages.success(request, f"Tag renamed to {tag.name}.")
                return redirect("conversations:settings-tags")
        return _tag_page(request, tenant, TagForm(), 400, editing=tag, edit_form=edit_form)
    return _tag_page(request, tenant, TagForm(), editing=tag, edit_form=TagForm(initial={"name": tag.name}))


@require_POST
@admin_only
def tag_remove(request, tenant, pk):
    tag = get_object_or_404(catalog.tag_list(organization=tenant.organization), pk=pk)
    tag_delete(tag=tag)
    messages.success(request, f"Tag {tag.name} deleted.")
    return redirect("conversations:settings-tags")
