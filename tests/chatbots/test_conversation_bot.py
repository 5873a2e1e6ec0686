"""The bot as a participant: it answers contact messages of a bot-handled conversation inside
that conversation, and falls silent once a person has it."""

import pytest

from chatbots.models import ChatMessage
from chatbots.services.conversation_bot import conversation_bot_answer
from conversations.models import Message
from conversations.services.assignment import conversation_assign_agent
from conversations.services.messages import message_create
from tests.conversations.factories import make_conversation

pytestmark = pytest.mark.usefixtures("embedding_model")

QUESTION = "How many years does the warranty last?"


def bot_messages(conversation):
    return list(Message.objects.filter(conversation=conversation, sender_type="bot"))


def test_the_bot_answers_a_contact_message_in_the_conversation(org, web_inbox, fake_ollama, run_tasks):
    with run_tasks():
        conversation = make_conversation(org, content=QUESTION, inbox=web_inbox)

    [answer] = bot_messages(conversation)
    assert answer.type == "outgoing" and not answer.private and "two years" in answer.text_content
    record = ChatMessage.objects.get(message=answer)
    assert record.role == "assistant" and record.sources and record.confidence is not None
    assert ChatMessage.objects.get(role="user").message.text_content == QUESTION


def test_answering_the_same_message_twice_posts_one_answer(org, web_inbox, fake_ollama, run_tasks):
    with run_tasks():
        conversation = make_conversation(org, content=QUESTION, inbox=web_inbox)
    question = Message.objects.get(conversation=conversation, sender_type="contact")

    assert conversation_bot_answer(message=question) is None
    assert len(bot_messages(conversation)) == 1


def test_the_bot_is_silent_after_an_agent_is_assigned(org, agent, web_inbox, fake_ollama, run_tasks):
    conversation = make_conversation(org, content="Hello", inbox=web_inbox)
    conversation_assign_agent(conversation=conversation, agent=agent, actor=agent)

    with run_tasks():
        message_create(conversation=conversation, content=QUESTION, actor=None, sender_type="contact")

    assert bot_messages(conversation) == []


def test_the_bot_is_silent_after_an_agent_replied(org, agent, web_inbox, fake_ollama, run_tasks):
    conversation = make_conversation(org, content="Hello", inbox=web_inbox)
    message_create(conversation=conversation, content="I'm here", actor=agent)

    with run_tasks():
        message_create(conversation=conversation, content=QUESTION, actor=None, sender_type="contact")

    assert bot_messages(conversation) == []


def test_the_bot_never_answers_notes_or_its_own_messages(org, agent, web_inbox, fake_ollama, run_tasks):
    conversation = make_conversation(org, content="Hello", inbox=web_inbox)
    note = message_create(conversation=conversation, content=QUESTION, actor=agent, private=True)
    own = message_create(conversation=conversation, content="Hi!", actor=None, sender_type="bot")

    assert conversation_bot_answer(message=note) is None
    assert conversation_bot_answer(message=own) is None
    assert [m.pk for m in bot_messages(conversation)] == [own.pk]


def test_asking_for_a_person_hands_off_the_same_conversation(org, web_inbox, fake_ollama, run_tasks):
    with run_tasks():
        conversation = make_conversation(org, content="Can I talk to a human please?", inbox=web_inbox)

    assert bot_messages(conversation) == []
    notice = Message.objects.exclude(type="activity").get(
        conversation=conversation, sender_type="system", private=False
    )
    assert "person" in notice.text_content and notice.meta["handoff"] is True

    with run_tasks():
        message_create(conversation=conversation, content=QUESTION, actor=None, sender_type="contact")
    assert bot_messages(conversation) == []  # silent after the hand-off


@pytest.mark.parametrize(
    ("now", "in_hours"),
    [("2026-12-02T10:00:00+00:00", True), ("2026-12-05T10:00:00+00:00", False)],  # a Wednesday, a Saturday
)
def test_hand_off_assigns_by_round_robin_with_summary_and_notice(
    org, bot, web_inbox, fake_ollama, run_tasks, now, in_hours
):
    from datetime import datetime

    from chatbots.services.handoff import conversation_request_human
    from helpdesk.models import Availability, Role
    from helpdesk.models.team import AssignmentType
    from tests.conversations.factories import BusinessHoursFactory
    from tests.factories import MembershipFactory, TeamFactory

    team = TeamFactory(
        organization=org,
        conversation_assignment_type=AssignmentType.ROUND_ROBIN,
        business_hours=BusinessHoursFactory(organization=org),
    )
    member = MembershipFactory(organization=org, role=Role.AGENT, availability_status=Availability.ONLINE)
    member.teams.add(team)
    bot.handoff_team = team
    bot.save()
    with run_tasks():
        conversation = make_conversation(org, content=QUESTION, inbox=web_inbox)

    handoff = conversation_request_human(conversation=conversation, now=datetime.fromisoformat(now))

    conversation.refresh_from_db()
    assert conversation.assigned_team == team and conversation.assigned_agent == member
    note = Message.objects.exclude(type="activity").get(
        conversation=conversation, sender_type="system", private=True
    )
    assert note.text_content.startswith("AI summary of the chat") and handoff.summary_method
    notice = Message.objects.exclude(type="activity").get(
        conversation=conversation, sender_type="system", private=False
    )
    if in_hours:
        assert "shortly" in notice.text_content
    else:
        assert "back on Monday at 09:00" in notice.text_content and "email" in notice.text_content
    assert conversation_request_human(conversation=conversation).already is True


def test_a_chat_api_question_queues_no_conversation_answer_but_a_contact_message_does(
    admin_api, org, bot, fake_ollama, run_tasks, monkeypatch
):
    from chatbots import tasks
    from chatbots.services import conversation_bot

    queued = []
    monkeypatch.setattr(conversation_bot.jobs, "enqueue_on_commit", lambda task, *a: queued.append(task))
    with run_tasks():
        first = admin_api.post(
            "/api/v1/chat/message", {"message": QUESTION, "chatbot_id": bot.pk}, format="json"
        )
        follow_up = {"message": "And in Europe?", "session_id": first.json()["session_id"]}
        assert admin_api.post("/api/v1/chat/message", follow_up, format="json").status_code == 200

    # the chat API answered its own questions; both exchanges are in the session's conversation
    assert tasks.conversation_bot_answer not in queued
    [conversation] = {m.conversation for m in Message.objects.filter(sender_type="contact")}
    assert [m.sender_type for m in conversation.messages.exclude(type="activity").order_by("id")] == [
        "contact", "bot", "contact", "bot",
    ]  # fmt: skip
    with run_tasks():
        message_create(conversation=conversation, content=QUESTION, actor=None, sender_type="contact")
    assert queued.count(tasks.conversation_bot_answer) == 1
