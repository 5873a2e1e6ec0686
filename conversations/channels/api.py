"""The API channel: the integrator writes the contact's messages through the API (``receive``)
and reads the replies back through it, so delivering a reply is nothing more than storing it."""

from __future__ import annotations

from conversations.channels.base import StoredReplyChannel
from conversations.models import Channel


class ApiChannel(StoredReplyChannel):
    channel = Channel.API
