"""Chat sessions after the answers: rating (SysAid ``chat/rate``), resolving, deleting, and
queuing the escalation to a person (``chat/sessions/{id}/escalate``, a long operation)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from chatbots.models import ChatMessage, ChatSession, MessageRole, SessionStatus
from helpdesk import events
from helpdesk.errors import DomainError
from helpdesk.models import Operation
from helpdesk.services import operations as operation_services

ESCALATION_KIND = "chat.escalate"
RATINGS = (-1, 0, 1)


class SessionError(DomainError):
    pass


def _rating(value) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        raise SessionError("rate must be -1, 0 or 1.", field="rate")
    if rating not in RATINGS or (isinstance(value, float) and value != rating):
        raise SessionError("rate must be -1, 0 or 1.", field="rate")
    return rating


def answer_at(*, session: ChatSession, index) -> ChatMessage:
    """The answer at position ``index`` of ``session`` (404 when there is none)."""
    try:
        position = int(index)
    except (TypeError, ValueError):
        raise SessionError("index must be a whole number.", field="index")
    if position < 0:
        raise SessionError("index must be 0 or more.", field="index")
    message = ChatMessage.objects.filter(session=session, index=position).first()
    if message is None:
        raise SessionError("This session has no message at that index.", field="index", code="not_found")
    if message.role != MessageRole.ASSISTANT:
        raise SessionError("Only answers can be rated and reviewed; this index is a question.", field="index")
    return message


def chat_rate(*, session: ChatSession, index, rate) -> ChatMessage:
    rating = _rating(rate)
    message = answer_at(session=session, index=index)
    message.rating = rating
    message.rated_at = timezone.now()
    message.save(update_fields=["rating", "rated_at", "updated_at"])
    if session.conversation_id:  # an internal event (not a webhook's): the reports' rollup follows it
        events.emit(
            session.organization,
            "chat.rated",
            {"conversation_id": session.conversation_id, "index": message.index, "rating": rating},
        )
    return message


def chat_resolve(*, session: ChatSession) -> ChatSession:
    """The user's problem is solved (SysAid ``chat/resolve``). Safe to call twice."""
    if session.status != SessionStatus.RESOLVED:
        session.status = SessionStatus.RESOLVED
        session.resolved_at = timezone.now()
        session.save(update_fields=["status", "resolved_at", "updated_at"])
    return session


def chat_session_delete(*, session: ChatSession) -> None:
    """Delete the session and its messages (verified answers made from it stay in the KB)."""
    session.delete()


def _queue_escalation(operation: Operation) -> None:
    from chatbots import tasks  # tasks import services: import lazily
    from helpdesk import jobs

    jobs.enqueue_on_commit(tasks.chat_session_escalate, str(operation.pk), operation=operation)


@transaction.atomic
def chat_escalate(*, session: ChatSession, membership=None) -> Operation:
    """Queue the hand-off of ``session`` to a person: a job (``Operation`` of kind
    ``chat.escalate``) hands the session's conversation to a person with an AI summary. Asking again
    while the job runs returns the same operation; an escalated session cannot be escalated twice."""
    session = (
        ChatSession.objects.select_for_update(of=("self",))
        .select_related("escalation_operation")
        .get(pk=session.pk)
    )
    if session.status == SessionStatus.ESCALATED:
        raise SessionError(
            f"This chat was escalated already; its conversation is {session.escalated_conversation_uuid}.",
            code="conflict",
            extra={"conversation_uuid": str(session.escalated_conversation_uuid)},
        )
    running = session.escalation_operation
    if running is not None and not running.is_finished:
        return running
    if not ChatMessage.objects.filter(session=session).exists():
        raise SessionError("This chat has no messages to hand over yet.")
    operation = operation_services.operation_create(
        organization=session.organization,
        kind=ESCALATION_KIND,
        total=3,
        message="Queued",
        params={"session_id": str(session.session_id)},
        target_type="chat_session",
        target_id=str(session.session_id),
        created_by=membership,
    )
    session.escalation_operation = operation
    session.save(update_fields=["escalation_operation", "updated_at"])
    _queue_escalation(operation)
    return operation
