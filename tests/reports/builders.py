"""Hand-built report fixtures: conversations opened through the real service, then placed at
known instants (created, first reply, resolution) so every measure has a known answer. The rows
are written directly, past the services and their events, so each builder then refreshes the
conversation's report facts itself (``facts``), as the rebuild command would."""

from __future__ import annotations

from datetime import datetime

from django.test import TestCase

from chatbots.models import ChatMessage, ChatSession, MessageRole
from conversations.models import Conversation, CsatSurvey, Message, MessageType, SenderType, Status
from reports.facts import conversation_facts_refresh
from tests.chatbots.factories import ChatbotFactory
from tests.conversations.factories import make_conversation


def facts(*conversations: Conversation) -> None:
    """Recompute the report facts of conversations changed directly in a test."""
    conversation_facts_refresh(conversation_ids=[conversation.pk for conversation in conversations])


def opened(organization, **fields) -> Conversation:
    """A conversation opened through the service, its events dispatched as after a commit (the
    report facts follow them: the incremental path)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return make_conversation(organization, **fields)


def status(organization, name: str) -> Status:
    return Status.objects.get(organization=organization, name=name)


def conversation_at(
    organization,
    created_at: datetime,
    *,
    first_reply_at: datetime | None = None,
    resolved_at: datetime | None = None,
    closed_at: datetime | None = None,
    resolution_count: int | None = None,
    **fields,
) -> Conversation:
    """A conversation created at ``created_at``; resolved (status Resolved) when ``resolved_at``."""
    conversation = make_conversation(organization)
    # SLA fields as given only (the service set them from whatever policy matched at creation).
    values = {
        "created_at": created_at,
        "first_reply_at": first_reply_at,
        "sla_policy": None,
        "sla_next_deadline_at": None,
        "first_response_deadline_at": None,
        "resolution_deadline_at": None,
        **fields,
    }
    if resolved_at is not None:
        values.update(resolved_at=resolved_at, status=status(organization, "Resolved"))
        values["resolution_count"] = 1 if resolution_count is None else resolution_count
    if closed_at is not None:
        values.update(closed_at=closed_at, status=status(organization, "Closed"))
    Conversation.objects.filter(pk=conversation.pk).update(**values)
    conversation.refresh_from_db()
    facts(conversation)
    return conversation


def survey(conversation: Conversation, asked_at: datetime, rating: int | None, seq: int = 1) -> CsatSurvey:
    made = CsatSurvey.objects.create(
        organization_id=conversation.organization_id,
        conversation=conversation,
        contact_id=conversation.contact_id,
        inbox_id=conversation.inbox_id,
        resolution_seq=seq,
        channel=conversation.inbox.channel,
        asked_at=asked_at,
        rating=rating,
        answered_at=asked_at if rating else None,
    )
    facts(conversation)
    return made


def message(
    conversation: Conversation, sender_type: str, *, at: datetime, agent=None, meta=None, private=False
):
    made = Message.objects.create(
        organization_id=conversation.organization_id,
        conversation=conversation,
        type=MessageType.OUTGOING if sender_type != SenderType.CONTACT else MessageType.INCOMING,
        sender_type=sender_type,
        sender_agent=agent,
        private=private,
        content="x",
        text_content="x",
        meta=meta or {},
        created_at=at,
    )
    facts(conversation)
    return made


def bot_answer(
    conversation: Conversation,
    *,
    at: datetime,
    question: str = "How do I reset my password?",
    rating: int = 0,
    mode: str = "llm",
    confidence: float = 0.9,
    latency_ms: int = 1000,
    sources=None,
    chatbot=None,
) -> ChatMessage:
    """A bot message in the conversation with its AI record (the answer's rating, mode, latency)."""
    chatbot = chatbot or ChatbotFactory(organization=conversation.organization)
    session = ChatSession.objects.filter(conversation=conversation).first() or ChatSession.objects.create(
        organization_id=conversation.organization_id, chatbot=chatbot, conversation=conversation
    )
    posted = message(conversation, SenderType.BOT, at=at)
    index = session.messages.count()
    record = ChatMessage.objects.create(
        organization_id=conversation.organization_id,
        session=session,
        message=posted,
        index=index,
        role=MessageRole.ASSISTANT,
        content="An answer",
        question=question,
        confidence=confidence,
        rating=rating,
        mode=mode,
        latency_ms=latency_ms,
        sources=[{"title": "Manual"}] if sources is None else sources,
    )
    ChatMessage.objects.filter(pk=record.pk).update(created_at=at)
    record.refresh_from_db()
    facts(conversation)  # the answer's rating
    return record
