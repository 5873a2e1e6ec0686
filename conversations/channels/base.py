"""The interface every channel adapter has: inbound (``receive``: the contact wrote, through this
channel) and outbound (``needs_delivery``: does a reply wait for a worker to send it;
``deliver``: send it, returning the message's status afterwards)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from conversations.models import Conversation, Message, MessageStatus, SenderType


class ChannelAdapter(ABC):
    channel: str
    needs_delivery: bool = False

    def receive(
        self, *, conversation: Conversation, content: str, attachment_ids=(), now: datetime | None = None
    ) -> Message:
        """Store what the contact wrote as the conversation's incoming message (``message_create``,
        which sanitizes it, reopens the conversation and emits ``message.created``)."""
        from conversations.services.messages import message_create  # services import channels

        return message_create(
            conversation=conversation,
            content=content,
            actor=None,
            sender_type=SenderType.CONTACT,
            attachment_ids=attachment_ids,
            now=now,
        )

    @abstractmethod
    def deliver(self, message: Message) -> str:
        """Send an outgoing ``message``; returns its status once sent (``sent``)."""


class StoredReplyChannel(ChannelAdapter):
    """A channel with no transport of ours: the reader fetches the reply (API) or gets it pushed
    live by the domain events (widget), so a reply is sent as soon as it is stored."""

    def deliver(self, message: Message) -> str:
        return MessageStatus.SENT
