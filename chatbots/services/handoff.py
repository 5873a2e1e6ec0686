"""Hand-off inside the conversation: a person takes over the SAME conversation the bot answered.

``conversation_request_human`` runs when the visitor asks for a person (a phrase or the widget's
button), when the bot is not confident enough, or when the old escalation endpoint is called.
It assigns the conversation by its team's rules (the chatbot's hand-off team if it has one,
else the team it already has: round robin with caps picks the agent), adds the AI summary of
the exchange as an internal note, and tells the visitor a person is coming (outside the team's
business hours, or the organization's default ones when the team has none: when they are back,
and to leave an email). From then on the bot is silent.
Running it twice hands off once.

An agent may also take over without being asked: assigning the conversation to a person or
replying in it silences the bot at once (``conversation_bot``), and ``conversation_agent_takeover``
then adds the same AI summary note (no notice: the agent is there), so whoever picks up a bot's
conversation reads what was said. With Ollama unreachable the summary is extractive."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from chatbots.models import ChatMessage, ChatSession, MessageRole, SessionStatus
from chatbots.services.escalation import chat_summary, transcript
from conversations.business_time import add_business_minutes
from conversations.models import Conversation, Message, SenderType
from conversations.services.activity import actor_name
from conversations.services.assignment import conversation_assign_team, round_robin_assign
from conversations.services.messages import message_create
from conversations.services.sla import schedule_for
from helpdesk.models import Membership, Team

HANDOFF_META = "handoff"
_HUMAN_REQUEST = re.compile(
    r"\b(?:talk|speak|chat|connect me|put me through)\b.{0,20}\b(?:to|with)\b.{0,15}"
    r"\b(?:a |an |the |real |live )*(?:person|human|agent|someone|somebody|representative|operator)\b"
    r"|\b(?:human|real person|live agent|live person)\b\s*(?:please|pls)?\s*[.!?]*$",
    re.IGNORECASE,
)
IN_HOURS_NOTICE = "Thanks! I'm passing you to a person from our team. They will reply here shortly."
NOBODY_ONLINE_NOTICE = (
    "Thanks! I've passed your question to our team; a person will reply here as soon as one is free."
)
OUT_OF_HOURS_NOTICE = (
    "Thanks! Our team is away right now and will be back {back}. "
    "Leave your email address here and a person will answer you then."
)


@dataclass
class HandOff:
    conversation: Conversation
    summary_method: str
    already: bool = False


def asks_for_human(text: str) -> bool:
    """Does the visitor ask for a person ("can I talk to a human?", "agent please")?"""
    return bool(_HUMAN_REQUEST.search(" ".join(str(text or "").split())))


def is_handed_off(conversation: Conversation) -> bool:
    return Message.objects.filter(
        conversation=conversation, sender_type=SenderType.SYSTEM, meta__handoff=True
    ).exists()


def _hours_of(conversation: Conversation, team: Team | None):
    """The team's business hours, else the organization's default ones (None: always open)."""
    if team is not None and team.business_hours_id:
        return team.business_hours
    organization = conversation.organization
    return organization.default_business_hours if organization.default_business_hours_id else None


def _back_at(schedule, now: datetime) -> datetime | None:
    """None while the schedule is open (or there is none); else when it opens."""
    if schedule is None:
        return None
    opens = add_business_minutes(now, 0, schedule)
    return None if opens is None or opens <= now else opens


def _back_text(opens: datetime, schedule) -> str:
    local = opens.astimezone(schedule.timezone)
    return f"on {local:%A} at {local:%H:%M} ({schedule.timezone.key})"


def _session_for(conversation: Conversation) -> ChatSession | None:
    return (
        ChatSession.objects.select_related(
            "chatbot__organization", "chatbot__handoff_team", "created_by__user"
        )
        .filter(conversation=conversation)
        .order_by("-id")
        .first()
    )


def conversation_request_human(
    *, conversation: Conversation, reason: str = "requested", now: datetime | None = None
) -> HandOff:
    """Hand the conversation over to a person (see the module's docstring). ``reason``:
    ``requested`` (the visitor asked), ``low_confidence`` or ``escalated`` (the chat API)."""
    if is_handed_off(conversation):
        return HandOff(conversation=conversation, summary_method="", already=True)
    session = _session_for(conversation)
    summary, method = "", ""
    if session is not None:  # summarize outside any lock: the model may take a while
        records = list(ChatMessage.objects.filter(session=session).order_by("index"))
        summary, method = chat_summary(session, records, transcript(session, records))
    now = now or timezone.now()
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("assigned_team__business_hours", "organization__default_business_hours")
            .get(pk=conversation.pk)
        )
        if is_handed_off(conversation):
            return HandOff(conversation=conversation, summary_method="", already=True)
        team = (
            session.chatbot.handoff_team if session is not None and session.chatbot.handoff_team_id else None
        )
        if team is not None and team.pk != conversation.assigned_team_id:
            conversation = conversation_assign_team(conversation=conversation, team=team, actor=None)
        elif conversation.assigned_agent_id is None:
            round_robin_assign(conversation=conversation)
        team = conversation.assigned_team
        if summary:
            _summary_note(conversation, session, summary)
        schedule = schedule_for(_hours_of(conversation, team))
        back_at = _back_at(schedule, now)
        if back_at is not None:
            notice = OUT_OF_HOURS_NOTICE.format(back=_back_text(back_at, schedule))
        elif conversation.assigned_agent_id is None and team is not None:
            notice = NOBODY_ONLINE_NOTICE
        else:
            notice = IN_HOURS_NOTICE
        message = message_create(
            conversation=conversation, content=notice, actor=None, sender_type=SenderType.SYSTEM
        )
        Message.objects.filter(pk=message.pk).update(
            meta={**message.meta, HANDOFF_META: True, "reason": reason, "out_of_hours": back_at is not None}
        )
        _session_escalated(session, conversation, now)
    return HandOff(conversation=conversation, summary_method=method)


def _summary_note(
    conversation: Conversation, session: ChatSession, summary: str, *, heading: str = ""
) -> Message:
    heading = heading or f"AI summary of the chat with {session.chatbot.name}:"
    return message_create(
        conversation=conversation,
        content=f"{heading}\n\n{summary}",
        actor=None,
        sender_type=SenderType.SYSTEM,
        private=True,
    )


def _session_escalated(session: ChatSession | None, conversation: Conversation, now: datetime) -> None:
    if session is not None and session.status != SessionStatus.ESCALATED:
        ChatSession.objects.filter(pk=session.pk).update(
            status=SessionStatus.ESCALATED,
            escalated_conversation_uuid=conversation.uuid,
            escalated_at=now,
            updated_at=now,
        )


def conversation_agent_takeover(
    *, conversation: Conversation, agent: Membership | None = None, now: datetime | None = None
) -> HandOff:
    """An agent took a bot's conversation over (assigned a person, or replied): add the AI summary
    of the chat as an internal note, once. Nothing happens for a conversation no bot chatted in or
    one handed off already. Safe to run twice."""
    session = _session_for(conversation)
    if session is None or is_handed_off(conversation):
        return HandOff(conversation=conversation, summary_method="", already=True)
    records = list(ChatMessage.objects.filter(session=session).order_by("index"))
    if not any(record.role == MessageRole.USER for record in records):
        return HandOff(conversation=conversation, summary_method="", already=True)
    summary, method = chat_summary(session, records, transcript(session, records))  # outside the lock
    now = now or timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
        if is_handed_off(conversation):
            return HandOff(conversation=conversation, summary_method="", already=True)
        who = f" ({actor_name(agent)} took over)" if agent is not None else ""
        note = _summary_note(
            conversation,
            session,
            summary,
            heading=f"AI summary of the chat with {session.chatbot.name}{who}:",
        )
        Message.objects.filter(pk=note.pk).update(
            meta={**note.meta, HANDOFF_META: True, "reason": "agent_takeover", "summary_method": method}
        )
        _session_escalated(session, conversation, now)
    return HandOff(conversation=conversation, summary_method=method)
