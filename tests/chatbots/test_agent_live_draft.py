"""Agents see the bot's answer live: its ``message.delta`` tokens reach an agent's real-time stream
on the conversation's topic (what the open conversation page follows), with the conversation's
uuid, before the stored answer's ``message.created``; the page has the box that shows them."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient

from conversations.models import Message
from tests.conversations.factories import make_conversation
from tests.realtime_client import AsyncSSEReader

pytestmark = pytest.mark.usefixtures("embedding_model")

QUESTION = "How many years does the warranty last?"


async def agent_stream(membership, topics):
    client = AsyncClient()
    await client.aforce_login(membership.user)
    response = await client.get("/realtime/stream", {"topics": ",".join(topics)})
    assert response.status_code == 200, response.content
    reader = AsyncSSEReader(response)
    await reader.started()
    return reader


def test_the_bots_streamed_tokens_reach_the_agents_conversation_stream(
    org, web_inbox, agent, fake_ollama, django_capture_on_commit_callbacks
):
    conversation = make_conversation(
        org, content="Hello", inbox=web_inbox
    )  # no bot answer yet: no commit hooks

    def ask():
        from conversations.services.messages import message_create

        with django_capture_on_commit_callbacks(execute=True):
            message_create(conversation=conversation, content=QUESTION, actor=None, sender_type="contact")

    async def scenario():
        reader = await agent_stream(agent, [f"conversation:{conversation.uuid}"])
        await sync_to_async(ask)()
        events = []
        while not events or not (
            events[-1]["event"] == "message.created" and events[-1]["data"]["sender_type"] == "bot"
        ):
            events.append(await reader.next_event())
        await reader.close()
        return events

    events = async_to_sync(scenario)()
    deltas = [e for e in events if e["event"] == "message.delta"]
    question = Message.objects.get(conversation=conversation, text_content=QUESTION)
    answer = Message.objects.get(conversation=conversation, sender_type="bot")
    assert len(deltas) > 1
    assert all(d["id"] is None for d in deltas)  # live only, never replayed
    assert {d["data"]["conversation_uuid"] for d in deltas} == {str(conversation.uuid)}
    assert {d["data"]["reply_to"] for d in deltas} == {str(question.uuid)}
    streamed = "".join(d["data"]["token"] for d in deltas)
    assert "two years" in streamed and "two years" in answer.text_content
    assert events.index(deltas[-1]) < len(events) - 1  # the tokens come before the stored answer


def test_the_conversation_page_has_the_live_draft_box(ui_as, agent, org):
    conversation = make_conversation(org, content="Hello")
    page = ui_as(agent).get(f"/inbox/c/{conversation.uuid}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="cv-bot-draft"' in html and "data-bot-draft-text" in html and "js/realtime.js" in html
