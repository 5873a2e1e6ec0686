"""The chat widget: a visitor writes through the widget API (``receive``); agents' and the bot's
replies reach the visitor by the real-time push of ``message.created``, so delivering one is
nothing more than storing it."""

from __future__ import annotations

from conversations.channels.base import StoredReplyChannel
from conversations.models import Channel


class WebChannel(StoredReplyChannel):
    channel = Channel.WEB
