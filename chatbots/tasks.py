"""Celery tasks of the chatbots app (queue ``ai``): thin, they take ids and call services."""

from __future__ import annotations

from celery import shared_task

from chatbots.models import Training
from helpdesk.models import Operation


@shared_task(ignore_result=True)
def run_training(training_id: str, operation_id: str | None = None) -> None:
    """Run a training job (rag indexing or modelfile creation). Safe to run twice. Its
    ``operation_id`` lets the base task keep the operation alive and fail it when it gives up."""
    from chatbots.services.training import training_run

    training = (
        Training.objects.select_related("chatbot__organization", "organization", "operation")
        .filter(training_id=training_id)
        .first()
    )
    if training is not None:  # deleted with its chatbot meanwhile
        training_run(training=training)


@shared_task(ignore_result=True)
def chat_session_escalate(operation_id: str) -> None:
    """Hand a chat session over to a person (creates the conversation). Safe to run twice."""
    from chatbots.services.escalation import chat_escalation_run

    operation = (
        Operation.objects.select_related("organization", "created_by__user").filter(pk=operation_id).first()
    )
    if operation is not None and not operation.is_finished:
        chat_escalation_run(operation=operation)


@shared_task(ignore_result=True)
def conversation_bot_answer(message_uuid: str) -> None:
    """The bot answers a contact's message in its conversation (when it handles it). Safe to
    run twice: one answer per message."""
    from chatbots.services.conversation_bot import conversation_bot_answer as answer
    from conversations.models import Message

    message = (
        Message.objects.select_related("conversation__inbox", "conversation__organization")
        .filter(uuid=message_uuid)
        .first()
    )
    if message is not None:
        answer(message=message)


@shared_task(ignore_result=True)
def conversation_takeover_summary(conversation_uuid: str, agent_id: int | None = None) -> None:
    """An agent took a bot's conversation over: the AI summary note, once. Safe to run twice."""
    from chatbots.services.handoff import conversation_agent_takeover
    from conversations.models import Conversation
    from helpdesk.models import Membership

    conversation = Conversation.objects.select_related("organization").filter(uuid=conversation_uuid).first()
    if conversation is None:
        return
    agent = (
        Membership.objects.select_related("user")
        .filter(organization_id=conversation.organization_id, pk=agent_id)
        .first()
        if agent_id
        else None
    )
    conversation_agent_takeover(conversation=conversation, agent=agent)
