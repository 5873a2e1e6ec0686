"""Answer monitoring (SysAid ``monitor/{session_id}/{index}``): admins mark answers read, correct
the question or the answer, and verify them. Verifying creates or updates a verified KB item
(``knowledge.services.kb_items.kb_item_verify``) and makes it a source of the bot, which the
retrieval ranks first: the next time the question is asked, the verified answer is what the bot
answers from. Setting the verification back to 0 takes the item away from the bot again."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from chatbots.models import ChatMessage
from chatbots.models.chat import AnswerMode
from chatbots.services.prompting import strip_citations
from helpdesk.errors import DomainError

MAX_QUESTION_CHARS = 500
MAX_ANSWER_CHARS = 20000
MAX_INDICATOR = 100


class MonitorError(DomainError):
    pass


def _indicator(value, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise MonitorError(f"{field} must be a whole number (0 or more).", field=field)
    if (
        isinstance(value, bool)
        or not 0 <= number <= MAX_INDICATOR
        or (isinstance(value, float) and value != number)
    ):
        raise MonitorError(f"{field} must be a whole number between 0 and {MAX_INDICATOR}.", field=field)
    return number


def _text(value, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise MonitorError(f"{field} can have at most {limit} characters.", field=field)
    return text


@transaction.atomic
def monitor_update(
    *,
    message: ChatMessage,
    membership=None,
    read_indicator=None,
    question=None,
    answer=None,
    verification_indicator=None,
) -> ChatMessage:
    from knowledge.models import KnowledgeSource
    from knowledge.services.kb_items import kb_item_verify

    message = ChatMessage.objects.select_for_update().select_related("session__chatbot").get(pk=message.pk)
    chatbot = message.session.chatbot
    if read_indicator is not None:
        message.read_indicator = _indicator(read_indicator, "read_indicator")
    if question is not None:
        message.corrected_question = _text(question, "question", MAX_QUESTION_CHARS)
    if answer is not None:
        message.corrected_answer = _text(answer, "answer", MAX_ANSWER_CHARS)
    if verification_indicator is not None:
        level = _indicator(verification_indicator, "verification_indicator")
        if level > 0:
            final_question = message.corrected_question or message.question
            final_answer = message.corrected_answer or (
                strip_citations(message.content) if message.mode == AnswerMode.LLM else ""
            )
            if not final_question.strip():
                raise MonitorError("This answer has no question to verify it for.", field="question")
            if not final_answer.strip():
                raise MonitorError(
                    "This answer is a fallback or a list of passages: write the correct answer to verify it.",
                    field="answer",
                )
            item = kb_item_verify(
                organization=message.organization,
                question=final_question,
                answer=final_answer,
                source=KnowledgeSource.MONITOR,
            )
            chatbot.verified_items.add(item)
            message.verified_item = item
        elif message.verified_item_id is not None:
            chatbot.verified_items.remove(message.verified_item_id)
            message.verified_item = None
        message.verification_indicator = level
    message.reviewed_by = membership
    message.reviewed_at = timezone.now()
    message.save()
    return message
