"""The bot as a participant of conversations.

A ``message.created`` event of a contact's message in a ``web``, ``api`` or ``email`` inbox queues
``conversation_bot_answer`` (queue ``ai``). The bot answers while the conversation is
bot-handled: its inbox has an active ``InboxBot`` with an active chatbot, nobody is assigned, no
agent has replied and it was not handed off. The answer streams to the conversation's real-time
topic (``message.delta``, live only) and is then stored as a ``bot`` message (``message.created``)
whose AI record (sources, confidence, mode, rating…) is a ``ChatMessage`` of the conversation's
chat session. Private notes, agents', system and bot messages are never answered; answering the
same message twice posts one answer. An email inbox follows its mailbox's ``bot_mode``:
``answer`` mails the answer, ``draft`` (the default) posts it as a private note for an agent
to send, ``off`` keeps the bot out.

Chat sessions of the chat API (``chat/message``) carry a conversation too: their questions and
answers are mirrored as contact and bot messages by ``question_message_link`` and
``answer_message_record``."""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar

from django.db import transaction
from django.utils import timezone

from chatbots.models import ChatMessage, ChatSession, InboxBot, MessageRole
from chatbots.models.chat import AnswerMode
from conversations.content import sanitize
from conversations.models import BotMode, Channel, Conversation, Mailbox, Message, MessageType, SenderType
from helpdesk import jobs

logger = logging.getLogger(__name__)

BOT_CHANNELS = (Channel.WEB, Channel.API, Channel.EMAIL)
# Sessions the bot opened for a conversation (not by the chat API, which answers by itself).
CONVERSATION_CONTEXT = "conversation_bot"
# Uuids of the messages ``question_message_link`` just mirrored: the chat API request that asked
# answers them itself, so their ``message.created`` queues no ``conversation_bot_answer`` (a job
# that would only find the question taken; issue 14). Consumed by the event, in this context.
_CHAT_API_QUESTIONS: ContextVar[frozenset[str]] = ContextVar("chat_api_questions", default=frozenset())


def publish_delta(*, conversation: Conversation, data: dict) -> None:
    """Push a live-only token delta to the conversation's viewers (agents and its visitor)."""
    from helpdesk import realtime

    realtime.publish(
        organization_id=conversation.organization_id,
        topics=[realtime.conversation_topic(conversation.uuid)],
        event="message.delta",
        data={"conversation_uuid": str(conversation.uuid), **data},
        durable=False,
    )


def _agent_replied(conversation: Conversation) -> bool:
    return Message.objects.filter(
        conversation=conversation, sender_type=SenderType.AGENT, private=False, type=MessageType.OUTGOING
    ).exists()


def conversation_bot(conversation: Conversation) -> InboxBot | None:
    """The bot answering ``conversation`` now, or None when a person has it (assigned, an agent
    replied, handed off) or its inbox has no active bot."""
    from chatbots.services.handoff import is_handed_off

    if conversation.assigned_agent_id is not None or conversation.merged_into_id is not None:
        return None
    inbox_bot = (
        InboxBot.objects.select_related("chatbot__organization", "inbox")
        .filter(inbox_id=conversation.inbox_id, is_active=True, chatbot__is_active=True)
        .first()
    )
    if inbox_bot is None or inbox_bot.inbox.channel not in BOT_CHANNELS:
        return None
    if inbox_bot.inbox.channel == Channel.EMAIL and email_bot_mode(inbox_bot.inbox_id) == BotMode.OFF:
        return None
    if _agent_replied(conversation) or is_handed_off(conversation):
        return None
    return inbox_bot


def email_bot_mode(inbox_id: int) -> str:
    """What the bot does in an email inbox (its mailbox's ``bot_mode``; draft without one)."""
    mode = Mailbox.objects.filter(inbox_id=inbox_id).values_list("bot_mode", flat=True).first()
    return mode or BotMode.DRAFT


def on_message_created(organization, name: str, payload: dict) -> None:
    """``message.created`` subscriber: queue an answer for a contact's public message."""
    from chatbots import tasks

    if payload.get("sender_type") != SenderType.CONTACT or payload.get("private"):
        return
    if payload.get("type") != MessageType.INCOMING or payload.get("inbox_channel") not in BOT_CHANNELS:
        return
    asked_here = _CHAT_API_QUESTIONS.get()
    if payload["uuid"] in asked_here:
        _CHAT_API_QUESTIONS.set(asked_here - {payload["uuid"]})
        return
    jobs.enqueue_on_commit(tasks.conversation_bot_answer, payload["uuid"])


def on_agent_takeover(organization, name: str, payload: dict) -> None:
    """``conversation.updated`` (a person assigned) and ``message.created`` (an agent's public
    reply) subscriber: queue the takeover summary when a bot chatted in the conversation."""
    from chatbots import tasks

    if name == "message.created":
        if payload.get("sender_type") != SenderType.AGENT or payload.get("private"):
            return
        if payload.get("type") != MessageType.OUTGOING or payload.get("inbox_channel") not in BOT_CHANNELS:
            return
        conversation_uuid, agent_id = payload["conversation_uuid"], payload.get("sender_id")
    else:
        agent_id = (payload.get("changes") or {}).get("assigned_user_id")
        if agent_id is None:
            return
        conversation_uuid = payload["uuid"]
    if ChatSession.objects.filter(
        organization_id=organization.pk, conversation__uuid=conversation_uuid
    ).exists():
        jobs.enqueue_on_commit(tasks.conversation_takeover_summary, conversation_uuid, agent_id)


def _record_question(message: Message) -> tuple[ChatSession, ChatMessage, int] | None:
    """Take ``message`` as the question of the conversation's bot session (under the
    conversation's lock). None when the bot must not answer it."""
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    existing = (
        ChatMessage.objects.select_related("session__chatbot__organization").filter(message=message).first()
    )
    if existing is not None:
        session = existing.session
        answered = ChatMessage.objects.filter(
            session=session, index=existing.index + 1, message__isnull=False
        ).exists()
        if answered or not session.context.get(CONVERSATION_CONTEXT):
            return None  # answered already, or the chat API is answering it itself
        if conversation_bot(conversation) is None:
            return None
        return session, existing, existing.index + 1  # a retry after a crash
    inbox_bot = conversation_bot(conversation)
    if inbox_bot is None:
        return None
    chatbot = inbox_bot.chatbot
    session = (
        ChatSession.objects.select_for_update()
        .filter(conversation=conversation, chatbot=chatbot, context__conversation_bot=True)
        .first()
    )
    now = timezone.now()
    if session is None:
        contact = conversation.contact
        session = ChatSession.objects.create(
            organization=conversation.organization,
            chatbot=chatbot,
            conversation=conversation,
            username=(contact.email or contact.full_name or "")[:254],
            title=" ".join(message.text_content.split())[:120],
            context={CONVERSATION_CONTEXT: True},
        )
    index = session.message_count
    question = ChatMessage.objects.create(
        organization=conversation.organization,
        session=session,
        index=index,
        role=MessageRole.USER,
        content=message.text_content[:20000],
        message=message,
    )
    session.message_count, session.last_message_at = index + 2, now
    session.save(update_fields=["message_count", "last_message_at", "updated_at"])
    session.chatbot = chatbot
    return session, question, index + 1


def conversation_bot_answer(*, message: Message) -> Message | None:
    """Answer a contact's ``message`` in its conversation when the bot handles it; returns the
    bot's message (None when it stays silent or hands off). Safe to run twice."""
    from chatbots.services.answer_plan import plan_answer
    from chatbots.services.answer_stream import ChatAnswerStream
    from chatbots.services.handoff import asks_for_human, conversation_request_human

    if message.sender_type != SenderType.CONTACT or message.private or message.type != MessageType.INCOMING:
        return None
    started = time.perf_counter()
    with transaction.atomic():
        recorded = _record_question(message)
    if recorded is None:
        return None
    session, question, answer_index = recorded
    conversation = message.conversation
    if asks_for_human(question.content):
        conversation_request_human(conversation=conversation, reason="requested")
        return None
    plan = plan_answer(session=session, question=question, answer_index=answer_index, started=started)
    stream = ChatAnswerStream(plan)
    for event, data in stream:
        if event == "token":
            publish_delta(
                conversation=conversation,
                data={"reply_to": str(message.uuid), "index": answer_index, "token": data["token"]},
            )
    answer = stream.answer
    if answer is None:
        return None
    record = ChatMessage.objects.select_related("message").get(pk=answer.message.pk)
    if record.mode == AnswerMode.FALLBACK and record.handoff_offered and session.chatbot.handoff_enabled:
        conversation_request_human(conversation=conversation, reason="low_confidence")
    return record.message


def answer_message_record(*, answer: ChatMessage) -> Message | None:
    """Post a stored answer as the bot's message of its session's conversation (once). A bot
    session's answer is dropped when a person took the conversation over meanwhile."""
    from conversations.services.messages import message_create

    session = answer.session
    if session.conversation_id is None or not (answer.content or "").strip():
        return None
    with transaction.atomic():
        locked = (
            ChatMessage.objects.select_for_update().values_list("message_id", flat=True).get(pk=answer.pk)
        )
        if locked is not None:
            return Message.objects.get(pk=locked)
        # Read again, not the request's copy: an agent may have taken the conversation meanwhile.
        conversation = Conversation.objects.select_related("inbox", "contact", "organization").get(
            pk=session.conversation_id
        )
        if session.context.get(CONVERSATION_CONTEXT) and conversation_bot(conversation) is None:
            return None
        if (
            conversation.inbox.channel == Channel.EMAIL
            and email_bot_mode(conversation.inbox_id) == BotMode.DRAFT
        ):
            message = message_create(
                conversation=conversation,
                content=f"<p><strong>Suggested reply by the bot</strong> (not sent):</p>{sanitize(answer.content)[0]}",
                actor=None,
                sender_type=SenderType.SYSTEM,
                private=True,
            )
        else:
            message = message_create(
                conversation=conversation, content=answer.content, actor=None, sender_type=SenderType.BOT
            )
        ChatMessage.objects.filter(pk=answer.pk).update(message=message)
        answer.message = message
    return message


def question_message_link(*, session: ChatSession, question: ChatMessage) -> None:
    """Mirror a chat API question as the contact's message of the session's conversation,
    opening the conversation (in the organization's ``api`` inbox, the contact from the member
    or visitor who chats) with the first question."""
    from chatbots.services.escalation import chat_contact
    from conversations.services.conversations import conversation_create
    from conversations.services.defaults import default_inbox
    from conversations.services.messages import message_create

    if session.conversation_id is None:
        email, first_name, last_name = chat_contact(session)
        conversation = conversation_create(
            organization=session.organization,
            contact_email=email,
            first_name=first_name,
            last_name=last_name,
            content=question.content,
            subject=f"Chat with {session.chatbot.name}: {session.title}"[:200],
            initiator="contact",
            inbox=default_inbox(session.organization),
            custom_attributes={"chat_session_id": str(session.session_id), "chatbot_id": session.chatbot_id},
        )
        ChatSession.objects.filter(pk=session.pk).update(conversation=conversation)
        session.conversation = conversation
        message = conversation.messages.filter(sender_type=SenderType.CONTACT).order_by("id").first()
    else:
        message = message_create(
            conversation=session.conversation,
            content=question.content,
            actor=None,
            sender_type=SenderType.CONTACT,
        )
    _CHAT_API_QUESTIONS.set(_CHAT_API_QUESTIONS.get() | {str(message.uuid)})
    ChatMessage.objects.filter(pk=question.pk).update(message=message)
    question.message = message
