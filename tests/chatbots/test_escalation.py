"""Escalation (SysAid's "create a service request from the chat"): a long operation that creates
a conversation holding the transcript and an AI summary as an internal note, assigned by the bot's
hand-off team (round robin), and emits ``chat.escalated``."""

import pytest

from chatbots.models import ChatSession
from conversations.models import Conversation, Message
from helpdesk import events
from helpdesk.models import Availability, Operation, Role
from helpdesk.models.team import AssignmentType
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.usefixtures("embedding_model")

QUESTION = "How many years does the warranty last?"


@pytest.fixture
def escalated_events():
    seen = []

    def handler(organization, name, payload):
        seen.append((organization.pk, payload))

    events.subscribe("chat.escalated", handler)
    yield seen
    events.unsubscribe("chat.escalated", handler)


@pytest.fixture
def support_team(org, bot):
    team = TeamFactory(
        organization=org, name="Support", conversation_assignment_type=AssignmentType.ROUND_ROBIN
    )
    member = MembershipFactory(organization=org, role=Role.AGENT, availability_status=Availability.ONLINE)
    member.teams.add(team)
    bot.handoff_team = team
    bot.save()
    return team, member


def chat(api, bot, session_id=None, message=QUESTION):
    payload = {"message": message, "chatbot_id": bot.pk}
    if session_id:
        payload["session_id"] = session_id
    return api.post("/api/v1/chat/message", payload, format="json").json()


def test_escalation_creates_an_assigned_conversation_with_transcript_and_summary(
    org, agent, agent_api, bot, support_team, fake_ollama, run_tasks, escalated_events
):
    team, member = support_team
    first = chat(agent_api, bot)
    chat(agent_api, bot, first["session_id"], "Which football team won the league in 1998?")

    with run_tasks():
        response = agent_api.post(f"/api/v1/chat/sessions/{first['session_id']}/escalate")

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "in-progress" and body["operation_id"] == body["longOperationId"]
    operation = Operation.objects.get(pk=body["operation_id"])
    assert operation.status == "succeeded" and operation.kind == "chat.escalate"
    conversation = Conversation.objects.get(uuid=operation.result["conversation_uuid"])
    session = ChatSession.objects.get(session_id=first["session_id"])
    assert conversation == session.conversation and Conversation.objects.count() == 1  # no copy
    assert conversation.organization == org and conversation.inbox.channel == "api"
    assert conversation.contact.email == agent.user.email
    assert conversation.assigned_team == team and conversation.assigned_agent == member
    messages = list(
        Message.objects.filter(conversation=conversation)
        .exclude(type="activity")
        .order_by("created_at", "id")
    )
    assert [(m.sender_type, m.type) for m in messages[:4]] == [
        ("contact", "incoming"),
        ("bot", "outgoing"),
        ("contact", "incoming"),
        ("bot", "outgoing"),
    ]
    assert messages[0].text_content == QUESTION and "two years" in messages[1].text_content
    note, notice = messages[4], messages[5]
    assert note.private is True and note.text_content.startswith("AI summary of the chat")
    assert notice.private is False and notice.sender_type == "system" and "person" in notice.text_content
    assert operation.result["summary_method"] == "ollama"
    session.refresh_from_db()
    assert session.status == "escalated" and session.escalated_conversation_uuid == conversation.uuid
    assert escalated_events == [
        (
            org.pk,
            {
                **operation.result,
                "session_id": first["session_id"],
                "chatbot_id": bot.pk,
                "operation_id": str(operation.pk),
            },
        )
    ]
    status = agent_api.get(f"/api/v1/operations/{operation.pk}").json()
    assert status["status"] == "succeeded"


def test_summary_is_extractive_when_ollama_is_down(agent_api, bot, ollama_down, run_tasks):
    first = chat(agent_api, bot)

    with run_tasks():
        body = agent_api.post(f"/api/v1/chat/sessions/{first['session_id']}/escalate").json()

    operation = Operation.objects.get(pk=body["operation_id"])
    assert operation.status == "succeeded" and operation.result["summary_method"] == "extractive"
    note = Message.objects.exclude(type="activity").get(
        conversation__uuid=operation.result["conversation_uuid"], private=True
    )
    assert f"The customer asked: “{QUESTION}”" in note.text_content
    assert "passages only" in note.text_content


def test_escalating_twice_is_refused_and_creates_one_conversation(agent_api, bot, fake_ollama, run_tasks):
    first = chat(agent_api, bot)
    with run_tasks():
        agent_api.post(f"/api/v1/chat/sessions/{first['session_id']}/escalate")

    again = agent_api.post(f"/api/v1/chat/sessions/{first['session_id']}/escalate")

    assert again.status_code == 409
    assert Conversation.objects.count() == 1


def test_escalation_job_run_twice_creates_one_conversation(agent_api, bot, fake_ollama, run_tasks):
    from chatbots.tasks import chat_session_escalate

    first = chat(agent_api, bot)
    with run_tasks():
        operation_id = agent_api.post(f"/api/v1/chat/sessions/{first['session_id']}/escalate").json()[
            "operation_id"
        ]
    Operation.objects.filter(pk=operation_id).update(status="running")

    chat_session_escalate(operation_id)

    assert Conversation.objects.count() == 1
    assert Operation.objects.get(pk=operation_id).status == "succeeded"


def test_failed_escalation_says_why(org, agent_api, bot, fake_ollama, run_tasks):
    from conversations.models import Contact

    first = chat(agent_api, bot)
    session = ChatSession.objects.get()
    merged_into = Conversation.objects.create(
        organization=org,
        contact=Contact.objects.get(email="agent@acme.test"),
        inbox=session.conversation.inbox,
        status=session.conversation.status,
        reference_number=999,
    )
    Conversation.objects.filter(pk=session.conversation_id).update(merged_into=merged_into)

    with run_tasks():
        body = agent_api.post(f"/api/v1/chat/sessions/{first['session_id']}/escalate").json()

    operation = Operation.objects.get(pk=body["operation_id"])
    assert operation.status == "failed" and "merged" in operation.error.lower()
    assert ChatSession.objects.get().status == "open"
    assert not Message.objects.filter(
        conversation=session.conversation, sender_type="system", private=False
    ).exists()


def test_a_visitors_chat_is_handed_over_without_an_acting_agent(bot, fake_ollama, run_tasks):
    from chatbots.services.answering import chat_answer
    from chatbots.services.sessions import chat_escalate

    answer = chat_answer(chatbot=bot, message=QUESTION, username="Ada from the website")
    with run_tasks():
        operation = chat_escalate(session=answer.session)

    operation.refresh_from_db()
    assert operation.status == "succeeded", operation.error
    conversation = Conversation.objects.get(uuid=operation.result["conversation_uuid"])
    assert conversation.contact.email.endswith("@visitors.invalid")
    assert conversation.contact.first_name == "Ada from the website"
    note = Message.objects.exclude(type="activity").get(conversation=conversation, private=True)
    assert note.sender_type == "system" and note.sender_agent is None and "AI summary" in note.text_content
    notice = Message.objects.exclude(type="activity").filter(conversation=conversation).last()
    assert notice.sender_type == "system" and not notice.private and "person" in notice.text_content


def test_a_chat_whose_conversation_was_deleted_fails_its_escalation_with_the_reason(
    agent_api, bot, fake_ollama, run_tasks
):
    first = chat(agent_api, bot)
    ChatSession.objects.get().conversation.delete()  # the session keeps its questions and answers

    with run_tasks():
        body = agent_api.post(f"/api/v1/chat/sessions/{first['session_id']}/escalate").json()

    operation = Operation.objects.get(pk=body["operation_id"])
    assert operation.status == "failed"
    assert operation.error == "This chat has no conversation to hand over."
    assert ChatSession.objects.get().status == "open"
    assert not Conversation.objects.exists()
