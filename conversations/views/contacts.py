"""Contacts: the searchable list and a contact's page (details, block/unblock, notes, their
conversations)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conversations.contact_forms import ContactDetailsForm
from conversations.errors import ConversationError
from conversations.forms import ContactNoteForm
from conversations.models import ContactNote
from conversations.selectors.contacts import contact_list, contact_notes, contact_search
from conversations.selectors.csat import csat_contact_summary, csat_for_contact
from conversations.selectors.ui import contact_conversations, contacts_with_counts
from conversations.services.contacts import (
    contact_note_create,
    contact_note_delete,
    contact_set_enabled,
    contact_update,
)
from conversations.views.common import PAGE_SIZE
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.views.access import member_view

CONVERSATIONS_SHOWN = 50


def filtered_contacts(request, tenant):
    """The contacts the list's filters (``q``, ``blocked``) select: (queryset, query, search
    error, blocked only). The list and the CSV export share it."""
    query = " ".join((request.GET.get("q") or "").split())[:200]
    search_error = ""
    queryset = contact_list(organization=tenant.organization)
    if query:
        try:
            queryset = contact_search(organization=tenant.organization, query=query)
        except ConversationError as error:
            search_error = error.message
    blocked_only = request.GET.get("blocked") == "1"
    if blocked_only:
        queryset = queryset.filter(enabled=False)
    return queryset, query, search_error, blocked_only


@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def contact_index(request, tenant):
    queryset, query, search_error, blocked_only = filtered_contacts(request, tenant)
    paginator = Paginator(contacts_with_counts(queryset), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    base = {key: value for key, value in (("q", query), ("blocked", "1" if blocked_only else "")) if value}
    context = {
        "page": page,
        "query": query,
        "search_error": search_error,
        "blocked_only": blocked_only,
        "page_query": urlencode(base),
        "is_admin": tenant.has_role(Role.ADMIN),
    }
    template = (
        "conversations/contacts/_results.html"
        if request.htmx and request.htmx.target == "contact-results"
        else "conversations/contacts/list.html"
    )
    return render(request, template, context)


def _contact(tenant, pk):
    return get_object_or_404(contact_list(organization=tenant.organization), pk=pk)


def _details_form(contact, data=None) -> ContactDetailsForm:
    initial = {name: getattr(contact, name) for name in ContactDetailsForm.base_fields}
    return ContactDetailsForm(data, initial=initial, stored_attributes=contact.custom_attributes)


def _page(request, tenant, contact, form=None, note_form=None, status=200):
    context = {
        "contact": contact,
        "form": form or _details_form(contact),
        "note_form": note_form or ContactNoteForm(),
        "notes": list(contact_notes(contact=contact)),
        "conversations": list(contact_conversations(contact=contact)[:CONVERSATIONS_SHOWN]),
        "csat_surveys": csat_for_contact(contact=contact),
        "csat_summary": csat_contact_summary(contact=contact),
        "is_admin": tenant.has_role(Role.ADMIN),
        "me": tenant.membership,
    }
    return render(request, "conversations/contacts/detail.html", context, status=status)


@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def contact_detail(request, tenant, pk):
    """GET shows the contact; POST saves the details form."""
    contact = _contact(tenant, pk)
    if request.method != "POST":
        return _page(request, tenant, contact)
    form = _details_form(contact, request.POST)
    if form.is_valid():
        try:
            contact_update(contact=contact, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Contact saved.")
            return redirect("conversations:contact", pk=contact.pk)
    return _page(request, tenant, _contact(tenant, pk), form=form, status=400)


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def contact_block(request, tenant, pk):
    contact = _contact(tenant, pk)
    enabled = request.POST.get("enabled") == "1"
    contact_set_enabled(contact=contact, enabled=enabled)
    messages.success(request, f"{contact.full_name} {'unblocked' if enabled else 'blocked'}.")
    return redirect("conversations:contact", pk=contact.pk)


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def contact_note_add(request, tenant, pk):
    contact = _contact(tenant, pk)
    form = ContactNoteForm(request.POST)
    if form.is_valid():
        try:
            contact_note_create(contact=contact, author=tenant.membership, note=form.cleaned_data["note"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Note added.")
            return redirect("conversations:contact", pk=contact.pk)
    return _page(request, tenant, contact, note_form=form, status=400)


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def contact_note_remove(request, tenant, pk, note_id):
    contact = _contact(tenant, pk)
    note = get_object_or_404(ContactNote.objects.filter(contact=contact), pk=note_id)
    try:
        contact_note_delete(note=note, actor=tenant.membership)
    except DomainError as error:
        messages.error(request, error.message)
        return _page(request, tenant, contact, status=error.status_code)
    messages.success(request, "Note deleted.")
    return redirect("conversations:contact", pk=contact.pk)
