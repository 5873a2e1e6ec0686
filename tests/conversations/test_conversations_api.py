"""Creating conversations, the lists with their filters and ordering, the detail, last seen and
unread counts, priority and tags."""

import pytest

from conversations.models import Contact, Conversation
from conversations.services import assignment, conversations, lifecycle, messages
from tests.conversations.factories import ContactFactory, InboxFactory, make_conversation
from tests.factories import MembershipFactory, TeamFactory


def test_create_finds_or_creates_the_contact_by_email(admin_api, admin, org):
    body = {
        "subject": "Refund", "content": "<p>I want my money back</p>", "contact_email": "Bob@Example.com",
        "first_name": "Bob", "last_name": "Builder", "initiator": "contact",
    }  # fmt: skip
    first = admin_api.post("/api/v1/conversations", body, format="json")
    assert first.status_code == 201, first.content
    again = admin_api.post("/api/v1/conversations", {**body, "first_name": "Robert"}, format="json")
    assert again.status_code == 201

    contact = Contact.objects.get(organization=org)
    assert contact.email == "bob@example.com" and contact.first_name == "Bob"  # not overwritten
    data = first.json()
    assert data["contact"]["email"] == "bob@example.com"
    assert (data["reference_number"], again.json()["reference_number"]) == ("1", "2")
    assert data["status"] == "Open" and data["inbox_channel"] == "api"
    assert data["last_message"] == "I want my money back" and data["last_message_sender"] == "contact"
    assert data["waiting_since"] is not None


def test_agent_initiated_conversation_starts_with_a_reply(admin_api, admin):
    response = admin_api.post(
        "/api/v1/conversations",
        {
            "subject": "Your order",
            "content": "It shipped",
            "contact_email": "c@example.com",
            "initiator": "agent",
        },
        format="json",
    )
    assert response.status_code == 201
    conversation = Conversation.objects.get(uuid=response.json()["uuid"])
    first = conversation.messages.exclude(type="activity").get()
    assert (first.type, first.sender_agent) == ("outgoing", admin)
    assert conversation.first_reply_at is not None and conversation.waiting_since is None


def test_create_with_inbox_team_agent_priority_and_tags(admin_api, org):
    inbox = InboxFactory(organization=org, name="Web", channel="web")
    team = TeamFactory(organization=org)
    agent = MembershipFactory(organization=org)
    response = admin_api.post(
        "/api/v1/conversations",
        {
            "subject": "Hi", "content": "Hello", "contact_email": "c@example.com", "inbox_id": inbox.pk,
            "team_id": team.pk, "agent_id": agent.pk, "priority": "high", "tags": ["vip", "VIP", "billing"],
            "custom_attributes": {"order": 42},
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    data = response.json()
    # an explicit agent stays assigned, member of the team or not
    assert (data["inbox_id"], data["assigned_team_id"], data["assigned_user_id"]) == (inbox.pk, team.pk, agent.pk)
    assert data["priority"] == "High" and data["priority_id"] == 3
    assert data["tags"] == ["billing", "vip"] and data["custom_attributes"] == {"order": 42}


@pytest.mark.parametrize(
    "change,status",
    [
        ({"contact_email": "nope"}, 400),
        ({"initiator": "robot"}, 400),
        ({"content": ""}, 400),
        ({"priority": "whenever"}, 400),
        ({"inbox_id": 999999}, 404),
        ({"team_id": 999999}, 404),
        ({"agent_id": 999999}, 404),
    ],
)
def test_create_refuses_bad_input_and_creates_nothing(admin_api, change, status):
    body = {"subject": "s", "content": "c", "contact_email": "c@example.com", **change}
    response = admin_api.post("/api/v1/conversations", body, format="json")
    assert response.status_code == status, response.content
    assert not Conversation.objects.exists()


def test_create_refuses_blocked_contacts_and_disabled_inboxes(admin_api, org):
    ContactFactory(organization=org, email="spam@example.com", enabled=False)
    blocked = admin_api.post(
        "/api/v1/conversations",
        {"subject": "s", "content": "c", "contact_email": "spam@example.com"},
        format="json",
    )
    assert blocked.status_code == 403
    inbox = InboxFactory(organization=org, enabled=False)
    disabled = admin_api.post(
        "/api/v1/conversations",
        {"subject": "s", "content": "c", "contact_email": "x@example.com", "inbox_id": inbox.pk},
        format="json",
    )
    assert disabled.status_code == 400
    assert not Conversation.objects.exists()


@pytest.fixture
def inbox_fixture(org, admin, agent):
    """Five conversations with different states to filter."""
    team = TeamFactory(organization=org, name="Billing")
    web = InboxFactory(organization=org, name="Web", channel="web")
    mine = make_conversation(org, subject="mine", priority="High", tags=["vip"])
    assignment.conversation_assign_agent(conversation=mine, agent=agent, actor=admin)
    teamed = make_conversation(org, subject="team", priority="Low", inbox=web)
    assignment.conversation_assign_team(conversation=teamed, team=team, actor=admin)
    resolved = make_conversation(org, subject="resolved", tags=["billing"])
    lifecycle.conversation_set_status(conversation=resolved, status="Resolved", actor=admin)
    loose = make_conversation(org, subject="loose", priority="Urgent")
    other = make_conversation(org, subject="admin's", tags=["vip"])
    assignment.conversation_assign_agent(conversation=other, agent=admin, actor=admin)
    return {
        "team": team,
        "web": web,
        "mine": mine,
        "teamed": teamed,
        "resolved": resolved,
        "loose": loose,
        "other": other,
    }


def subjects(response):
    assert response.status_code == 200, response.content
    return [row["subject"] for row in response.json()["results"]]


def test_all_assigned_unassigned_and_team_lists(agent_api, inbox_fixture):
    assert set(subjects(agent_api.get("/api/v1/conversations/all"))) == {
        "mine",
        "team",
        "resolved",
        "loose",
        "admin's",
    }
    assert subjects(agent_api.get("/api/v1/conversations")) == subjects(
        agent_api.get("/api/v1/conversations/all")
    )
    assert subjects(agent_api.get("/api/v1/conversations/assigned")) == ["mine"]
    assert set(subjects(agent_api.get("/api/v1/conversations/unassigned"))) == {"resolved", "loose"}
    team = inbox_fixture["team"]
    assert subjects(agent_api.get(f"/api/v1/teams/{team.pk}/conversations/unassigned")) == ["team"]
    assert agent_api.get("/api/v1/teams/999999/conversations/unassigned").status_code == 404


@pytest.mark.parametrize(
    "query,expected",
    [
        ("status=Resolved", {"resolved"}),
        ("status=open,resolved", {"mine", "team", "resolved", "loose", "admin's"}),
        ("priority=High,Urgent", {"mine", "loose"}),
        ("priority=1", {"team"}),
        ("assignee=me", {"mine"}),
        ("assignee=none", {"team", "resolved", "loose"}),
        ("tags=VIP", {"mine", "admin's"}),
        ("tags=vip,billing", {"mine", "admin's", "resolved"}),
        ("search=loose", {"loose"}),
    ],
)
def test_list_filters(agent_api, inbox_fixture, query, expected):
    assert set(subjects(agent_api.get(f"/api/v1/conversations/all?{query}"))) == expected


def test_team_and_inbox_filters(agent_api, inbox_fixture):
    team, web = inbox_fixture["team"], inbox_fixture["web"]
    assert subjects(agent_api.get(f"/api/v1/conversations/all?team={team.pk}")) == ["team"]
    assert subjects(agent_api.get(f"/api/v1/conversations/all?inbox_id={web.pk}")) == ["team"]


def test_bad_filters_are_400(agent_api, inbox_fixture):
    for query in ("status=Exploded", "priority=meh", "team=x", "order_by=color", "assignee=x"):
        assert agent_api.get(f"/api/v1/conversations/all?{query}").status_code == 400, query


def test_ordering(agent_api, inbox_fixture):
    by_priority = subjects(agent_api.get("/api/v1/conversations/all?order_by=-priority"))
    assert by_priority[:3] == ["loose", "mine", "team"]  # Urgent, High, Low; none last
    by_number = subjects(agent_api.get("/api/v1/conversations/all?order_by=reference_number"))
    assert by_number == ["mine", "team", "resolved", "loose", "admin's"]
    newest = subjects(agent_api.get("/api/v1/conversations/all"))
    assert newest[0] == "admin's"  # the default is the latest message first


def test_pagination_with_libredesk_page_size(agent_api, org):
    for _ in range(5):
        make_conversation(org)
    body = agent_api.get("/api/v1/conversations/all?page=2&page_size=2").json()
    assert (body["count"], body["page"], body["per_page"], body["total_pages"], len(body["results"])) == (
        5,
        2,
        2,
        3,
        2,
    )


def test_detail_has_contact_card_and_previous_conversations(agent_api, org):
    older = make_conversation(org, email="ada@example.com", subject="older")
    current = make_conversation(org, email="ada@example.com", subject="current")
    response = agent_api.get(f"/api/v1/conversations/{current.uuid}")
    assert response.status_code == 200
    data = response.json()
    assert data["contact"]["type"] == "contact" and data["contact"]["email"] == "ada@example.com"
    assert [p["uuid"] for p in data["previous_conversations"]] == [str(older.uuid)]
    assert agent_api.get("/api/v1/conversations/00000000-0000-0000-0000-000000000000").status_code == 404
    assert agent_api.get("/api/v1/conversations/not-a-uuid").status_code == 404


def test_unread_counts_and_last_seen_are_per_agent(clock, agent_api, admin_api, agent, admin, conversation):
    assignment.conversation_assign_agent(conversation=conversation, agent=agent, actor=admin)

    def unread(client):
        return client.get("/api/v1/conversations/all").json()["results"][0]["unread_message_count"]

    assert unread(agent_api) == 1 and unread(admin_api) == 1
    clock.advance(minutes=1)
    seen = agent_api.put(f"/api/v1/conversations/{conversation.uuid}/last-seen")
    assert seen.status_code == 200
    assert seen.json()["assignee_last_seen_at"].startswith("2025-01-15T10:01")
    assert unread(agent_api) == 0 and unread(admin_api) == 1

    clock.advance(minutes=1)
    messages.message_create(conversation=conversation, content="one more", actor=None, sender_type="contact")
    messages.message_create(conversation=conversation, content="reply", actor=admin)  # replies don't count
    assert unread(agent_api) == 1 and unread(admin_api) == 2


def test_priority_and_tags_endpoints(agent_api, conversation):
    url = f"/api/v1/conversations/{conversation.uuid}"
    assert (
        agent_api.put(f"{url}/priority", {"priority": "Urgent"}, format="json").json()["priority"] == "Urgent"
    )
    assert agent_api.put(f"{url}/priority", {"priority": "Nope"}, format="json").status_code == 400
    assert agent_api.put(f"{url}/priority", {"priority": None}, format="json").json()["priority"] is None

    tagged = agent_api.post(f"{url}/tags", {"tags": ["vip", "refund"]}, format="json")
    assert tagged.status_code == 200 and tagged.json()["tags"] == ["refund", "vip"]
    assert agent_api.post(f"{url}/tags", {"tags": ["refund"]}, format="json").json()["tags"] == ["refund"]
    assert agent_api.post(f"{url}/tags", {"tags": "refund"}, format="json").status_code == 400
    texts = list(conversation.messages.filter(type="activity").values_list("text_content", flat=True))
    assert any("priority to Urgent" in text for text in texts)
    assert any("removed the tag(s) vip" in text for text in texts)


def test_subject_and_custom_attributes_update(admin, conversation):
    conversations.conversation_update(
        conversation=conversation, actor=admin, subject="  New   subject ", custom_attributes={"plan": "gold"}
    )
    conversations.conversation_update(
        conversation=conversation, actor=admin, custom_attributes={"plan": None, "seats": 3}
    )
    conversation.refresh_from_db()
    assert conversation.subject == "New subject" and conversation.custom_attributes == {"seats": 3}


def test_activity_entries_escape_names_and_subjects(admin, conversation):
    conversations.conversation_update(
        conversation=conversation, actor=admin, subject="<img src=x onerror=alert(1)>"
    )
    entry = conversation.messages.filter(type="activity", meta__action="subject_changed").get()
    assert "<img" not in entry.content and "&lt;img" in entry.content
