"""The bot report: the conversations the bot answered in the period and how many it resolved
without a person, by a strict rule; hand-offs and why; its answers' ratings, latency and mode.

Resolved without a person (``STRICT_RULE``): the conversation is resolved (or closed after being
resolved), no agent wrote in it (reply or note), it was never handed off, it was never reopened
after being resolved, its resolution is at least 7 days old, and it has a positive answer rating
or CSAT (4-5) or no negative one (thumbs down, CSAT 1-2). Resolutions younger than 7 days that
meet every other condition are counted apart, as awaiting the window, and left out of the rate."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.utils import timezone

from chatbots.models import ChatMessage, MessageRole
from chatbots.models.chat import AnswerMode
from conversations.models import Message, SenderType
from reports.filters import ReportFilters, conversations_in_scope
from reports.selectors.database import without_jit
from reports.selectors.durations import Percentile, percentile
from reports.selectors.scope import facts_in_scope

REOPEN_WINDOW = timedelta(days=7)
STRICT_RULE = (
    "Resolved, no agent message, never handed off, not reopened within 7 days of the resolution, "
    "and a positive rating or CSAT (4-5) or no negative one (thumbs down, CSAT 1-2)."
)
HANDOFF_REASONS = {
    "requested": "Asked for a person",
    "low_confidence": "Low confidence",
    "no_sources": "No sources found",
    "escalated": "Escalated through the chat API",
    "agent_takeover": "An agent took over",
}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def bot_conversations(filters: ReportFilters):
    """The facts of the conversations opened in the period in which the bot answered at least once."""
    period = filters.period
    return facts_in_scope(filters).filter(
        opened_at__gte=period.start, opened_at__lt=period.end, bot_answered=True
    )


def _flags(now) -> dict:
    """Per conversation, each condition of the rule as one boolean column, for grouping: stored
    in the facts, except the age of the resolution."""

    def flag(condition: Q):
        return ExpressionWrapper(condition, output_field=BooleanField())

    return {
        "resolved": flag(Q(is_resolved=True)),
        "never_reopened": flag(Q(resolution_count__lte=1)),
        "settled": flag(Q(resolved_at__lte=now - REOPEN_WINDOW)),
        "agent_wrote_flag": flag(Q(agent_wrote=True)),
        "handed_off_flag": flag(Q(handed_off=True)),
        "thumbs_up_flag": flag(Q(thumbs_up=True)),
        "thumbs_down_flag": flag(Q(thumbs_down=True)),
        "csat_good_flag": flag(Q(csat_good=True)),
        "csat_bad_flag": flag(Q(csat_bad=True)),
    }


def strict_resolution(row: dict) -> bool:
    """Every condition of ``STRICT_RULE`` except the age of the resolution, on one row of flags."""
    positive = row["thumbs_up_flag"] or row["csat_good_flag"]
    negative = row["thumbs_down_flag"] or row["csat_bad_flag"]
    return bool(
        row["resolved"]
        and row["never_reopened"]
        and not row["agent_wrote_flag"]
        and not row["handed_off_flag"]
        and (positive or not negative)
    )


def conversation_figures(filters: ReportFilters) -> dict:
    """One query grouped by the rule's conditions (a few dozen groups at most); the groups are
    added up by condition here."""
    flags = _flags(filters.now or timezone.now())
    groups = (
        bot_conversations(filters).annotate(**flags).values(*flags).annotate(count=Count("pk")).order_by()
    )
    row = {"handled": 0, "strict": 0, "awaiting": 0, "resolved_no_agent": 0, "handed_off": 0, "with_agent": 0}
    for group in groups:
        count = group["count"]
        strict = strict_resolution(group)
        row["handled"] += count
        row["strict"] += count if strict and group["settled"] else 0
        row["awaiting"] += count if strict and not group["settled"] else 0
        row["resolved_no_agent"] += count if group["resolved"] and not group["agent_wrote_flag"] else 0
        row["handed_off"] += count if group["handed_off_flag"] else 0
        row["with_agent"] += count if group["agent_wrote_flag"] else 0
    known = row["handled"] - row["awaiting"]
    return {
        "handled": row["handled"],
        "resolved_without_person": row["strict"],
        "resolution_rate": _percent(row["strict"], known),
        "awaiting_window": row["awaiting"],
        "resolved_without_agent_message": row["resolved_no_agent"],
        "naive_resolution_rate": _percent(row["resolved_no_agent"], row["handled"]),
        "handed_off": row["handed_off"],
        "handoff_rate": _percent(row["handed_off"], row["handled"]),
        "with_agent_message": row["with_agent"],
        "rule": STRICT_RULE,
    }


def handoff_reasons(filters: ReportFilters) -> list[dict]:
    """Hand-offs of the bot's conversations by reason; a low-confidence hand-off after an answer
    that found no source at all counts as ``no_sources``."""
    sourceless = ChatMessage.objects.filter(
        session__conversation_id=OuterRef("conversation_id"), mode=AnswerMode.FALLBACK, sources=[]
    )
    rows = (
        Message.objects.filter(
            organization_id=filters.organization.pk,
            sender_type=SenderType.SYSTEM,
            meta__handoff=True,
            conversation__in=bot_conversations(filters).filter(handed_off=True).values("conversation_id"),
        )
        .annotate(
            reason=Case(
                When(Q(meta__reason="low_confidence") & Q(Exists(sourceless)), then=Value("no_sources")),
                default=KT("meta__reason"),
                output_field=CharField(),
            )
        )
        .values("reason")
        .annotate(count=Count("pk"))
        .order_by("-count", "reason")
    )
    total = sum(row["count"] for row in rows)
    return [
        {
            "reason": row["reason"] or "unknown",
            "label": HANDOFF_REASONS.get(row["reason"], "Other"),
            "count": row["count"],
            "percent": _percent(row["count"], total),
        }
        for row in rows
    ]


def bot_answers(filters: ReportFilters):
    """The bot's answers written in the period (in the filtered conversations when narrowed)."""
    period = filters.period
    answers = ChatMessage.objects.filter(
        organization_id=filters.organization.pk,
        role=MessageRole.ASSISTANT,
        created_at__gte=period.start,
        created_at__lt=period.end,
    )
    if filters.narrowed:
        answers = answers.filter(session__conversation__in=conversations_in_scope(filters).values("pk"))
    return answers


def answer_figures(filters: ReportFilters) -> dict:
    answers = bot_answers(filters)
    extra = {}
    if connection.vendor == "postgresql":
        extra["median_latency"] = Percentile("latency_ms", 0.5, filter=Q(latency_ms__isnull=False))
    row = answers.aggregate(
        count=Count("pk"),
        rated_up=Count("pk", filter=Q(rating=1)),
        rated_down=Count("pk", filter=Q(rating=-1)),
        llm=Count("pk", filter=Q(mode=AnswerMode.LLM)),
        retrieval_only=Count("pk", filter=Q(mode=AnswerMode.RETRIEVAL_ONLY)),
        fallback=Count("pk", filter=Q(mode=AnswerMode.FALLBACK)),
        **extra,
    )
    if "median_latency" in row:
        median = row["median_latency"]
    else:
        latencies = sorted(answers.filter(latency_ms__isnull=False).values_list("latency_ms", flat=True))
        median = percentile(latencies, 0.5)
    rated = row["rated_up"] + row["rated_down"]
    return {
        "count": row["count"],
        "rated_up": row["rated_up"],
        "rated_down": row["rated_down"],
        "unrated": row["count"] - rated,
        "positive_percent": _percent(row["rated_up"], rated),
        "llm": row["llm"],
        "retrieval_only": row["retrieval_only"],
        "fallback": row["fallback"],
        "retrieval_only_share": _percent(row["retrieval_only"], row["count"]),
        "median_latency_ms": round(median) if median is not None else None,
    }


@without_jit
def bot_report(filters: ReportFilters) -> dict:
    """Everything the Bot page and ``GET reports/bot`` show."""
    return {
        "filters": filters.as_dict(),
        "conversations": conversation_figures(filters),
        "handoff_reasons": handoff_reasons(filters),
        "answers": answer_figures(filters),
    }
