"""CSAT surveys as agents and contacts read them (always inside one organization or one
conversation the caller has already been allowed to see)."""

from __future__ import annotations

from django.db.models import Avg, Count, QuerySet

from conversations.models import Contact, Conversation, CsatSurvey


def csat_list(*, conversation: Conversation) -> QuerySet[CsatSurvey]:
    """Every survey of the conversation, the latest resolution first."""
    return (
        CsatSurvey.objects.filter(organization_id=conversation.organization_id, conversation=conversation)
        .select_related("conversation")
        .order_by("-resolution_seq")
    )


def csat_latest(*, conversation: Conversation) -> CsatSurvey | None:
    """The survey of the latest resolution (answered or not), or None."""
    return csat_list(conversation=conversation).first()


def csat_pending(*, conversation: Conversation) -> CsatSurvey | None:
    """The latest resolution's survey while it waits for an answer: what the widget asks."""
    survey = csat_latest(conversation=conversation)
    return survey if survey is not None and survey.answered_at is None else None


def csat_for_contact(*, contact: Contact, limit: int = 20) -> list[CsatSurvey]:
    """The contact's answered surveys, newest first, with their conversations (one query)."""
    return list(
        CsatSurvey.objects.filter(organization_id=contact.organization_id, contact=contact)
        .exclude(answered_at=None)
        .select_related("conversation")
        .order_by("-answered_at", "-id")[:limit]
    )


def csat_contact_summary(*, contact: Contact) -> dict:
    """``{"average": 4.5 | None, "answered": n}`` over the contact's answered surveys."""
    values = (
        CsatSurvey.objects.filter(organization_id=contact.organization_id, contact=contact)
        .exclude(answered_at=None)
        .aggregate(average=Avg("rating"), answered=Count("id"))
    )
    average = values["average"]
    return {"average": round(average, 1) if average is not None else None, "answered": values["answered"]}
