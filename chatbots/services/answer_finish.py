"""Finishing an answer: judge what the model wrote (grounding, confidence, instruction leaks),
or fall back, and store it at the position reserved with the question."""

from __future__ import annotations

import logging
import re
import time

from django.db import transaction
from django.utils import timezone

from chatbots.models import ChatMessage, ChatSession, MessageRole
from chatbots.models.chat import AnswerMode
from chatbots.services import grounding as grounding_
from chatbots.services.answer_plan import AnswerPlan, ChatAnswer, source_payload
from chatbots.services.prompting import source_body
from helpdesk import ollama
from knowledge import declines

logger = logging.getLogger(__name__)

RETRIEVAL_ONLY_PASSAGES = 3
RETRIEVAL_ONLY_NOTICE = (
    "The AI model is not available right now, so I cannot write an answer. "
    "These passages from our documentation look most relevant:"
)
LEAK_SHINGLE_WORDS = 6
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def _elapsed_ms(plan: AnswerPlan) -> int:
    return int((time.perf_counter() - plan.started) * 1000)


def _save(
    plan: AnswerPlan,
    *,
    content: str,
    mode: str,
    confidence: float,
    sources: list,
    handoff: bool,
    interrupted: bool = False,
) -> ChatMessage:
    from chatbots.services.conversation_bot import answer_message_record

    now = timezone.now()
    # One transaction for the answer, its session and its conversation message (issue 14: three
    # commits before, each a disk flush on SQLite).
    with transaction.atomic():
        message, _ = ChatMessage.objects.update_or_create(
            session=plan.session,
            index=plan.answer_index,
            defaults={
                "organization": plan.session.organization,
                "role": MessageRole.ASSISTANT,
                "content": content,
                "question": plan.question.content,
                "rewritten_query": plan.rewrite.query if plan.rewrite.method != "none" else "",
                "confidence": round(confidence, 4),
                "sources": sources,
                "retrieval": plan.details,
                "mode": mode,
                "handoff_offered": handoff,
                "interrupted": interrupted,
                "model": plan.model if mode == AnswerMode.LLM or plan.details.get("draft") else "",
                "latency_ms": _elapsed_ms(plan),
            },
        )
        ChatSession.objects.filter(pk=plan.session.pk).update(last_message_at=now, updated_at=now)
        answer_message_record(answer=message)
    return message


def finish_fallback(plan: AnswerPlan, *, confidence: float | None = None) -> ChatAnswer:
    chatbot = plan.chatbot
    message = _save(
        plan,
        content=chatbot.organization.error_message,
        mode=AnswerMode.FALLBACK,
        confidence=plan.relevance if confidence is None else confidence,
        sources=[],
        handoff=chatbot.handoff_enabled,
    )
    return ChatAnswer(session=plan.session, message=message)


def finish_retrieval_only(plan: AnswerPlan, *, error: Exception | str | None = None) -> ChatAnswer:
    if error is not None:
        plan.details["ollama_error"] = str(getattr(error, "message", error))[:500]
    if not any(declines.is_relevant(chunk) for chunk in plan.chunks):
        # No model to judge: passages are shown only when the best one answers (knowledge.declines).
        plan.details["declined"] = "best passage not relevant"
        return finish_fallback(plan)
    chunks = plan.chunks[:RETRIEVAL_ONLY_PASSAGES]
    sources = [source_payload(n, chunk) for n, chunk in enumerate(chunks, start=1)]
    passages = [
        f"[{s['index']}] {s['title']}: {s['snippet']}" if s["title"] else f"[{s['index']}] {s['snippet']}"
        for s in sources
    ]
    content = "\n\n".join([RETRIEVAL_ONLY_NOTICE, *passages])
    message = _save(
        plan,
        content=content,
        mode=AnswerMode.RETRIEVAL_ONLY,
        confidence=plan.relevance,
        sources=sources,
        handoff=plan.chatbot.handoff_enabled,
    )
    return ChatAnswer(session=plan.session, message=message)


def finish_early(plan: AnswerPlan) -> ChatAnswer:
    if plan.early_mode == AnswerMode.RETRIEVAL_ONLY:
        return finish_retrieval_only(plan)
    return finish_fallback(plan)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORDS.findall(text or "")]
    n = LEAK_SHINGLE_WORDS
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def leaks_instructions(answer: str, plan: AnswerPlan) -> bool:
    """Does the answer repeat the system instructions (and not because a source says the same)?"""
    system = plan.messages[0]["content"] if plan.messages else ""
    leaked = _shingles(answer) & _shingles(system)
    if not leaked:
        return False
    sources = set()
    for source in plan.prompt_sources:
        sources |= _shingles(source_body(source))
    return bool(leaked - sources)


def finish_llm(
    plan: AnswerPlan, text: str, *, interrupted: bool = False, final: bool = True, stats: dict | None = None
) -> ChatAnswer:
    """Judge the model's answer and store it. ``final=False`` (the client went away mid-stream)
    stores what was produced as it is."""
    chatbot = plan.chatbot
    source_texts = [source_body(source) for source in plan.prompt_sources]
    ground = grounding_.grounding(text, source_texts)
    cited_scores = [plan.relevance_scores[n - 1] for n in ground.cited]
    relevance = grounding_.relevance(cited_scores) if cited_scores else plan.relevance
    confidence = grounding_.confidence(relevance_score=relevance, ground=ground)
    plan.details["grounding"] = ground.as_dict()
    plan.details["timings_ms"]["total"] = _elapsed_ms(plan)
    if stats:
        plan.details["ollama"] = {k: v for k, v in stats.items() if v is not None}
    leak = leaks_instructions(text, plan)
    if final and (leak or confidence < chatbot.confidence_threshold or not text.strip()):
        plan.details["draft"] = text
        plan.details["replaced_because"] = "instructions_leak" if leak else "low_confidence"
        answer = finish_fallback(plan, confidence=0.0 if leak else confidence)
        answer.replaced = True
        return answer
    sources = [
        source_payload(n, chunk, cited=n in ground.cited) for n, chunk in enumerate(plan.chunks, start=1)
    ]
    message = _save(
        plan,
        content=text.strip(),
        mode=AnswerMode.LLM,
        confidence=confidence,
        sources=sources,
        handoff=False,
        interrupted=interrupted,
    )
    return ChatAnswer(session=plan.session, message=message)


def answer_now(plan: AnswerPlan) -> ChatAnswer:
    if plan.early_mode:
        return finish_early(plan)
    llm_started = time.perf_counter()
    try:
        result = ollama.chat(plan.messages, model=plan.model, host=plan.host, options=plan.options)
    except ollama.OllamaError as exc:
        logger.info("chatbot %s answers from retrieval only: %s", plan.chatbot.pk, exc)
        return finish_retrieval_only(plan, error=exc)
    plan.details["timings_ms"]["llm"] = round((time.perf_counter() - llm_started) * 1000, 2)
    return finish_llm(plan, result.get("content") or "", stats=result)
