"""Adding a contact by hand and merging a duplicate contact into another."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from conversations.contact_forms import ContactDetailsForm, ContactMergeForm
from conversations.errors import ConversationError
from conversations.selectors.contacts import contact_duplicates, contact_list, contact_search
from conversations.selectors.ui import contacts_with_counts
from conversations.services.contact_merge import contact_merge
from conversations.services.contacts import contact_create
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.views.access import member_view

CANDIDATES_SHOWN = 10


@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def contact_new(request, tenant):
    form = ContactDetailsForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                contact = contact_create(organization=tenant.organization, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"{contact.full_name} added.")
                return redirect("conversations:contact", pk=contact.pk)
    return render(request, "conversations/contacts/new.html", {"form": form}, status=status)


def _counted(tenant, pk):
    queryset = contacts_with_counts(contact_list(organization=tenant.organization))
    return get_object_or_404(queryset, pk=pk)


@member_view(view_role=Role.AGENT, write_role=Role.ADMIN)
def contact_merge_page(request, tenant, pk):
    """GET: find the duplicate (suggestions, or a search) and compare the two; POST: merge them,
    keeping the one chosen. Admins only: a merge cannot be undone."""
    contact = _counted(tenant, pk)
    if request.method == "POST":
        form = ContactMergeForm(request.POST)
        if form.is_valid():
            other = _counted(tenant, form.cleaned_data["other"])
            keep, duplicate = (contact, other) if form.cleaned_data["keep"] == "this" else (other, contact)
            try:
                result = contact_merge(duplicate=duplicate, keep=keep, actor=tenant.membership)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("conversations:contact-merge", pk=contact.pk)
            messages.success(
                request,
                f"Merged into {result.contact.full_name}: {result.conversations} "
                f"conversation{'s' if result.conversations != 1 else ''} moved.",
            )
            return redirect("conversations:contact", pk=result.contact.pk)
        messages.error(request, "Choose the contact to keep.")
        return redirect("conversations:contact-merge", pk=contact.pk)
    query = " ".join((request.GET.get("q") or "").split())[:200]
    search_error, other = "", None
    if request.GET.get("other", "").isdigit():
        other = _counted(tenant, int(request.GET["other"]))
        if other.pk == contact.pk:
            other = None
    if query:
        try:
            candidates = contact_search(organization=tenant.organization, query=query)
        except ConversationError as error:
            search_error, candidates = error.message, contact_list(organization=tenant.organization).none()
    else:
        candidates = contact_duplicates(contact=contact)
    candidates = list(contacts_with_counts(candidates.exclude(pk=contact.pk))[:CANDIDATES_SHOWN])
    context = {
        "contact": contact,
        "other": other,
        "query": query,
        "search_error": search_error,
        "candidates": candidates,
    }
    return render(request, "conversations/contacts/merge.html", context)
