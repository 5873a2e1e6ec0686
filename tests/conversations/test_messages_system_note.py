"""System-written messages: internal notes, or notices to the contact; no acting agent. Neither
counts as an agent's reply; a bot answer cannot be private."""

import pytest

from conversations.models import Message
from conversations.services.messages import message_create
from helpdesk.errors import DomainError


def test_system_note_is_private_and_has_no_agent(conversation):
    note = message_create(
        conversation=conversation, content="Summary", actor=None, sender_type="system", private=True
    )
    assert note.private and note.sender_type == "system" and note.sender_agent is None


def test_a_public_system_notice_is_not_an_agents_reply(conversation):
    notice = message_create(
        conversation=conversation, content="A person is coming", actor=None, sender_type="system"
    )

    conversation.refresh_from_db()
    assert notice.type == "outgoing" and not notice.private and notice.sender_agent is None
    assert conversation.first_reply_at is None and conversation.waiting_since is not None


def test_a_bot_answer_cannot_be_private(conversation):
    before = Message.objects.filter(conversation=conversation).count()
    with pytest.raises(DomainError):
        message_create(conversation=conversation, content="Hi", actor=None, sender_type="bot", private=True)
    assert Message.objects.filter(conversation=conversation).count() == before
