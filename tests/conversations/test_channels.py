"""Channels as adapters: one per inbox channel, inbound ``receive`` and outbound delivery."""

from __future__ import annotations

import pytest
from django.core import mail

from conversations import channels
from conversations.channels.api import ApiChannel
from conversations.channels.email import EmailChannel
from conversations.channels.web import WebChannel
from conversations.errors import ConversationError
from conversations.models import Channel, MessageStatus, MessageType, SenderType
from conversations.services.messages import message_create
from tests.conversations.factories import InboxFactory, make_conversation


def test_each_inbox_channel_has_its_adapter_and_only_email_waits_for_a_worker():
    assert isinstance(channels.adapter_for(Channel.WEB), WebChannel)
    assert isinstance(channels.adapter_for(Channel.API), ApiChannel)
    assert isinstance(channels.adapter_for(Channel.EMAIL), EmailChannel)
    assert {channel for channel in Channel.values if channels.needs_delivery(channel)} == {Channel.EMAIL}
    assert not channels.needs_delivery("fax")


def test_a_channel_without_an_adapter_is_a_clear_error():
    with pytest.raises(ConversationError) as raised:
        channels.adapter_for("fax")
    assert raised.value.message == "The channel fax is not supported."


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.API])
def test_web_and_api_replies_are_sent_once_stored(org, admin, channel):
    conversation = make_conversation(org, inbox=InboxFactory(organization=org, channel=channel))
    reply = message_create(conversation=conversation, content="On it", actor=admin)

    assert reply.status == MessageStatus.SENT
    assert channels.deliver(reply) == MessageStatus.SENT
    assert mail.outbox == []


def test_the_email_adapter_mails_the_reply(org, admin, django_capture_on_commit_callbacks):
    inbox = InboxFactory(organization=org, channel=Channel.EMAIL, email="help@acme.test")
    conversation = make_conversation(org, inbox=inbox, email="ada@example.com", subject="Printer")
    with django_capture_on_commit_callbacks(execute=False):
        reply = message_create(conversation=conversation, content="<p>Fixed!</p>", actor=admin)
    assert reply.status == MessageStatus.PENDING

    assert channels.deliver(reply) == MessageStatus.SENT
    assert [(m.to, m.from_email, m.subject) for m in mail.outbox] == [
        (["ada@example.com"], "help@acme.test", f"[#{conversation.reference_number}] Printer")
    ]


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.API, Channel.EMAIL])
def test_receive_stores_the_contacts_incoming_message(org, channel):
    conversation = make_conversation(org, inbox=InboxFactory(organization=org, channel=channel))

    message = channels.adapter_for(channel).receive(conversation=conversation, content="<b>Still</b> broken")

    assert (message.type, message.sender_type, message.status) == (
        MessageType.INCOMING,
        SenderType.CONTACT,
        MessageStatus.RECEIVED,
    )
    assert message.sender_contact == conversation.contact
    assert message.text_content == "Still broken"
    conversation.refresh_from_db()
    assert conversation.last_message_sender == SenderType.CONTACT
