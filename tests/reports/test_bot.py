"""The bot report's strict "resolved without a person" rule, hand-offs, answers, and the
unanswered questions grouped by meaning with "write the answer"."""

from datetime import UTC, datetime, timedelta

import pytest

from chatbots.models import ChatMessage
from conversations.models import SenderType
from knowledge import embeddings
from knowledge.models import KnowledgeItem
from reports.filters import filters_parse
from reports.selectors.bot import bot_report
from reports.selectors.unanswered import unanswered_report
from reports.services import unanswered_answer_write
from tests.chatbots.factories import ChatbotFactory
from tests.reports.builders import bot_answer, conversation_at, message, survey

NOW = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
OPENED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
RESOLVED_LONG_AGO = datetime(2026, 1, 11, 9, 0, tzinfo=UTC)  # 20 days before NOW
RESOLVED_YESTERDAY = NOW - timedelta(days=1)
PARAMS = {"from": "2026-01-01", "to": "2026-01-31"}


def filters(org):
    return filters_parse(organization=org, params=PARAMS, now=NOW)


def bot_conversation(org, *, resolved_at=RESOLVED_LONG_AGO, rating=0, **fields):
    conversation = conversation_at(org, OPENED, resolved_at=resolved_at, **fields)
    bot_answer(conversation, at=OPENED + timedelta(seconds=5), rating=rating)
    return conversation


def test_strict_rule(org, agent):
    bot_conversation(org)  # resolved, nobody else, no rating: counts
    bot_conversation(org, rating=1)  # thumbs up: counts
    survey(bot_conversation(org, rating=-1), RESOLVED_LONG_AGO, 5)  # thumbs down, but CSAT 5: counts
    bot_conversation(org, rating=-1)  # thumbs down only: no
    survey(bot_conversation(org), RESOLVED_LONG_AGO, 2)  # CSAT 2: no
    message(
        bot_conversation(org), SenderType.AGENT, at=OPENED + timedelta(minutes=3), agent=agent
    )  # a person wrote
    message(  # a person's note counts too
        bot_conversation(org), SenderType.AGENT, at=OPENED + timedelta(minutes=3), agent=agent, private=True
    )
    bot_conversation(org, resolution_count=2)  # reopened after a resolution, resolved again: no
    bot_conversation(org, resolved_at=RESOLVED_YESTERDAY)  # inside the 7-day window: awaiting
    handed = bot_conversation(org)
    message(
        handed,
        SenderType.SYSTEM,
        at=OPENED + timedelta(minutes=1),
        meta={"handoff": True, "reason": "requested"},
    )
    open_one = conversation_at(org, OPENED)  # the bot answered, still open
    bot_answer(open_one, at=OPENED)
    conversation_at(org, OPENED, resolved_at=RESOLVED_LONG_AGO)  # no bot: not the bot's

    figures = bot_report(filters(org))["conversations"]

    assert figures["handled"] == 11
    assert figures["resolved_without_person"] == 3
    assert figures["awaiting_window"] == 1
    assert figures["resolution_rate"] == 30.0  # 3 of the 10 whose outcome is known
    # The number that counts every resolution with no agent message is much higher.
    assert figures["resolved_without_agent_message"] == 8
    assert figures["handed_off"] == 1
    assert figures["handoff_rate"] == pytest.approx(9.1)


def test_handoff_reasons_and_answer_figures(org):
    requested = bot_conversation(org, resolved_at=None)
    message(requested, SenderType.SYSTEM, at=OPENED, meta={"handoff": True, "reason": "requested"})
    unsure = conversation_at(org, OPENED)
    bot_answer(unsure, at=OPENED, mode="fallback", confidence=0.1, sources=[{"title": "x"}], latency_ms=3000)
    message(unsure, SenderType.SYSTEM, at=OPENED, meta={"handoff": True, "reason": "low_confidence"})
    nothing = conversation_at(org, OPENED)
    bot_answer(nothing, at=OPENED, mode="fallback", confidence=0.0, sources=[], latency_ms=500)
    message(nothing, SenderType.SYSTEM, at=OPENED, meta={"handoff": True, "reason": "low_confidence"})
    offline = conversation_at(org, OPENED)
    bot_answer(offline, at=OPENED, mode="retrieval_only", rating=-1, latency_ms=200)

    report = bot_report(filters(org))

    assert {row["reason"]: row["count"] for row in report["handoff_reasons"]} == {
        "requested": 1,
        "low_confidence": 1,
        "no_sources": 1,
    }
    answers = report["answers"]
    assert (answers["count"], answers["rated_down"], answers["retrieval_only"], answers["fallback"]) == (
        4,
        1,
        1,
        2,
    )
    assert answers["retrieval_only_share"] == 25.0
    assert answers["median_latency_ms"] == 750  # of 200, 500, 1000, 3000


@pytest.fixture
def fake_vectors(monkeypatch):
    """Questions about passwords point one way, about invoices another."""

    def embed(texts):
        return [[1.0, 0.0] if "password" in text.lower() else [0.0, 1.0] for text in texts]

    monkeypatch.setattr(embeddings, "embed_texts", embed)


def test_unanswered_questions_are_grouped_by_meaning(org, fake_vectors):
    bot = ChatbotFactory(organization=org, confidence_threshold=0.5)
    conversation = conversation_at(org, OPENED)
    for question in ("How do I reset my password?", "password reset link broken", "Forgot my password"):
        bot_answer(conversation, at=OPENED, question=question, mode="fallback", confidence=0.1, chatbot=bot)
    bot_answer(conversation, at=OPENED, question="Where is my invoice?", rating=-1, chatbot=bot)
    bot_answer(conversation, at=OPENED, question="Invoice for March", confidence=0.3, chatbot=bot)
    bot_answer(conversation, at=OPENED, question="Answered well", confidence=0.9, chatbot=bot)

    report = unanswered_report(filters(org))

    assert report["grouping"] == "embeddings"
    assert [
        (group["count"], group["low_confidence"], group["thumbs_down"]) for group in report["groups"]
    ] == [
        (3, 3, 0),
        (2, 1, 1),
    ]
    assert "Answered well" not in str(report["groups"])


def test_without_the_embedding_model_identical_questions_are_grouped(org, monkeypatch):
    def unavailable(texts):
        raise embeddings.EmbeddingUnavailable("down")

    monkeypatch.setattr(embeddings, "embed_texts", unavailable)
    conversation = conversation_at(org, OPENED)
    for question in ("Reset password?", "reset  PASSWORD", "Invoice?"):
        bot_answer(conversation, at=OPENED, question=question, mode="fallback")

    report = unanswered_report(filters(org))

    assert report["grouping"] == "exact text"
    assert [group["count"] for group in report["groups"]] == [2, 1]


def test_writing_the_answer_creates_a_verified_item_and_clears_the_group(org, admin, fake_vectors):
    conversation = conversation_at(org, OPENED)
    for question in ("How do I reset my password?", "Forgot my password"):
        bot_answer(conversation, at=OPENED, question=question, mode="fallback")
    group = unanswered_report(filters(org))["groups"][0]

    item = unanswered_answer_write(
        organization=org,
        membership=admin,
        answer_ids=group["answer_ids"],
        question="How do I reset my password?",
        answer="Use the 'Forgot password' link on the sign-in page.",
    )

    assert KnowledgeItem.objects.get(pk=item.pk).verified
    assert set(
        ChatMessage.objects.filter(pk__in=group["answer_ids"]).values_list("verified_item", flat=True)
    ) == {item.pk}
    assert unanswered_report(filters(org))["groups"] == []


def test_writing_the_answer_for_another_organizations_answers_is_not_found(org, other_org, admin):
    foreign = bot_answer(conversation_at(other_org, OPENED), at=OPENED, mode="fallback")

    from reports.errors import ReportError

    with pytest.raises(ReportError) as refused:
        unanswered_answer_write(
            organization=org, membership=admin, answer_ids=[foreign.pk], question="q", answer="a"
        )

    assert refused.value.code == "not_found"
    assert ChatMessage.objects.get(pk=foreign.pk).verified_item_id is None
