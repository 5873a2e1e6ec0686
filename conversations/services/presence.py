"""Presence in a conversation: who is typing. Live-only real-time events (nothing is stored)."""

from __future__ import annotations

from django.core.cache import cache

from conversations.models import Conversation
from helpdesk import realtime
from helpdesk.models import Membership

TYPING_EVERY_SECONDS = 2  # one announcement per agent and conversation at most this often


def conversation_typing_announce(
    *, conversation: Conversation, membership: Membership, private: bool
) -> bool:
    """Tell the conversation's other readers that ``membership`` is typing: the agents on it, and
    the widget visitor too unless the agent writes a private note. False when throttled."""
    key = f"typing:{conversation.organization_id}:{conversation.pk}:{membership.pk}:{int(private)}"
    if not cache.add(key, 1, timeout=TYPING_EVERY_SECONDS):
        return False
    topic = (
        realtime.org_topic(conversation.organization_id)
        if private
        else realtime.conversation_topic(conversation.uuid)
    )
    realtime.publish(
        organization_id=conversation.organization_id,
        topics=[topic],
        event="typing",
        data={
            "conversation_uuid": str(conversation.uuid),
            "sender_type": "agent",
            "agent_id": membership.pk,
            "name": membership.user.first_name or membership.user.full_name,
            "private": private,
        },
        durable=False,
    )
    return True
