"""Website domains and what a widget visitor may read."""

from __future__ import annotations

from django.db.models import QuerySet

from conversations.models import Conversation, Domain, Message, MessageType, WidgetVisitor
from helpdesk.models import Organization


def domain_list(*, organization: Organization) -> QuerySet[Domain]:
    return Domain.objects.filter(organization=organization).select_related("inbox")


def domain_get(*, organization: Organization, pk) -> Domain | None:
    return domain_list(organization=organization).filter(pk=pk).first()


def domain_for_token(*, website_token: str) -> Domain | None:
    """The active domain of a website token (any organization: the token names it)."""
    if not website_token or len(website_token) > 64:
        return None
    return (
        Domain.objects.select_related("organization", "inbox")
        .filter(website_token=website_token, is_active=True)
        .first()
    )


def domains_brief(organization: Organization) -> list[dict]:
    """``account/status.domains[]`` (Nova Chat's fields)."""
    return [
        {
            "id": domain.pk,
            "label": domain.label,
            "website_url": domain.website_url,
            "website_token": domain.website_token,
            "chatwoot_inbox_id": domain.inbox_id,
        }
        for domain in domain_list(organization=organization)
    ]


def visitor_conversation(*, visitor: WidgetVisitor, conversation_id) -> Conversation | None:
    """One of the visitor's own conversations; None for anyone else's (the API answers 404)."""
    return (
        visitor.conversations.select_related("status", "contact", "inbox", "organization")
        .filter(pk=conversation_id)
        .first()
    )


def visitor_messages(*, conversation: Conversation) -> QuerySet[Message]:
    """The thread as the visitor sees it: public messages only (no private notes, no activity)."""
    return (
        Message.objects.filter(conversation=conversation, private=False)
        .exclude(type=MessageType.ACTIVITY)
        .select_related("sender_agent__user")
        .order_by("created_at", "id")
    )


# Higher apps add what they know about messages the visitor reads (the chatbots app: an answer's
# sources and rating) without this app importing them: ``provider(messages) -> {message_pk: {…}}``.
_message_detail_providers: list = []


def register_message_details(provider) -> None:
    if provider not in _message_detail_providers:
        _message_detail_providers.append(provider)


def visitor_message_details(messages: list[Message]) -> dict[int, dict]:
    details: dict[int, dict] = {}
    for provider in _message_detail_providers:
        for pk, extra in provider(messages).items():
            details.setdefault(pk, {}).update(extra)
    return details
