"""Which bot answers an inbox's conversations: ``inbox_bot_set`` (one bot per ``web`` or ``api``
inbox; the widget's ``ai-config`` and the settings page call it)."""

from __future__ import annotations

from chatbots.models import Chatbot, InboxBot
from conversations.models import Channel, Inbox
from helpdesk.errors import DomainError
from helpdesk.models import Organization

BOT_CHANNELS = (Channel.WEB, Channel.API, Channel.EMAIL)


class InboxBotError(DomainError):
    pass


def inbox_bot_set(*, organization: Organization, inbox: Inbox, chatbot: Chatbot, is_active: bool) -> InboxBot:
    """Make ``chatbot`` the bot of ``inbox`` (replacing the one it had), active or not. Both must be
    the organization's own. On an ``email`` inbox the mailbox's ``bot_mode`` says whether the bot
    answers, drafts (the default) or stays out."""
    if inbox.organization_id != organization.pk:
        raise InboxBotError("Inbox not found.", field="inbox", code="not_found")
    if chatbot.organization_id != organization.pk:
        raise InboxBotError("Chatbot not found.", field="chatbot_id", code="not_found")
    if inbox.channel not in BOT_CHANNELS:
        raise InboxBotError("Only web, api and email inboxes can have a bot.", field="inbox")
    inbox_bot, _ = InboxBot.objects.update_or_create(
        inbox=inbox,
        defaults={"organization": organization, "chatbot": chatbot, "is_active": bool(is_active)},
    )
    return inbox_bot
