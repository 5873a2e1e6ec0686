"""Settings (admins): an email inbox's mailbox (IMAP in, SMTP out, bot mode), its last poll and
a "Test connection" button (the IMAP mailbox, then the SMTP server replies leave by)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conversations.channels import imap
from conversations.mailbox_forms import MailboxForm
from conversations.models import Channel
from conversations.selectors import catalog
from conversations.services.mailboxes import (
    mailbox_for,
    mailbox_save,
    mailbox_test_connection,
    mailbox_test_smtp,
)
from helpdesk import mail
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.views.access import member_view

admin_only = member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)


def _email_inbox(tenant, pk):
    inbox = get_object_or_404(catalog.inbox_list(organization=tenant.organization), pk=pk)
    if inbox.channel != Channel.EMAIL:
        raise Http404("Only an email inbox has a mailbox.")
    return inbox


@admin_only
def mailbox_edit(request, tenant, pk):
    inbox = _email_inbox(tenant, pk)
    mailbox = mailbox_for(inbox)
    if request.method == "POST":
        form = MailboxForm(request.POST)
        if form.is_valid():
            try:
                mailbox_save(inbox=inbox, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"The mailbox of {inbox.name} is saved.")
                return redirect("conversations:settings-mailbox", pk=inbox.pk)
    elif mailbox is not None:
        form = MailboxForm(
            initial={
                name: getattr(mailbox, name) for name in MailboxForm.base_fields if "password" not in name
            }
        )
    else:
        form = MailboxForm()
    status = 400 if form.errors else 200
    context = {"form": form, "inbox": inbox, "mailbox": mailbox, "batch": int(settings.MAILBOX_POLL_BATCH)}
    return render(request, "conversations/settings/mailbox_form.html", context, status=status)


@require_POST
@admin_only
def mailbox_test(request, tenant, pk):
    inbox = _email_inbox(tenant, pk)
    mailbox = mailbox_for(inbox)
    if mailbox is None:
        messages.error(request, "Save the mailbox settings first.")
    else:
        try:
            messages.success(request, mailbox_test_connection(mailbox=mailbox))
        except (imap.MailboxUnavailable, DomainError) as error:
            messages.error(request, error.message)
        try:
            messages.success(request, f"SMTP: {mailbox_test_smtp(mailbox=mailbox)}")
        except (mail.MailUnavailable, DomainError) as error:
            messages.error(request, f"SMTP: {error.message}")
    return redirect("conversations:settings-mailbox", pk=inbox.pk)
