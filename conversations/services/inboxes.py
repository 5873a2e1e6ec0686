"""Inboxes (channels): api, web (the chat widget), email."""

from __future__ import annotations

from conversations.errors import ConversationError
from conversations.models import Channel, Inbox
from helpdesk.models import Organization
from helpdesk.unset import UNSET, Unset, given


def _save(inbox: Inbox, changes: dict) -> Inbox:
    if "email" in changes:
        changes["email"] = changes["email"].strip().lower()
    for field, value in changes.items():
        setattr(inbox, field, value)
    if inbox.channel == Channel.EMAIL and not inbox.email:
        raise ConversationError("An email inbox needs its email address.", field="email")
    inbox.save()
    return inbox


# The two signatures below are the one list of an inbox's settings; the form and the serializer
# check their shape (a name, a known channel, a well-formed email).


def inbox_create(
    *,
    organization: Organization,
    name: str,
    channel: str = Channel.API,
    email: str = "",
    enabled: bool = True,
    csat_enabled: bool | None = None,
) -> Inbox:
    """A new inbox; an email inbox needs its (sender) address, stored lower-case. CSAT is asked
    in web and email inboxes unless ``csat_enabled`` says otherwise (api inboxes: off)."""
    if csat_enabled is None:
        csat_enabled = channel != Channel.API
    return _save(Inbox(organization=organization), given(locals(), exclude=("organization",)))


def inbox_update(
    *,
    inbox: Inbox,
    name: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    email: str | Unset = UNSET,
    enabled: bool | Unset = UNSET,
    csat_enabled: bool | Unset = UNSET,
) -> Inbox:
    """Change the settings given (``UNSET`` ones stay), by the rule of ``inbox_create``."""
    return _save(inbox, given(locals(), exclude=("inbox",)))


def inbox_delete(*, inbox: Inbox) -> None:
    if inbox.conversations.exists():
        raise ConversationError(
            "This inbox has conversations: disable it instead of deleting it.", code="conflict"
        )
    inbox.delete()
