"""Streamed answers (``text/event-stream``): tokens as Ollama produces them, then the final event
with sources and confidence; the SysAid flow (store now, ``GET chat/stream/{sid}`` later); a
client that goes away stops the Ollama request and keeps what was produced."""

import json

import pytest

from chatbots.models import ChatMessage
from tests.chatbots.conftest import chat_requests, sse_events

pytestmark = pytest.mark.usefixtures("embedding_model")

QUESTION = "How many years does the warranty last?"


def stream(api, bot, message=QUESTION, **extra):
    return api.post(
        "/api/v1/chat/message",
        {"message": message, "chatbot_id": bot.pk, "stream": True, **extra},
        format="json",
    )


def test_tokens_stream_then_done_event_with_sources(agent_api, bot, knowledge, fake_ollama):
    response = stream(agent_api, bot)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    events = sse_events(response)
    tokens = [data["token"] for name, data in events if name == "token"]
    name, done = events[-1]
    assert name == "done" and len(tokens) > 3  # one event per token the model produced
    assert "".join(tokens).strip() == done["response"]
    assert "two years" in done["response"] and done["mode"] == "llm"
    assert [s["document_id"] for s in done["sources"] if s["cited"]] == [knowledge["warranty"].pk]
    assert done["index"] == 1 and done["confidence"] >= bot.confidence_threshold
    stored = ChatMessage.objects.get(session__session_id=done["session_id"], index=1)
    assert stored.content == done["response"] and stored.interrupted is False
    assert chat_requests(fake_ollama)[0]["stream"] is True
    assert fake_ollama.wait_for_stream_end().completed


def test_stream_of_an_unsure_answer_ends_with_the_fallback(org, agent_api, bot, fake_ollama):
    fake_ollama.reply_with = "I don't know based on the provided sources."

    events = sse_events(stream(agent_api, bot))

    name, done = events[-1]
    assert done["mode"] == "fallback" and done["replaced"] is True
    assert done["response"] == org.error_message and done["handoff_offered"] is True


def test_stream_with_no_relevant_source_is_one_fallback_event(org, agent_api, bot, fake_ollama):
    events = sse_events(stream(agent_api, bot, "Which football team won the league in 1998?"))

    assert [name for name, _ in events] == ["token", "done"]
    assert events[0][1]["token"] == org.error_message and events[1][1]["mode"] == "fallback"
    assert chat_requests(fake_ollama) == []


def test_stream_with_ollama_down_sends_the_passages(agent_api, bot, knowledge, ollama_down):
    events = sse_events(stream(agent_api, bot))

    name, done = events[-1]
    assert done["mode"] == "retrieval_only" and "two years" in done["response"]
    assert done["sources"][0]["document_id"] == knowledge["warranty"].pk


def test_stream_dropped_by_ollama_midway_keeps_the_partial_answer(admin_api, bot, fake_ollama):
    fake_ollama.fail_with = "drop_midstream"
    fake_ollama.fail_paths = {"/api/chat"}

    events = sse_events(stream(admin_api, bot))

    name, done = events[-1]
    assert name == "done"
    stored = ChatMessage.objects.get(session__session_id=done["session_id"], index=done["index"])
    assert stored.retrieval["stream"].startswith("ollama_failed")
    # Half of a grounded sentence is still grounded: it is kept, marked as interrupted.
    assert done["mode"] == "llm" and stored.interrupted is True
    tokens = "".join(data["token"] for event, data in events if event == "token")
    assert stored.content == tokens.strip() and "two years" not in stored.content


def test_client_disconnect_stops_ollama_and_keeps_what_was_sent(agent_api, bot, fake_ollama):
    fake_ollama.delay = 0.05  # between tokens, so the client can leave in the middle

    response = stream(agent_api, bot)
    content = response.streaming_content
    first = next(content)
    # The client went away: the server closes the response iterator, as a WSGI server does (the
    # test client's wrapper generator; closing the response itself would also close the test's
    # database connection, which PostgreSQL notices).
    response._iterator.close()

    record = fake_ollama.wait_for_stream_end()
    assert record.disconnected and not record.completed
    assert record.tokens_sent < record.tokens_total
    sent = json.loads(first.decode().split("data: ", 1)[1])["token"]
    stored = ChatMessage.objects.get(role="assistant")
    assert stored.interrupted is True and stored.content == sent.strip()
    assert stored.retrieval["stream"] == "client_disconnected"


# --- SysAid's flow: store the question, stream the answer from chat/stream/{sid} ----------------


def test_deferred_question_is_streamed_by_chat_stream(agent_api, bot, fake_ollama):
    response = stream(agent_api, bot, defer=True)

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "stream" and body["sid"] == body["session_id"] and body["index"] == 1
    assert chat_requests(fake_ollama) == []

    events = sse_events(agent_api.get(f"/api/v1/chat/stream/{body['sid']}"))

    name, done = events[-1]
    assert name == "done" and done["index"] == 1 and "two years" in done["response"]
    again = agent_api.get(f"/api/v1/chat/stream/{body['sid']}")
    assert again.status_code == 409  # nothing left to answer


def test_accept_json_defers_like_sysaid(agent_api, bot, fake_ollama):
    response = agent_api.post(
        "/api/v1/chat/message",
        {"message": QUESTION, "chatbot_id": bot.pk, "stream": True},
        format="json",
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 202 and response.json()["status"] == "stream"


def test_chat_stream_of_another_members_session_is_404(api_for, org, agent_api, bot, fake_ollama):
    from helpdesk.models import Role
    from tests.factories import MembershipFactory

    sid = stream(agent_api, bot, defer=True).json()["sid"]
    colleague = api_for(MembershipFactory(organization=org, role=Role.AGENT))

    assert colleague.get(f"/api/v1/chat/stream/{sid}").status_code == 404
    assert not ChatMessage.objects.filter(role="assistant").exists()


@pytest.mark.django_db(transaction=True)  # the ASGI handler runs the view in its own thread
def test_asgi_streams_events_one_by_one(agent_api, bot, fake_ollama):
    """Under ASGI (uvicorn) the stream is consumed from a thread, event by event, not buffered."""
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    headers = agent_api._credentials

    async def run():
        response = await AsyncClient().post(
            "/api/v1/chat/message",
            {"message": QUESTION, "chatbot_id": bot.pk, "stream": True},
            content_type="application/json",
            headers={"Authorization": headers["HTTP_AUTHORIZATION"]},
        )
        assert response.status_code == 200 and response.is_async, response.content
        return [chunk async for chunk in response.streaming_content]

    chunks = async_to_sync(run)()

    assert len(chunks) > 3 and all(chunk.startswith(b"event: ") for chunk in chunks)
    assert chunks[-1].startswith(b"event: done")
    assert ChatMessage.objects.get(role="assistant").mode == "llm"


def test_clients_accepting_only_event_stream_get_the_stream(admin_api, org, fake_ollama):
    """EventSource-style clients send ``Accept: text/event-stream`` alone: no 406."""
    from chatbots.models import Chatbot

    bot = Chatbot.objects.create(organization=org, name="SSE bot", model="llama3.2")
    response = admin_api.post(
        "/api/v1/chat/message",
        {"message": "hello there", "chatbot_id": bot.pk, "stream": True},
        format="json",
        HTTP_ACCEPT="text/event-stream",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    body = b"".join(response.streaming_content).decode()
    assert "event: done" in body


def test_errors_reach_event_stream_only_clients_as_an_error_event(admin_api):
    response = admin_api.post(
        "/api/v1/chat/message",
        {"message": "hello", "chatbot_id": 999999, "stream": True},
        format="json",
        HTTP_ACCEPT="text/event-stream",
    )
    assert response.status_code == 404
    assert response.content.decode().startswith("event: error")
    assert '"code": "not_found"' in response.content.decode()
