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

import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chatbots.models import ChatMessage, ChatSession, MessageRole, SessionStatus
from chatbots.services.answer_finish import RETRIEVAL_ONLY_NOTICE, answer_now
from chatbots.services.answer_plan import ChatAnswer, plan_answer, source_payload
from chatbots.services.answer_stream import ChatAnswerStream
from chatbots.services.conversation_bot import question_message_link
from helpdesk.errors import DomainError

__all__ = [
    "RETRIEVAL_ONLY_NOTICE",
    "ChatAnswer",
    "ChatAnswerStream",
    "ChatError",
    "chat_answer",
    "chat_answer_pending",
    "chat_question_record",
    "pending_question",
    "source_payload",
]


class ChatError(DomainError):
    pass


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
    question_message_link(session=session, question=question)
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
    started = time.perf_counter()
    question = pending_question(session=session)
    if question is None:
        raise ChatError("No question in this session is waiting for an answer.", code="conflict")
    if not session.chatbot.is_active:
        raise ChatError("This chatbot is switched off.", code="conflict")
    plan = plan_answer(session=session, question=question, answer_index=question.index + 1, started=started)
    return ChatAnswerStream(plan) if stream else answer_now(plan)
