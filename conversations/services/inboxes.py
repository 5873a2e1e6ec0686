"""Inboxes (channels): api, web (the chat widget), email."""

from __future__ import annotations

from conversations.errors import ConversationError
from conversations.models import Channel, Inbox
from conversations.services.contacts import normalize_email
from helpdesk.models import Organization

INBOX_FIELDS = ("name", "channel", "email", "enabled")


def _clean(changes: dict) -> dict:
    changes = {key: value for key, value in changes.items() if key in INBOX_FIELDS}
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if not changes["name"]:
            raise ConversationError("An inbox needs a name.", field="name")
    if "channel" in changes and changes["channel"] not in Channel.values:
        raise ConversationError(f"channel must be one of {', '.join(Channel.values)}.", field="channel")
    if changes.get("email"):
        changes["email"] = normalize_email(changes["email"])
    return changes


def inbox_create(*, organization: Organization, **fields) -> Inbox:
    fields = _clean(fields)
    if "name" not in fields:
        raise ConversationError("An inbox needs a name.", field="name")
    if fields.get("channel") == Channel.EMAIL and not fields.get("email"):
        raise ConversationError("An email inbox needs its email address.", field="email")
    return Inbox.objects.create(organization=organization, **fields)


def inbox_update(*, inbox: Inbox, **changes) -> Inbox:
    changes = _clean(changes)
    for field, value in changes.items():
        setattr(inbox, field, value)
    if inbox.channel == Channel.EMAIL and not inbox.email:
        raise ConversationError("An email inbox needs its email address.", field="email")
    inbox.save()
    return inbox


def inbox_delete(*, inbox: Inbox) -> None:
    if inbox.conversations.exists():
        raise ConversationError(
            "This inbox has conversations: disable it instead of deleting it.", code="conflict"
        )
    inbox.delete()
