"""The mailbox settings page of an email inbox: admins only, their organization's inboxes only,
passwords write-only, the last poll and its error shown, "Test connection" against Dovecot."""

import pytest
from django.urls import reverse

from conversations.models import Channel, Mailbox
from conversations.services import mailboxes
from tests.conversations.factories import InboxFactory


@pytest.fixture
def email_inbox(org):
    return InboxFactory(organization=org, channel=Channel.EMAIL, email="support@acme.test", name="Support")


def settings_for(dovecot, **overrides):
    return {
        "host": "127.0.0.1",
        "port": dovecot.port,
        "security": "none",
        "username": dovecot.new_user(),
        "password": "secret",
        "folder": "INBOX",
        "after_import": "seen",
        "poll_interval_seconds": 60,
        "enabled": "on",
        "bot_mode": "draft",
        "smtp_port": 587,
        "smtp_security": "starttls",
        **overrides,
    }


def test_an_admin_connects_a_mailbox_and_the_password_is_never_shown(ui_as, admin, email_inbox, dovecot):
    client = ui_as(admin)
    url = reverse("conversations:settings-mailbox", args=[email_inbox.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, settings_for(dovecot, smtp_password="smtp-pass-123"), follow=True)
    assert response.status_code == 200
    mailbox = Mailbox.objects.get(inbox=email_inbox)
    assert mailbox.password_encrypted and "secret" not in mailbox.password_encrypted
    body = response.content.decode()
    assert "secret" not in body and "smtp-pass-123" not in body and mailbox.password_encrypted not in body

    # Saving again without a password keeps the stored one.
    stored = mailbox.password_encrypted
    client.post(url, settings_for(dovecot, username=mailbox.username, password=""))
    mailbox.refresh_from_db()
    assert mailbox.password_encrypted == stored

    tested = client.post(reverse("conversations:settings-mailbox-test", args=[email_inbox.pk]), follow=True)
    assert "Connected: 0 message(s) in INBOX." in tested.content.decode()


def test_a_wrong_password_is_a_clear_message_and_the_last_error_is_shown(ui_as, admin, email_inbox, dovecot):
    mailboxes.mailbox_save(
        inbox=email_inbox, host="127.0.0.1", port=dovecot.port, security="none",
        username=dovecot.new_user(), password="wrong",
    )  # fmt: skip
    client = ui_as(admin)
    tested = client.post(reverse("conversations:settings-mailbox-test", args=[email_inbox.pk]), follow=True)
    assert "refused the login" in tested.content.decode()

    mailbox = Mailbox.objects.get(inbox=email_inbox)
    mailboxes.mailbox_poll(mailbox_id=mailbox.pk)
    page = client.get(reverse("conversations:settings-mailbox", args=[email_inbox.pk])).content.decode()
    assert "data-mailbox-error" in page and "refused the login" in page
    inbox_page = client.get(reverse("conversations:settings-inbox", args=[email_inbox.pk])).content.decode()
    assert "Last poll failed" in inbox_page and "Mailbox settings" in inbox_page


def test_moving_needs_a_folder_and_bad_input_is_a_400(ui_as, admin, email_inbox, dovecot):
    client = ui_as(admin)
    url = reverse("conversations:settings-mailbox", args=[email_inbox.pk])
    response = client.post(url, settings_for(dovecot, after_import="move"))
    assert response.status_code == 400 and "Name the folder" in response.content.decode()
    assert client.post(url, settings_for(dovecot, port="abc")).status_code == 400
    assert not Mailbox.objects.exists()


def test_agents_get_403_and_other_organizations_404(ui_as, agent, other_admin, email_inbox, dovecot):
    mailboxes.mailbox_save(
        inbox=email_inbox, host="127.0.0.1", port=dovecot.port, security="none",
        username="keep@example.com", password="secret",
    )  # fmt: skip
    for name in ("settings-mailbox", "settings-mailbox-test"):
        url = reverse(f"conversations:{name}", args=[email_inbox.pk])
        assert ui_as(agent).post(url, settings_for(dovecot, username="agent@x.test")).status_code == 403
        assert ui_as(other_admin).post(url, settings_for(dovecot, username="eve@x.test")).status_code == 404
        assert ui_as(other_admin).get(url).status_code in (404, 405)
    assert Mailbox.objects.get(inbox=email_inbox).username == "keep@example.com"


def test_a_non_email_inbox_has_no_mailbox_page(ui_as, admin, org):
    inbox = InboxFactory(organization=org, channel=Channel.WEB)
    assert ui_as(admin).get(reverse("conversations:settings-mailbox", args=[inbox.pk])).status_code == 404


def test_the_django_admin_lists_mailboxes_without_their_passwords(client, email_inbox, dovecot):
    from helpdesk.models import User

    mailbox = mailboxes.mailbox_save(
        inbox=email_inbox, host="127.0.0.1", port=dovecot.port, security="none",
        username=dovecot.new_user(), password="secret", smtp_host="smtp.test", smtp_password="smtp-pass-123",
    )  # fmt: skip
    client.force_login(User.objects.create_superuser(email="root@parley.test", password="root-password-1"))
    for url in (
        reverse("admin:conversations_mailbox_changelist"),
        reverse("admin:conversations_mailbox_change", args=[mailbox.pk]),
    ):
        body = client.get(url).content.decode()
        assert mailbox.username in body
        assert "secret" not in body and "smtp-pass-123" not in body and mailbox.password_encrypted not in body
    response = client.post(
        reverse("admin:conversations_mailbox_changelist"),
        {"action": "test_connection", "_selected_action": [mailbox.pk]},
        follow=True,
    )
    assert "Connected: 0 message(s) in INBOX." in response.content.decode()


def test_test_connection_also_tries_the_smtp_server(ui_as, admin, email_inbox, dovecot, smtp_receiver):
    mailbox = mailboxes.mailbox_save(
        inbox=email_inbox, host="127.0.0.1", port=dovecot.port, security="none", username=dovecot.new_user(),
        password="secret", smtp_host="127.0.0.1", smtp_port=smtp_receiver.port, smtp_security="none",
    )  # fmt: skip
    client = ui_as(admin)
    url = reverse("conversations:settings-mailbox-test", args=[email_inbox.pk])
    page = client.post(url, follow=True).content.decode()
    assert "Connected: 0 message(s) in INBOX." in page
    assert f"SMTP: Connected to 127.0.0.1:{smtp_receiver.port}." in page
    assert smtp_receiver.messages == []  # nothing was sent

    Mailbox.objects.filter(pk=mailbox.pk).update(smtp_port=40999)  # nothing listens there
    page = client.post(url, follow=True).content.decode()
    assert "SMTP: The mail server could not be reached" in page
