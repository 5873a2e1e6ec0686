"""Unanswered questions: the questions behind the bot's low-confidence answers (a fallback, or a
confidence under the chatbot's threshold) and thumbs-down ones in the period, grouped by meaning
with the embedding model the knowledge base uses (a question joins the first group whose first
question is at least ``SIMILARITY`` cosine-similar), most asked first. Answers already verified
into the knowledge base are left out. Without the embedding model, identical questions (case,
spacing and punctuation aside) are grouped."""

from __future__ import annotations

import re

from django.db.models import F, Q

from chatbots.models import MessageRole
from chatbots.models.chat import AnswerMode
from knowledge import embeddings
from reports.filters import ReportFilters
from reports.selectors.bot import bot_answers
from reports.selectors.database import without_jit

SIMILARITY = 0.78
MAX_QUESTIONS = 400  # the most recent ones; enough to show the recurring gaps
MAX_EXAMPLES = 5
MAX_ANSWER_IDS = 50


def unanswered_answers(filters: ReportFilters):
    """The answers that left a question unanswered: fallback, under the threshold or thumbs down,
    not verified since."""
    return (
        bot_answers(filters)
        .filter(
            Q(mode=AnswerMode.FALLBACK)
            | Q(confidence__lt=F("session__chatbot__confidence_threshold"))
            | Q(rating=-1)
        )
        .filter(verified_item__isnull=True, role=MessageRole.ASSISTANT)
        .exclude(question="")
    )


def _normalized(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def _vectors(questions: list[str]):
    try:
        return embeddings.embed_texts(questions), "embeddings"
    except embeddings.EmbeddingUnavailable:
        return None, "exact text"


def _cluster(vectors) -> list[int]:
    """Greedy grouping: each question's group index (vectors are normalized)."""
    import numpy

    matrix = numpy.asarray(vectors, dtype=numpy.float32)
    leaders: list[int] = []
    assignment = []
    for index in range(len(matrix)):
        if leaders:
            scores = matrix[leaders] @ matrix[index]
            best = int(numpy.argmax(scores))
            if scores[best] >= SIMILARITY:
                assignment.append(best)
                continue
        leaders.append(index)
        assignment.append(len(leaders) - 1)
    return assignment


@without_jit
def unanswered_report(filters: ReportFilters, *, limit: int = 50) -> dict:
    """{grouping, total_questions, groups: [{question, count, low_confidence, thumbs_down,
    last_asked_at, examples[], answer_ids[], chatbots[]}]}, most asked first."""
    rows = list(
        unanswered_answers(filters)
        .order_by("-created_at", "-pk")
        .values(
            "pk",
            "question",
            "rating",
            "mode",
            "confidence",
            "created_at",
            "session__chatbot_id",
            "session__chatbot__name",
            "session__chatbot__confidence_threshold",
        )[:MAX_QUESTIONS]
    )
    questions = [" ".join(row["question"].split())[:1000] for row in rows]
    vectors, grouping = _vectors(questions) if rows else (None, "embeddings")
    if vectors is not None:
        assignment = _cluster(vectors)
    else:
        keys: dict[str, int] = {}
        assignment = [keys.setdefault(_normalized(text), len(keys)) for text in questions]
    groups: dict[int, dict] = {}
    for row, text, group in zip(rows, questions, assignment, strict=True):
        entry = groups.setdefault(
            group,
            {
                "question": text,
                "count": 0,
                "low_confidence": 0,
                "thumbs_down": 0,
                "last_asked_at": row["created_at"].isoformat(),
                "examples": [],
                "answer_ids": [],
                "chatbots": {},
            },
        )
        entry["count"] += 1
        threshold = row["session__chatbot__confidence_threshold"]
        low = row["mode"] == AnswerMode.FALLBACK or (
            row["confidence"] is not None and threshold is not None and row["confidence"] < threshold
        )
        entry["low_confidence"] += int(low)
        entry["thumbs_down"] += int(row["rating"] == -1)
        if text not in entry["examples"] and len(entry["examples"]) < MAX_EXAMPLES:
            entry["examples"].append(text)
        if len(entry["answer_ids"]) < MAX_ANSWER_IDS:
            entry["answer_ids"].append(row["pk"])
        entry["chatbots"][row["session__chatbot_id"]] = row["session__chatbot__name"]
    ordered = sorted(groups.values(), key=lambda entry: (-entry["count"], entry["question"].lower()))
    for entry in ordered:
        entry["chatbots"] = [{"id": key, "name": name} for key, name in entry["chatbots"].items()]
    return {
        "filters": filters.as_dict(),
        "grouping": grouping,
        "total_questions": len(rows),
        "truncated": len(rows) == MAX_QUESTIONS,
        "groups": ordered[:limit],
    }
