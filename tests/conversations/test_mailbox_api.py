"""``mailboxes`` in the REST API: admins connect an email inbox to its IMAP mailbox and SMTP
server, change and remove it, and test both servers (a real Dovecot and aiosmtpd receiver);
passwords are write-only and never in an answer; agents are refused; bad input answers 400."""

from __future__ import annotations

import json

import pytest

from conversations.models import Channel, Mailbox
from helpdesk import encryption
from tests.conversations.factories import InboxFactory
from tests.isolation import assert_error_shape

URL = "/api/v1/mailboxes"


@pytest.fixture
def email_inbox(org):
    return InboxFactory(organization=org, channel=Channel.EMAIL, email="support@acme.test", name="Support")


def body_for(inbox, dovecot, smtp_receiver, **imap):
    return {
        "inbox_id": inbox.pk,
        "imap": {
            "host": "127.0.0.1",
            "port": dovecot.port,
            "security": "none",
            "username": dovecot.new_user(),
            "password": "secret",
            **imap,
        },
        "smtp": {
            "host": "127.0.0.1",
            "port": smtp_receiver.port,
            "security": "none",
            "username": "",
            "password": "smtp-secret",
            "from_name": "Acme Support",
        },
        "bot_mode": "off",
    }


def assert_no_secret(response):
    text = response.content.decode()
    assert "secret" not in text and "password_encrypted" not in text
    assert '"password"' not in text


def test_an_admin_connects_changes_tests_and_removes_a_mailbox(
    admin_api, email_inbox, dovecot, smtp_receiver
):
    created = admin_api.post(URL, body_for(email_inbox, dovecot, smtp_receiver), format="json")
    assert created.status_code == 201, created.content
    assert_no_secret(created)
    mailbox = created.json()
    assert mailbox["inbox_id"] == email_inbox.pk
    assert mailbox["imap"]["password_set"] is True and mailbox["smtp"]["password_set"] is True
    assert mailbox["smtp"]["from_email"] == "support@acme.test"
    assert mailbox["poll"]["last_poll_at"] is None
    stored = Mailbox.objects.get(pk=mailbox["id"])
    assert encryption.decrypt(stored.password_encrypted) == "secret"
    assert encryption.decrypt(stored.smtp_password_encrypted) == "smtp-secret"

    listed = admin_api.get(URL)
    assert listed.json()["count"] == 1 and listed.json()["results"][0]["id"] == mailbox["id"]
    assert_no_secret(listed)

    tested = admin_api.post(f"{URL}/{mailbox['id']}/test-connection")
    assert tested.status_code == 200
    assert tested.json()["imap"] == "ok" and tested.json()["smtp"] == "ok", tested.json()
    assert "0 message(s) in INBOX" in tested.json()["imap_detail"]
    same = admin_api.post(f"/api/v1/inboxes/{email_inbox.pk}/test-connection/")  # API.md's path
    assert same.json()["imap"] == "ok"

    # A partial change keeps the rest, passwords included (none sent).
    changed = admin_api.patch(
        f"{URL}/{mailbox['id']}", {"imap": {"poll_interval_seconds": 300}, "bot_mode": "draft"}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert_no_secret(changed)
    stored.refresh_from_db()
    assert (stored.poll_interval_seconds, stored.bot_mode, stored.from_name) == (300, "draft", "Acme Support")
    assert encryption.decrypt(stored.password_encrypted) == "secret"
    assert stored.host == "127.0.0.1" and stored.smtp_port == smtp_receiver.port

    # A wrong password: the test says which server refused, in words.
    admin_api.patch(f"{URL}/{mailbox['id']}", {"imap": {"password": "wrong"}}, format="json")
    failed = admin_api.post(f"{URL}/{mailbox['id']}/test-connection").json()
    assert failed["imap"] == "error" and failed["smtp"] == "ok" and failed["imap_detail"]

    assert admin_api.delete(f"{URL}/{mailbox['id']}").status_code == 204
    assert not Mailbox.objects.filter(pk=mailbox["id"]).exists()
    gone = admin_api.post(f"/api/v1/inboxes/{email_inbox.pk}/test-connection")
    assert_error_shape(gone, 409, "conflict")


def test_an_unreachable_smtp_server_is_an_error_in_words(admin_api, email_inbox, dovecot, smtp_receiver):
    body = body_for(email_inbox, dovecot, smtp_receiver)
    body["smtp"]["port"] = 40999  # nothing listens there
    mailbox = admin_api.post(URL, body, format="json").json()
    tested = admin_api.post(f"{URL}/{mailbox['id']}/test-connection").json()
    assert tested["imap"] == "ok" and tested["smtp"] == "error"
    assert "could not be reached" in tested["smtp_detail"]


def test_agents_and_read_only_keys_are_refused(api_for, agent, admin, email_inbox):
    Mailbox.objects.create(organization=email_inbox.organization, inbox=email_inbox, host="h", username="u")
    for client in (api_for(agent), api_for(admin, ["read", "write"])):
        assert_error_shape(client.get(URL), 403)
        assert_error_shape(client.post(URL, {"inbox_id": email_inbox.pk}, format="json"), 403)


@pytest.mark.parametrize(
    "change,field",
    [
        ({"imap": {"port": 70000}}, "imap"),
        ({"imap": {"security": "ssl3"}}, "imap"),
        ({"imap": {"password": ""}}, "password"),  # a new mailbox needs its password
        ({"imap": {"after_import": "move", "move_to_folder": ""}}, "move_to_folder"),
        ({"imap": "not an object"}, "imap"),
        ({"bot_mode": "shout"}, "bot_mode"),
        ({"inbox_id": "abc"}, "inbox_id"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(admin_api, email_inbox, change, field):
    body = {
        "inbox_id": email_inbox.pk,
        "imap": {"host": "imap.acme.test", "username": "support", "password": "x"},
    }
    for key, value in change.items():
        body[key] = {**body[key], **value} if isinstance(value, dict) else value
    response = admin_api.post(URL, json.dumps(body), content_type="application/json")
    error = assert_error_shape(response, 400)
    assert field in json.dumps(error["fields"]) or field in error["error"], error
    assert not Mailbox.objects.exists()


def test_only_an_email_inbox_without_a_mailbox_takes_one(admin_api, org, email_inbox):
    web = InboxFactory(organization=org, channel=Channel.WEB)
    body = {"imap": {"host": "imap.acme.test", "username": "support", "password": "x"}}
    assert_error_shape(admin_api.post(URL, {**body, "inbox_id": web.pk}, format="json"), 400)
    assert admin_api.post(URL, {**body, "inbox_id": email_inbox.pk}, format="json").status_code == 201
    again = admin_api.post(URL, {**body, "inbox_id": email_inbox.pk}, format="json")
    assert_error_shape(again, 409, "conflict")
    assert_error_shape(admin_api.post(f"/api/v1/inboxes/{web.pk}/test-connection"), 400)


def test_another_organizations_inbox_is_404_in_a_body(admin_api, other_org):
    foreign = InboxFactory(organization=other_org, channel=Channel.EMAIL)
    body = {"inbox_id": foreign.pk, "imap": {"host": "h", "username": "u", "password": "x"}}
    assert_error_shape(admin_api.post(URL, body, format="json"), 404, "not_found")
    assert not Mailbox.objects.filter(inbox=foreign).exists()
