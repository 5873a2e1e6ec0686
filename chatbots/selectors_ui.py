"""Read queries only the chatbots UI needs (cards with answer counts, document pickers, monitor
counters), always scoped to one organization. The shared ones live in ``chatbots.selectors``."""

from __future__ import annotations

from django.db.models import Count, Q

from chatbots import selectors
from chatbots.models import Chatbot, ChatMessage, MessageRole
from helpdesk.models import Organization


def chatbot_cards(*, organization: Organization) -> list[Chatbot]:
    """The organization's chatbots with ``documents_total``, ``answers_total`` and
    ``thumbs_down_total`` (one grouped query for the answers, whatever the number of bots)."""
    answers = ChatMessage.objects.filter(organization=organization, role=MessageRole.ASSISTANT)
    counts = {
        row["session__chatbot"]: row
        for row in answers.values("session__chatbot").annotate(
            answers=Count("id"), thumbs_down=Count("id", filter=Q(rating=-1))
        )
    }
    bots = list(selectors.chatbot_list(organization=organization))
    for bot in bots:
        row = counts.get(bot.pk, {})
        bot.documents_total = len(bot.product_documents.all())
        bot.answers_total = row.get("answers", 0)
        bot.thumbs_down_total = row.get("thumbs_down", 0)
    return bots


def trainable_documents(*, organization: Organization):
    """Documents a chatbot may answer from or be trained on (``train_ai`` on), newest first."""
    from knowledge.models import Document

    return (
        Document.objects.filter(organization=organization, train_ai=True)
        .only("id", "title", "category", "status", "format", "chunk_count", "created_at")
        .order_by("title", "id")
    )


def processed_documents(*, organization: Organization, include_ids=()):
    """Processed documents the settings page offers, plus the bot's own ones whatever their state."""
    from knowledge.models import DocumentStatus

    return trainable_documents(organization=organization).filter(
        Q(status=DocumentStatus.PROCESSED) | Q(pk__in=list(include_ids))
    )


def document_total(*, organization: Organization) -> int:
    from knowledge.models import Document

    return Document.objects.filter(organization=organization).count()


def knowledge_categories(*, organization: Organization) -> list[str]:
    from knowledge import selectors as knowledge_selectors

    return knowledge_selectors.category_list(organization=organization)


def monitor_counts(*, organization: Organization, low_confidence: float) -> dict[str, int]:
    """How many answers each quick filter of the monitor would show."""
    answers = ChatMessage.objects.filter(organization=organization, role=MessageRole.ASSISTANT)
    return answers.aggregate(
        all=Count("id"),
        low=Count("id", filter=Q(confidence__lt=low_confidence)),
        thumbs_down=Count("id", filter=Q(rating=-1)),
        unverified=Count("id", filter=Q(verification_indicator=0)),
        unread=Count("id", filter=Q(read_indicator=0)),
    )
