"""A failed delivery records why in words: an SMTP refusal reads as the server's reply, never as
the Python tuple ``(535, b'5.7.8 …')`` or an exception class name."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend

from conversations.models import Message
from tests.conversations.factories import InboxFactory, make_conversation


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPAuthenticationError(535, b"5.7.8 Username and Password not accepted")


def test_smtp_refusal_is_recorded_as_the_servers_reply(
    admin_api, org, settings, django_capture_on_commit_callbacks
):
    conversation = make_conversation(
        org, inbox=InboxFactory(organization=org, channel="email", email="support@acme.test")
    )
    settings.EMAIL_BACKEND = "tests.conversations.test_delivery_reason.RefusingBackend"

    with django_capture_on_commit_callbacks(execute=True):
        created = admin_api.post(
            f"/api/v1/conversations/{conversation.uuid}/messages", {"message": "Hello"}, format="json"
        ).json()

    message = Message.objects.get(uuid=created["uuid"])
    assert message.status == "failed"
    assert message.delivery_error == "535 5.7.8 Username and Password not accepted"
    shown = admin_api.get(f"/api/v1/conversations/{conversation.uuid}/messages/{message.uuid}").json()
    # (a uuid ending in "b" makes str(shown) contain b' by chance: look at the reason itself)
    assert shown["delivery_error"] == message.delivery_error and "SMTPAuthenticationError" not in str(shown)
