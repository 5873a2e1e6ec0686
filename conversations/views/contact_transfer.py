"""Contacts in and out: the CSV export of the filtered list (streamed) and the CSV import (a
background job whose page shows its progress and, at the end, the rows refused)."""

from __future__ import annotations

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from conversations import contact_csv
from conversations.contact_forms import ContactImportForm
from conversations.selectors.contacts import contact_export
from conversations.services.contact_import import IMPORT_KIND, contact_import_queue
from conversations.views.contacts import filtered_contacts
from helpdesk.errors import DomainError
from helpdesk.models import Operation, Role
from helpdesk.services.operations import operation_retry
from helpdesk.views.access import member_view

RECENT_IMPORTS = 5


@member_view(view_role=Role.ADMIN)
def contact_export_csv(request, tenant):
    """The contacts the list's filters select, as CSV (admins: it is the whole address book)."""
    queryset, _query, _error, _blocked = filtered_contacts(request, tenant)
    keys, contacts = contact_export(queryset=queryset)
    response = StreamingHttpResponse(
        contact_csv.export_lines(contacts.iterator(chunk_size=500), keys), content_type="text/csv"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="contacts-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _imports(tenant):
    return Operation.objects.filter(organization=tenant.organization, kind=IMPORT_KIND)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def contact_import(request, tenant):
    form = ContactImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > contact_csv.MAX_BYTES:
                form.add_error(
                    "file", f"The file is larger than {contact_csv.MAX_BYTES // (1024 * 1024)} MB."
                )
            else:
                try:
                    operation = contact_import_queue(
                        organization=tenant.organization,
                        data=upload.read(),
                        filename=upload.name,
                        created_by=tenant.membership,
                    )
                except DomainError as error:
                    form.add_domain_error(error)
                else:
                    return redirect("conversations:contact-import-status", operation_id=operation.pk)
    context = {
        "form": form,
        "imports": list(_imports(tenant).select_related("created_by__user")[:RECENT_IMPORTS]),
    }
    return render(request, "conversations/contacts/import.html", context, status=status)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def contact_import_status(request, tenant, operation_id):
    """The import's page; htmx polls it for the progress partial until the job finishes."""
    operation = get_object_or_404(_imports(tenant), pk=operation_id)
    if request.method == "POST":  # retry a failed import
        try:
            operation_retry(operation=operation)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("conversations:contact-import-status", operation_id=operation.pk)
    template = (
        "conversations/contacts/_import_operation.html"
        if request.htmx
        else "conversations/contacts/import_status.html"
    )
    return render(request, template, {"operation": operation})
