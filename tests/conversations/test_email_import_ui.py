"""What agents and admins see of imported mail (real Dovecot mailbox): the full original of a
message whose quoted history was trimmed, the attachments that were not imported, and a big
import going batch by batch, with the mail still to import on the mailbox's pages and API."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from conversations.models import Conversation, Mailbox
from conversations.services import mailboxes
from tests.conversations.test_email_channel import email_inbox, mail, poll  # noqa: F401 (a fixture)


def test_the_full_original_and_the_skipped_attachments_are_shown(
    email_inbox,  # noqa: F811
    dovecot,
    ui_as,
    admin,
    settings,
):
    settings.MAX_UPLOAD_MB = 1
    raw = mail(
        text="Still broken.\n\nOn Mon, Support wrote:\n> Try turning it off and on.\n> Acme Support",
        attachments=[("huge.zip", b"PK\x03\x04" + bytes(1024 * 1024 + 10), "application", "zip", None)],
    )
    dovecot.deliver(email_inbox.user, raw)
    assert poll(email_inbox) == 1
    conversation = Conversation.objects.get(inbox=email_inbox.inbox)

    page = ui_as(admin).get(reverse("conversations:conversation", kwargs={"uuid": conversation.uuid}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Show the full original" in html
    assert "&gt; Try turning it off and on." in html  # kept, escaped, behind a <details>
    assert "Not imported: <strong>huge.zip</strong>" in html and "1 MB limit" in html


def test_a_big_import_goes_batch_by_batch_and_says_what_is_left(
    email_inbox,  # noqa: F811
    dovecot,
    ui_as,
    admin,
    api_for,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.MAILBOX_POLL_BATCH = 2
    dovecot.deliver(email_inbox.user, *[mail(subject=f"Order {n}") for n in range(5)])

    assert poll(email_inbox) == 2
    assert email_inbox.pending_count == 3
    assert email_inbox.next_poll_at <= timezone.now()  # the rest at the next beat tick, not in a minute
    page = ui_as(admin).get(reverse("conversations:settings-mailbox", args=[email_inbox.inbox_id]))
    assert "Importing:</strong> 3 more mails in INBOX, 2 per poll" in page.content.decode()
    body = api_for(admin).get(f"/api/v1/mailboxes/{email_inbox.pk}").json()
    assert body["poll"]["pending_count"] == 3

    with django_capture_on_commit_callbacks(execute=True):
        assert mailboxes.mailboxes_poll_due() == 1  # queued (and run: eager) at once
    email_inbox.refresh_from_db()
    assert email_inbox.pending_count == 1
    assert poll(email_inbox) == 1
    assert email_inbox.pending_count == 0
    assert email_inbox.next_poll_at > timezone.now()  # done: back to the mailbox's interval
    assert Conversation.objects.filter(inbox=email_inbox.inbox).count() == 5
    assert (
        "Importing:"
        not in ui_as(admin)
        .get(reverse("conversations:settings-mailbox", args=[email_inbox.inbox_id]))
        .content.decode()
    )
    assert Mailbox.objects.get(pk=email_inbox.pk).last_imported_total == 5
