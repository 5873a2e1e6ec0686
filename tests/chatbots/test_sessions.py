"""Chat sessions: who sees which (agents their own, admins all or one member's), details for
admins, delete, rate and resolve; another organization's sessions answer 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chatbots.models import ChatMessage, ChatSession
from chatbots.services.answering import chat_answer
from helpdesk.models import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.usefixtures("embedding_model")

QUESTION = "How many years does the warranty last?"


@pytest.fixture
def colleague(org):
    return MembershipFactory(organization=org, role=Role.AGENT, user__email="colleague@acme.test")


def start(api, bot, message=QUESTION):
    response = api.post("/api/v1/chat/message", {"message": message, "chatbot_id": bot.pk}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_agents_list_their_own_sessions(agent_api, api_for, colleague, bot, fake_ollama):
    mine = start(agent_api, bot)
    start(api_for(colleague), bot)

    body = agent_api.get("/api/v1/chat/sessions").json()

    assert body["count"] == 1
    (session,) = body["results"]
    assert session["session_id"] == mine["session_id"]
    assert session["summary"] == QUESTION and session["message_count"] == 2
    assert session["chatbot_name"] == "Widget helper" and session["username"] == "agent@acme.test"


def test_agents_cannot_filter_by_someone_else(agent_api, api_for, colleague, bot, fake_ollama):
    start(api_for(colleague), bot)

    body = agent_api.get("/api/v1/chat/sessions", {"username": "colleague@acme.test"}).json()

    assert body["count"] == 0


def test_admins_list_all_sessions_or_one_members(admin_api, agent_api, api_for, colleague, bot, fake_ollama):
    start(agent_api, bot)
    theirs = start(api_for(colleague), bot)

    everything = admin_api.get("/api/v1/chat/sessions").json()
    filtered = admin_api.get("/api/v1/chat/sessions", {"username": "COLLEAGUE@acme.test"}).json()

    assert everything["count"] == 2
    assert [s["session_id"] for s in filtered["results"]] == [theirs["session_id"]]


def test_session_list_query_count_does_not_grow(admin_api, bot, fake_ollama):
    for _ in range(2):
        chat_answer(chatbot=bot, message=QUESTION, username="visitor")
    admin_api.get("/api/v1/chat/sessions")  # the key's first use records last_used_at
    with CaptureQueriesContext(connection) as few:
        assert admin_api.get("/api/v1/chat/sessions").status_code == 200
    for _ in range(4):
        chat_answer(chatbot=bot, message=QUESTION, username="visitor")
    with CaptureQueriesContext(connection) as many:
        body = admin_api.get("/api/v1/chat/sessions").json()

    assert body["count"] == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_session_detail_shows_messages_and_details_only_to_admins(admin_api, agent_api, bot, fake_ollama):
    session_id = start(agent_api, bot)["session_id"]

    as_agent = agent_api.get(f"/api/v1/chat/sessions/{session_id}").json()
    as_admin = admin_api.get(f"/api/v1/chat/sessions/{session_id}").json()

    assert [m["role"] for m in as_agent["messages"]] == ["user", "assistant"]
    assert "retrieval" not in as_agent["messages"][1]
    details = as_admin["messages"][1]["retrieval"]
    assert details["candidates"] and details["rewrite_method"] == "none"
    assert as_admin["greeting"]


def test_another_agents_session_is_404(agent_api, api_for, colleague, bot, fake_ollama):
    session_id = start(agent_api, bot)["session_id"]
    other = api_for(colleague)

    assert other.get(f"/api/v1/chat/sessions/{session_id}").status_code == 404
    assert other.delete(f"/api/v1/chat/sessions/{session_id}").status_code == 404
    assert (
        other.post("/api/v1/chat/rate", {"session_id": session_id, "index": 1, "rate": -1}).status_code == 404
    )
    follow_up = other.post(
        "/api/v1/chat/message", {"message": "And?", "session_id": session_id}, format="json"
    )
    assert follow_up.status_code == 404
    assert ChatSession.objects.filter(session_id=session_id).exists()
    assert ChatMessage.objects.filter(session__session_id=session_id).count() == 2


def test_another_organizations_sessions_and_bots_are_404(other_api, agent_api, bot, fake_ollama):
    session_id = start(agent_api, bot)["session_id"]

    assert other_api.get(f"/api/v1/chat/sessions/{session_id}").status_code == 404
    assert other_api.delete(f"/api/v1/chat/sessions/{session_id}").status_code == 404
    assert other_api.post(f"/api/v1/chat/sessions/{session_id}/escalate").status_code == 404
    assert other_api.post("/api/v1/chat/resolve", {"session_id": session_id}).status_code == 404
    assert other_api.get(f"/api/v1/chat/stream/{session_id}").status_code == 404
    assert other_api.put(f"/api/v1/monitor/{session_id}/1", {"read_indicator": 1}).status_code == 404
    asked = other_api.post("/api/v1/chat/message", {"message": QUESTION, "chatbot_id": bot.pk}, format="json")
    assert asked.status_code == 404
    assert other_api.get("/api/v1/chat/sessions").json()["count"] == 0
    assert ChatSession.objects.count() == 1 and ChatSession.objects.get().status == "open"


def test_delete_session(agent_api, bot, fake_ollama):
    session_id = start(agent_api, bot)["session_id"]

    assert agent_api.delete(f"/api/v1/chat/sessions/{session_id}").status_code == 204
    assert not ChatSession.objects.exists() and not ChatMessage.objects.exists()


def test_rate_an_answer(agent_api, bot, fake_ollama):
    answer = start(agent_api, bot)

    response = agent_api.post(
        "/api/v1/chat/rate",
        {"chatuid": answer["session_id"], "index": answer["index"], "rate": -1},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "session_id": answer["session_id"], "index": 1, "rate": -1}
    assert ChatMessage.objects.get(index=1).rating == -1


@pytest.mark.parametrize(
    "index,rate,status",
    [(1, 2, 400), (1, "good", 400), (0, 1, 400), (9, 1, 404), (-1, 1, 400)],
)
def test_bad_ratings_are_refused(agent_api, bot, fake_ollama, index, rate, status):
    answer = start(agent_api, bot)

    response = agent_api.post(
        "/api/v1/chat/rate", {"session_id": answer["session_id"], "index": index, "rate": rate}, format="json"
    )

    assert response.status_code == status
    assert set(ChatMessage.objects.values_list("rating", flat=True)) == {0}


def test_resolve_and_reopen_with_a_new_question(agent_api, bot, fake_ollama):
    session_id = start(agent_api, bot)["session_id"]

    response = agent_api.post("/api/v1/chat/resolve", {"session_id": session_id}, format="json")

    assert response.status_code == 200 and response.json()["session_status"] == "resolved"
    assert ChatSession.objects.get().status == "resolved"
    agent_api.post("/api/v1/chat/message", {"message": QUESTION, "session_id": session_id}, format="json")
    assert ChatSession.objects.get().status == "open"


def test_unknown_or_malformed_session_ids_are_404(agent_api, bot, fake_ollama):
    assert agent_api.get("/api/v1/chat/sessions/00000000-0000-0000-0000-000000000000").status_code == 404
    response = agent_api.post("/api/v1/chat/rate", {"session_id": "not-a-uuid", "index": 1, "rate": 1})
    assert response.status_code == 404
