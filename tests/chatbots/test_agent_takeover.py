"""An agent takes a bot's conversation over (assigns a person, or replies in it): the bot falls
silent and the conversation gets the AI summary of the chat as an internal note, once; with
Ollama unreachable the summary is extractive. A visitor's own hand-off adds no second note."""

import pytest

from chatbots.models import ChatSession
from conversations.models import Message
from conversations.services.assignment import conversation_assign_agent
from conversations.services.messages import message_create
from tests.conversations.factories import InboxFactory, make_conversation

pytestmark = pytest.mark.usefixtures("embedding_model")

QUESTION = "How many years does the warranty last?"


@pytest.fixture
def bot_conversation(org, web_inbox, fake_ollama, run_tasks):
    with run_tasks():
        conversation = make_conversation(org, content=QUESTION, inbox=web_inbox)
    assert Message.objects.filter(conversation=conversation, sender_type="bot").count() == 1
    return conversation


def summary_notes(conversation):
    return list(
        Message.objects.exclude(type="activity").filter(
            conversation=conversation, sender_type="system", private=True
        )
    )


def test_an_agent_assigning_themselves_gets_the_summary_note(agent, bot_conversation, run_tasks):
    with run_tasks():
        conversation_assign_agent(conversation=bot_conversation, agent=agent, actor=agent)

    [note] = summary_notes(bot_conversation)
    assert note.text_content.startswith(
        f"AI summary of the chat with Widget helper ({agent.user.full_name} took over)"
    )
    assert QUESTION in note.text_content
    assert note.meta["handoff"] is True and note.meta["reason"] == "agent_takeover"
    assert note.meta["summary_method"] == "ollama"
    assert ChatSession.objects.get(conversation=bot_conversation).status == "escalated"

    with run_tasks():  # the bot stays silent, and a reply adds no second note
        message_create(
            conversation=bot_conversation, content="Still there?", actor=None, sender_type="contact"
        )
        message_create(conversation=bot_conversation, content="Yes, two years.", actor=agent)
    assert len(summary_notes(bot_conversation)) == 1
    assert Message.objects.filter(conversation=bot_conversation, sender_type="bot").count() == 1


def test_an_agent_replying_with_ollama_down_gets_an_extractive_summary(
    agent, bot_conversation, run_tasks, settings, unreachable_ollama_host
):
    settings.OLLAMA_HOST = unreachable_ollama_host

    with run_tasks():
        message_create(conversation=bot_conversation, content="Hi, I'm Sam from support.", actor=agent)

    [note] = summary_notes(bot_conversation)
    assert note.meta["summary_method"] == "extractive"
    assert f"The customer asked: “{QUESTION}”" in note.text_content
    assert "The bot's last answer" in note.text_content


def test_a_private_note_is_no_takeover(agent, bot_conversation, run_tasks):
    with run_tasks():
        message_create(conversation=bot_conversation, content="Looking into it", actor=agent, private=True)

    assert summary_notes(bot_conversation) == []


def test_a_conversation_no_bot_chatted_in_gets_no_note(org, agent, fake_ollama, run_tasks):
    conversation = make_conversation(
        org, content=QUESTION, inbox=InboxFactory(organization=org, channel="web")
    )

    with run_tasks():
        conversation_assign_agent(conversation=conversation, agent=agent, actor=agent)
        message_create(conversation=conversation, content="Two years.", actor=agent)

    assert summary_notes(conversation) == []


def test_the_visitors_hand_off_writes_one_summary(org, bot, web_inbox, fake_ollama, run_tasks):
    from helpdesk.models import Availability, Role
    from helpdesk.models.team import AssignmentType
    from tests.factories import MembershipFactory, TeamFactory

    team = TeamFactory(organization=org, conversation_assignment_type=AssignmentType.ROUND_ROBIN)
    member = MembershipFactory(organization=org, role=Role.AGENT, availability_status=Availability.ONLINE)
    member.teams.add(team)
    bot.handoff_team = team
    bot.save()
    with run_tasks():
        conversation = make_conversation(org, content=QUESTION, inbox=web_inbox)
    with run_tasks():
        message_create(
            conversation=conversation,
            content="Can I talk to a human please?",
            actor=None,
            sender_type="contact",
        )

    conversation.refresh_from_db()
    assert conversation.assigned_agent == member  # round robin: a conversation.updated event
    [note] = summary_notes(conversation)
    assert note.text_content.startswith("AI summary of the chat with Widget helper:")


def test_takeover_through_the_api(agent, agent_api, bot_conversation, run_tasks):
    with run_tasks():
        response = agent_api.put(
            f"/api/v1/conversations/{bot_conversation.uuid}/assignee/user",
            {"assignee_id": agent.pk},
            format="json",
        )

    assert response.status_code == 200, response.content
    assert len(summary_notes(bot_conversation)) == 1
