"""The RAG answerer: ``chat_answer`` answers a question in a chat session, from the bot's own
sources only, with ``[n]`` citations, a confidence, and the honest alternatives:

* no relevant source, or a confidence below the bot's threshold: the organization's fallback
  message (``error_message``) and ``handoff_offered`` instead of a guess (mode ``fallback``);
* Ollama unreachable, too slow, or failing: the best passages with their sources, clearly marked
  (mode ``retrieval_only``) instead of an error.

The question is stored first (it keeps its position in the session even if answering fails), the
answer's position is reserved with it; ``stream=True`` returns a ``ChatAnswerStream`` of events
instead of the finished answer."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chatbots.models import ChatMessage, ChatSession, MessageRole, SessionStatus
from chatbots.models.chat import AnswerMode
from chatbots.services import grounding as grounding_
from chatbots.services.prompting import PromptSource, answer_messages, neutralize, source_body, system_message
from chatbots.services.scope import Rewrite, bot_scope, bot_sources, rewrite_query
from helpdesk import ollama
from helpdesk.errors import DomainError

logger = logging.getLogger(__name__)

SNIPPET_CHARS = 300
RETRIEVAL_ONLY_PASSAGES = 3
RETRIEVAL_ONLY_NOTICE = (
    "The AI model is not available right now, so I cannot write an answer. "
    "These passages from our documentation look most relevant:"
)
LEAK_SHINGLE_WORDS = 6
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


class ChatError(DomainError):
    pass


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


# --- the question ---------------------------------------------------------------------------------


def clean_question(text) -> str:
    text = str(text or "").strip()
    if not text:
        raise ChatError("Write a question first.", field="message")
    if len(text) > settings.CHATBOT_MAX_MESSAGE_CHARS:
        raise ChatError(
            f"A message can have at most {settings.CHATBOT_MAX_MESSAGE_CHARS} characters.", field="message"
        )
    return text


@transaction.atomic
def chat_question_record(
    *,
    chatbot,
    message: str,
    session: ChatSession | None = None,
    membership=None,
    username: str = "",
    context: dict | None = None,
) -> tuple[ChatSession, ChatMessage, int]:
    """Store a question (opening a session when none is given) and reserve its answer's position.
    Returns (session, question, answer_index)."""
    text = clean_question(message)
    if not chatbot.is_active:
        raise ChatError("This chatbot is switched off.", code="conflict")
    now = timezone.now()
    if session is None:
        session = ChatSession.objects.create(
            organization=chatbot.organization,
            chatbot=chatbot,
            created_by=membership,
            username=(membership.user.email if membership is not None else username)[:254],
            title=" ".join(text.split())[:120],
            context=context or {},
        )
    else:
        if session.chatbot_id != chatbot.pk:
            raise ChatError("This session belongs to another chatbot.", field="session_id")
        session = ChatSession.objects.select_for_update().select_related("chatbot").get(pk=session.pk)
        if context:
            session.context = {**session.context, **context}
    index = session.message_count
    question = ChatMessage.objects.create(
        organization=chatbot.organization,
        session=session,
        index=index,
        role=MessageRole.USER,
        content=text,
    )
    session.message_count = index + 2  # the answer's position is reserved with the question
    session.last_message_at = now
    if session.status == SessionStatus.RESOLVED:
        session.status, session.resolved_at = SessionStatus.OPEN, None
    session.save()
    session.chatbot = chatbot
    return session, question, index + 1


def pending_question(*, session: ChatSession) -> ChatMessage | None:
    """The latest question of ``session`` that has no answer yet (SysAid's stream flow)."""
    last_question = (
        ChatMessage.objects.filter(session=session, role=MessageRole.USER).order_by("-index").first()
    )
    if last_question is None:
        return None
    answered = ChatMessage.objects.filter(session=session, index=last_question.index + 1).exists()
    return None if answered else last_question


# --- planning ---------------------------------------------------------------------------------------


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
    except Exception as exc:  # the vector store being down must not break the chat: say so, hand off
        logger.exception("retrieval failed for chatbot %s", chatbot.pk)
        plan.details["retrieval_error"] = str(exc)[:300] or exc.__class__.__name__
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


# --- finishing --------------------------------------------------------------------------------------


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
    now = timezone.now()
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


# --- entry points -----------------------------------------------------------------------------------


def chat_answer(
    *,
    chatbot,
    message: str,
    session: ChatSession | None = None,
    membership=None,
    username: str = "",
    context: dict | None = None,
    stream: bool = False,
):
    """Answer ``message`` in ``session`` (a new session when None). Returns a ``ChatAnswer``, or
    with ``stream=True`` a ``ChatAnswerStream`` whose events end with the stored answer."""
    from chatbots.services.answer_stream import ChatAnswerStream

    started = time.perf_counter()
    session, question, answer_index = chat_question_record(
        chatbot=chatbot,
        message=message,
        session=session,
        membership=membership,
        username=username,
        context=context,
    )
    plan = plan_answer(session=session, question=question, answer_index=answer_index, started=started)
    return ChatAnswerStream(plan) if stream else answer_now(plan)


def chat_answer_pending(*, session: ChatSession, stream: bool = True):
    """Answer the session's latest unanswered question (``GET chat/stream/{sid}``)."""
    from chatbots.services.answer_stream import ChatAnswerStream

    started = time.perf_counter()
    question = pending_question(session=session)
    if question is None:
        raise ChatError("No question in this session is waiting for an answer.", code="conflict")
    if not session.chatbot.is_active:
        raise ChatError("This chatbot is switched off.", code="conflict")
    plan = plan_answer(session=session, question=question, answer_index=question.index + 1, started=started)
    return ChatAnswerStream(plan) if stream else answer_now(plan)
