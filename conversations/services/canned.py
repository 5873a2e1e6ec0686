"""Canned responses and their placeholders.

Rendering is a plain substitution of a fixed list of placeholders (``{{contact.first_name}}``
…), never a template engine: nothing in a response or in a contact's name can run code, and the
substituted values are HTML-escaped. Unknown placeholders are left as they are."""

from __future__ import annotations

import html
import re

from conversations.content import sanitize
from conversations.errors import ConversationError
from conversations.models import CannedResponse, Conversation
from helpdesk.models import Membership, Organization

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\.([a-z_]+)\s*\}\}")
PLACEHOLDERS = (
    "contact.first_name",
    "contact.last_name",
    "contact.full_name",
    "contact.email",
    "contact.phone_number",
    "conversation.reference_number",
    "conversation.subject",
    "conversation.uuid",
    "agent.first_name",
    "agent.last_name",
    "agent.full_name",
    "agent.email",
    "organization.name",
)
CONTENT_MAX_LENGTH = 20_000


def placeholder_values(*, conversation: Conversation, agent: Membership | None) -> dict[str, str]:
    contact = conversation.contact
    user = agent.user if agent is not None else None
    return {
        "contact.first_name": contact.first_name,
        "contact.last_name": contact.last_name,
        "contact.full_name": f"{contact.first_name} {contact.last_name}".strip(),
        "contact.email": contact.email,
        "contact.phone_number": contact.phone_number,
        "conversation.reference_number": str(conversation.reference_number),
        "conversation.subject": conversation.subject,
        "conversation.uuid": str(conversation.uuid),
        "agent.first_name": user.first_name if user else "",
        "agent.last_name": user.last_name if user else "",
        "agent.full_name": user.full_name if user else "",
        "agent.email": user.email if user else "",
        "organization.name": conversation.organization.name,
    }


def render_placeholders(content: str, values: dict[str, str]) -> str:
    """One pass over ``content``: each known placeholder becomes its escaped value. A value that
    itself looks like a placeholder stays literal text (no second pass)."""

    def replace(match: re.Match) -> str:
        key = f"{match.group(1)}.{match.group(2)}"
        if key not in values:
            return match.group(0)
        return html.escape(values[key] or "")

    return PLACEHOLDER.sub(replace, content or "")


def canned_render(*, canned: CannedResponse, conversation: Conversation, agent: Membership | None) -> str:
    return render_placeholders(canned.content, placeholder_values(conversation=conversation, agent=agent))


def _clean(title: str | None, content: str | None) -> tuple[str | None, str | None]:
    if title is not None:
        title = " ".join(title.split())[:200]
        if not title:
            raise ConversationError("A canned response needs a title.", field="title")
    if content is not None:
        if len(content) > CONTENT_MAX_LENGTH:
            raise ConversationError(f"At most {CONTENT_MAX_LENGTH} characters.", field="content")
        content, text, _ = sanitize(content)
        if not text.strip():
            raise ConversationError("A canned response needs some content.", field="content")
    return title, content


def _check_unique(organization_id: int, title: str, exclude_pk=None) -> None:
    queryset = CannedResponse.objects.filter(organization_id=organization_id, title__iexact=title)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    if queryset.exists():
        raise ConversationError("A canned response with this title exists.", field="title", code="conflict")


def canned_create(
    *, organization: Organization, title: str, content: str, actor: Membership | None
) -> CannedResponse:
    title, content = _clean(title or "", content or "")
    _check_unique(organization.pk, title)
    return CannedResponse.objects.create(
        organization=organization, title=title, content=content, created_by=actor
    )


def canned_update(
    *, canned: CannedResponse, title: str | None = None, content: str | None = None
) -> CannedResponse:
    title, content = _clean(title, content)
    if title is not None:
        _check_unique(canned.organization_id, title, exclude_pk=canned.pk)
        canned.title = title
    if content is not None:
        canned.content = content
    canned.save()
    return canned


def canned_delete(*, canned: CannedResponse) -> None:
    canned.delete()
