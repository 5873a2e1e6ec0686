"""Planning an answer: everything decided before the model is asked. The question's history
(recent turns), the standalone query (``scope.rewrite_query``), the bot's own passages
(``scope.bot_sources``), the prompt, and whether the model is needed at all: no relevant source
or a relevance below the bot's threshold means the fallback, an unreachable Ollama the
retrieval-only answer."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from chatbots.models import ChatMessage, ChatSession, MessageRole
from chatbots.models.chat import AnswerMode
from chatbots.services import grounding as grounding_
from chatbots.services.prompting import PromptSource, answer_messages, neutralize, system_message
from chatbots.services.scope import Rewrite, bot_scope, bot_sources, rewrite_query
from helpdesk import ollama
from helpdesk.errors import BackendUnavailable, DomainError

logger = logging.getLogger(__name__)

SNIPPET_CHARS = 300


@dataclass
class AnswerPlan:
    """Everything decided before the model is asked."""

    session: ChatSession
    question: ChatMessage
    answer_index: int
    started: float
    host: str | None
    model: str
    options: dict
    rewrite: Rewrite
    chunks: list = field(default_factory=list)
    prompt_sources: list[PromptSource] = field(default_factory=list)
    relevance_scores: list[float] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    early_mode: str = ""  # fallback | retrieval_only: decided without asking the model
    ollama_error: str = ""
    details: dict = field(default_factory=dict)

    @property
    def chatbot(self):
        return self.session.chatbot

    @property
    def relevance(self) -> float:
        return grounding_.relevance(self.relevance_scores)


@dataclass
class ChatAnswer:
    session: ChatSession
    message: ChatMessage
    replaced: bool = False

    @property
    def response(self) -> str:
        return self.message.content

    def as_dict(self) -> dict[str, Any]:
        message = self.message
        return {
            "response": message.content,
            "session_id": str(self.session.session_id),
            "confidence": message.confidence,
            "sources": message.sources,
            "index": message.index,
            "mode": message.mode,
            "handoff_offered": message.handoff_offered,
            "replaced": self.replaced,
        }


def _history(session: ChatSession, before_index: int) -> list[ChatMessage]:
    limit = max(int(settings.CHATBOT_HISTORY_TURNS), 0) * 2
    if not limit:
        return []
    recent = ChatMessage.objects.filter(session=session, index__lt=before_index).exclude(content="")
    return list(reversed(recent.order_by("-index")[:limit]))


def _chunk_relevance(chunk) -> float:
    return float(chunk.vector_score if chunk.vector_score is not None else chunk.score)


def plan_answer(
    *, session: ChatSession, question: ChatMessage, answer_index: int, started: float
) -> AnswerPlan:
    chatbot, organization = session.chatbot, session.chatbot.organization
    ollama_error = ""
    try:
        host = ollama.resolve_endpoint(organization, chatbot.ollama_endpoint or None, field="ollama_endpoint")
    except DomainError as exc:  # an admin removed the bot's endpoint from the allowed list
        host, ollama_error = None, exc.message
    history = _history(session, question.index)
    previous = [m.content for m in history if m.role == MessageRole.USER]
    if ollama_error:
        rewrite = Rewrite(query=question.content, method="none")
    else:
        rewrite = rewrite_query(
            chatbot=chatbot, host=host, question=question.content, previous_questions=previous
        )
        if rewrite.ollama_error is not None:
            ollama_error = str(getattr(rewrite.ollama_error, "message", rewrite.ollama_error))
    plan = AnswerPlan(
        session=session,
        question=question,
        answer_index=answer_index,
        started=started,
        host=host,
        model=chatbot.answer_model,
        options={"temperature": chatbot.temperature, "num_predict": chatbot.max_tokens},
        rewrite=rewrite,
        ollama_error=ollama_error,
    )
    retrieval_started = time.perf_counter()
    try:
        plan.chunks = bot_sources(chatbot=chatbot, query=rewrite.query, scope=bot_scope(chatbot))
    except BackendUnavailable as exc:  # a backend being down must not break the chat: say so, hand off
        logger.warning("retrieval failed for chatbot %s: %s", chatbot.pk, exc.message)
        plan.details["retrieval_error"] = exc.message[:300]
    retrieval_ms = round((time.perf_counter() - retrieval_started) * 1000, 2)
    plan.prompt_sources = [
        PromptSource(
            number=n,
            text=chunk.text,
            title=chunk.title,
            section=chunk.section or "",
            page=chunk.page,
            kind=chunk.source_type,
        )
        for n, chunk in enumerate(plan.chunks, start=1)
    ]
    plan.relevance_scores = [_chunk_relevance(chunk) for chunk in plan.chunks]
    if not plan.chunks:
        plan.early_mode, reason = AnswerMode.FALLBACK, "no_sources"
    elif plan.relevance < chatbot.confidence_threshold:
        plan.early_mode, reason = AnswerMode.FALLBACK, "low_relevance"
    elif plan.ollama_error:
        plan.early_mode, reason = AnswerMode.RETRIEVAL_ONLY, "ollama_unavailable"
    else:
        reason = ""
    organization_message = organization.chat_system_message or ""
    plan.messages = answer_messages(
        system=system_message(
            assistant_name=chatbot.name,
            organization_name=organization.name,
            organization_message=organization_message,
            bot_prompt=chatbot.system_prompt,
        ),
        history=[(m.role, m.content) for m in history],
        sources=plan.prompt_sources,
        # The model's standalone rewrite says what a terse follow-up means; a keyword rewrite does not.
        question=rewrite.query if rewrite.method == "llm" else question.content,
    )
    plan.details.update(
        {
            "query": question.content,
            "rewritten_query": rewrite.query,
            "rewrite_method": rewrite.method,
            "candidates": [_candidate(n, chunk) for n, chunk in enumerate(plan.chunks, start=1)],
            "relevance": plan.relevance,
            "threshold": chatbot.confidence_threshold,
            "model": plan.model,
            "endpoint": host,
            "early_reason": reason,
            "timings_ms": {"rewrite": rewrite.elapsed_ms, "retrieval": retrieval_ms},
        }
    )
    if plan.ollama_error:
        plan.details["ollama_error"] = plan.ollama_error
    return plan


def _candidate(number: int, chunk) -> dict:
    return {
        "index": number,
        "source_type": chunk.source_type,
        "document_id": chunk.document_id,
        "kb_item_id": chunk.kb_item_id,
        "chunk_id": chunk.chunk_id,
        "title": chunk.title,
        "score": round(float(chunk.score), 4),
        "vector_score": None if chunk.vector_score is None else round(float(chunk.vector_score), 4),
        "keyword_score": None if chunk.keyword_score is None else round(float(chunk.keyword_score), 4),
        "verified": bool(chunk.verified),
        "category": chunk.category or "",
    }


def source_payload(number: int, chunk, *, cited: bool = False) -> dict:
    snippet = " ".join(neutralize(chunk.text).split())
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    return {
        "index": number,
        "source_type": chunk.source_type,
        "document_id": chunk.document_id,
        "kb_item_id": chunk.kb_item_id,
        "chunk_id": chunk.chunk_id,
        "title": chunk.title,
        "section": chunk.section or "",
        "page": chunk.page,
        "snippet": snippet,
        "score": round(_chunk_relevance(chunk), 4),
        "verified": bool(chunk.verified),
        "cited": cited,
    }
