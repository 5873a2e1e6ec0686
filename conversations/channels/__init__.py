"""Channels as adapters, one per inbox channel (``web`` widget, ``api``, ``email``), with the
interface of ``base.ChannelAdapter``: inbound ``receive`` (→ ``message_create``) and outbound
``needs_delivery`` / ``deliver``. ``needs_delivery(channel)`` and ``deliver(message)`` are what
the message services call."""

from __future__ import annotations

from conversations.channels.api import ApiChannel
from conversations.channels.base import ChannelAdapter
from conversations.channels.email import EmailChannel
from conversations.channels.web import WebChannel
from conversations.errors import ConversationError
from conversations.models import Message

ADAPTERS: dict[str, ChannelAdapter] = {
    adapter.channel: adapter for adapter in (WebChannel(), ApiChannel(), EmailChannel())
}


def adapter_for(channel: str) -> ChannelAdapter:
    """The adapter of an inbox channel (``ConversationError`` for a channel that has none)."""
    try:
        return ADAPTERS[channel]
    except KeyError:
        raise ConversationError(f"The channel {channel} is not supported.", field="channel") from None


def needs_delivery(channel: str) -> bool:
    """Does a reply on ``channel`` wait for a worker to send it (``pending`` until then)?"""
    adapter = ADAPTERS.get(channel)
    return adapter is not None and adapter.needs_delivery


def deliver(message: Message) -> str:
    """Send ``message`` through its conversation's channel; returns its status once sent. Raises
    what the adapter raises (``ConversationError``, ``mail.MailUnavailable``, ``mail.MailRefused``)."""
    return adapter_for(message.conversation.inbox.channel).deliver(message)
