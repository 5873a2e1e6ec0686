"""Agents' real-time stream: who may follow which topic, the domain events it relays (private
notes to agents only), and typing announcements."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient

from conversations.services.assignment import conversation_assign_agent
from conversations.services.messages import message_create
from helpdesk.models import RealtimeEvent, Role
from tests.factories import MembershipFactory
from tests.realtime_client import AsyncSSEReader

STREAM = "/realtime/stream"


def org_topic(organization) -> str:
    return f"org:{organization.pk}"


def conversation_topic(conversation) -> str:
    return f"conversation:{conversation.uuid}"


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code and body["error"] and "fields" in body


def test_an_agent_is_refused_another_organizations_topics(client, agent, other_org, other_conversation):
    client.force_login(agent.user)
    assert_error(client.get(STREAM, {"topics": org_topic(other_org)}), 403, "permission_denied")
    assert_error(client.get(STREAM, {"topics": conversation_topic(other_conversation)}), 404, "not_found")
    mixed = f"{org_topic(agent.organization)},{conversation_topic(other_conversation)}"
    assert_error(client.get(STREAM, {"topics": mixed}), 404, "not_found")


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"topics": ""},
        {"topics": "org:one"},
        {"topics": "inbox:1"},
        {"topics": "conversation:1234"},
        {"topics": ",".join(f"org:{n}" for n in range(1, 12))},
        {"topics": "ORG", "last_event_id": "1"},
    ],
)
def test_malformed_topics_are_a_400_with_the_error_shape(client, agent, query):
    client.force_login(agent.user)
    assert_error(client.get(STREAM, query), 400, "invalid")


@pytest.mark.parametrize("last_event_id", ["-1", "abc", "1.5", "²", str(2**63)])
def test_a_malformed_last_event_id_is_a_400(client, agent, last_event_id):
    client.force_login(agent.user)
    query = {"topics": org_topic(agent.organization), "last_event_id": last_event_id}
    assert_error(client.get(STREAM, query), 400, "invalid")
    headers = {"HTTP_LAST_EVENT_ID": last_event_id}
    assert_error(client.get(STREAM, {"topics": org_topic(agent.organization)}, **headers), 400, "invalid")


def test_signed_out_is_a_401_and_a_member_without_organization_a_403(client, db):
    assert_error(client.get(STREAM, {"topics": "org:1"}), 401, "not_authenticated")
    assert client.post(STREAM).status_code == 405
    lonely = MembershipFactory(role=Role.AGENT, is_active=False)
    client.force_login(lonely.user)
    assert_error(client.get(STREAM, {"topics": "org:1"}), 403, "permission_denied")


def agent_stream(membership, topics: list[str], last_event_id=None):
    client = AsyncClient()

    async def start() -> AsyncSSEReader:
        await client.aforce_login(membership.user)
        query = {"topics": ",".join(topics)}
        if last_event_id is not None:
            query["last_event_id"] = str(last_event_id)
        response = await client.get(STREAM, query)
        assert response.status_code == 200, response.content
        reader = AsyncSSEReader(response)
        await reader.started()
        return reader

    return start()


def test_agents_see_messages_and_changes_and_only_they_see_private_notes(
    agent, conversation, django_capture_on_commit_callbacks
):
    def write(private: bool, content: str):
        with django_capture_on_commit_callbacks(execute=True):
            return message_create(conversation=conversation, content=content, actor=agent, private=private)

    # assigned already: the reply does not assign it (which would be one more event)
    conversation_assign_agent(conversation=conversation, agent=agent, actor=agent)

    async def scenario():
        inbox = await agent_stream(agent, [org_topic(conversation.organization)])
        visitor_side = await agent_stream(agent, [conversation_topic(conversation)])
        note = await sync_to_async(write)(True, "internal: refund approved")
        reply = await sync_to_async(write)(False, "Your refund is on its way")
        inbox_events = [await inbox.next_event() for _ in range(2)]
        conversation_events = [await visitor_side.next_event()]
        assert await visitor_side.nothing_within(0.3)
        await inbox.close()
        await visitor_side.close()
        return note, reply, inbox_events, conversation_events

    note, reply, inbox_events, conversation_events = async_to_sync(scenario)()
    assert [(e["event"], e["data"]["message_uuid"], e["data"]["private"]) for e in inbox_events] == [
        ("message.created", str(note.uuid), True),
        ("message.created", str(reply.uuid), False),
    ]
    assert "content" not in inbox_events[0]["data"]
    (public,) = conversation_events
    assert public["data"]["message_uuid"] == str(reply.uuid)
    assert public["data"]["conversation_uuid"] == str(conversation.uuid)
    assert public["data"]["sender_type"] == "agent" and "refund is on its way" in public["data"]["content"]
    assert public["id"] == inbox_events[1]["id"]  # one durable event on both topics


def test_a_reconnecting_agent_gets_the_missed_status_change(
    admin, conversation, client, django_capture_on_commit_callbacks
):
    client.force_login(admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/inbox/c/{conversation.uuid}/priority/", {"priority": "Low"})
    since = RealtimeEvent.objects.latest("id").id  # the agent's page was rendered here
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/inbox/c/{conversation.uuid}/priority/", {"priority": "High"})

    async def scenario():
        reader = await agent_stream(admin, [conversation_topic(conversation)], last_event_id=since)
        event = await reader.next_event()
        await reader.close()
        return event

    event = async_to_sync(scenario)()
    assert event["event"] == "conversation.updated"
    assert (
        event["data"]["conversation_uuid"] == str(conversation.uuid)
        and "priority" in event["data"]["changed"]
    )


def test_typing_is_announced_live_throttled_and_notes_stay_with_agents(
    agent, admin, conversation, client, django_capture_on_commit_callbacks
):
    client.force_login(agent.user)
    url = f"/inbox/c/{conversation.uuid}/typing/"

    def post(mode: str) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {"mode": mode}).status_code

    async def scenario():
        visitor_side = await agent_stream(admin, [conversation_topic(conversation)])
        inbox = await agent_stream(admin, [org_topic(conversation.organization)])
        statuses = [
            await sync_to_async(post)("reply"),
            await sync_to_async(post)("reply"),  # throttled
            await sync_to_async(post)("note"),
        ]
        typing = await visitor_side.next_event()
        assert await visitor_side.nothing_within(0.3)
        note_typing = await inbox.next_event()
        await visitor_side.close()
        await inbox.close()
        return statuses, typing, note_typing

    statuses, typing, note_typing = async_to_sync(scenario)()
    assert statuses == [204, 204, 204]
    assert typing["id"] is None and typing["event"] == "typing"
    assert typing["data"] == {
        "conversation_uuid": str(conversation.uuid),
        "sender_type": "agent",
        "agent_id": agent.pk,
        "name": agent.user.first_name or agent.user.full_name,
        "private": False,
    }
    assert note_typing["data"]["private"] is True
    assert not RealtimeEvent.objects.filter(event="typing").exists()


def test_typing_on_another_organizations_conversation_is_a_404(client, agent, other_conversation):
    client.force_login(agent.user)
    assert client.post(f"/inbox/c/{other_conversation.uuid}/typing/", {"mode": "reply"}).status_code == 404
    assert client.get(f"/inbox/c/{other_conversation.uuid}/typing/").status_code == 405
