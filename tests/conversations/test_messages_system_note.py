"""System-written internal notes: private only, no acting agent."""

import pytest

from conversations.models import Message
from conversations.services.messages import message_create
from helpdesk.errors import DomainError


def test_system_note_is_private_and_has_no_agent(conversation):
    note = message_create(
        conversation=conversation, content="Summary", actor=None, sender_type="system", private=True
    )
    assert note.private and note.sender_type == "system" and note.sender_agent is None


def test_system_cannot_write_a_public_reply(conversation):
    before = Message.objects.filter(conversation=conversation).count()
    with pytest.raises(DomainError):
        message_create(
            conversation=conversation, content="Hi", actor=None, sender_type="system", private=False
        )
    assert Message.objects.filter(conversation=conversation).count() == before
