"""Inboxes, statuses, priorities and tags; per-organization defaults."""

from conversations.models import Inbox, Status
from helpdesk.services import accounts
from tests.conversations.factories import InboxFactory, make_conversation


def test_a_new_organization_gets_an_api_inbox_and_the_builtin_statuses(db):
    organization, _ = accounts.organization_create(
        name="Initech", owner_email="bill@initech.test", owner_password="pw-123456789"
    )
    assert list(Inbox.objects.filter(organization=organization).values_list("channel", flat=True)) == ["api"]
    assert sorted(Status.objects.filter(organization=organization).values_list("name", flat=True)) == [
        "Closed", "Open", "Resolved", "Snoozed",
    ]  # fmt: skip


def test_older_organizations_get_their_defaults_lazily(admin_api, org):
    assert not Inbox.objects.filter(organization=org).exists()
    inboxes = admin_api.get("/api/v1/inboxes").json()["results"]
    assert [(i["name"], i["channel"]) for i in inboxes] == [("API", "api")]
    statuses = admin_api.get("/api/v1/statuses").json()["results"]
    assert [s["name"] for s in statuses] == ["Open", "Snoozed", "Resolved", "Closed"]


def test_inbox_crud_is_for_admins(admin_api, agent_api, org):
    created = admin_api.post(
        "/api/v1/inboxes",
        {"name": "Support mail", "channel": "email", "email": "Help@Acme.test"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["email"] == "help@acme.test"
    pk = created.json()["id"]
    assert (
        admin_api.post("/api/v1/inboxes", {"name": "Mail", "channel": "email"}, format="json").status_code
        == 400
    )
    assert (
        admin_api.post("/api/v1/inboxes", {"name": "Fax", "channel": "fax"}, format="json").status_code == 400
    )
    assert agent_api.post("/api/v1/inboxes", {"name": "Agent's"}, format="json").status_code == 403
    assert agent_api.get(f"/api/v1/inboxes/{pk}").status_code == 200
    assert (
        admin_api.patch(f"/api/v1/inboxes/{pk}", {"enabled": False}, format="json").json()["enabled"] is False
    )
    assert admin_api.get("/api/v1/inboxes?channel=email").json()["count"] == 1
    assert admin_api.delete(f"/api/v1/inboxes/{pk}").status_code == 204


def test_an_inbox_with_conversations_cannot_be_deleted(admin_api, org):
    inbox = InboxFactory(organization=org)
    make_conversation(org, inbox=inbox)
    assert admin_api.delete(f"/api/v1/inboxes/{inbox.pk}").status_code == 409
    assert Inbox.objects.filter(pk=inbox.pk).exists()


def test_custom_statuses_crud_and_builtins_protected(admin_api, agent_api, admin, org):
    admin_api.get("/api/v1/statuses")
    created = admin_api.post("/api/v1/statuses", {"name": "On hold", "category": "snoozed"}, format="json")
    assert created.status_code == 201 and created.json()["is_builtin"] is False
    pk = created.json()["id"]
    assert admin_api.post("/api/v1/statuses", {"name": "on HOLD"}, format="json").status_code == 409
    assert (
        admin_api.post("/api/v1/statuses", {"name": "Weird", "category": "maybe"}, format="json").status_code
        == 400
    )
    assert agent_api.post("/api/v1/statuses", {"name": "Mine"}, format="json").status_code == 403
    assert (
        admin_api.put(f"/api/v1/statuses/{pk}", {"name": "Paused"}, format="json").json()["name"] == "Paused"
    )

    open_status = Status.objects.get(organization=org, name="Open")
    assert (
        admin_api.put(f"/api/v1/statuses/{open_status.pk}", {"name": "Active"}, format="json").status_code
        == 403
    )
    assert admin_api.delete(f"/api/v1/statuses/{open_status.pk}").status_code == 403

    conversation = make_conversation(org)
    from conversations.services import lifecycle

    lifecycle.conversation_set_status(
        conversation=conversation, status="Paused", actor=admin, snoozed_until="1h"
    )
    assert admin_api.delete(f"/api/v1/statuses/{pk}").status_code == 409
    lifecycle.conversation_set_status(conversation=conversation, status="Open", actor=admin)
    assert admin_api.delete(f"/api/v1/statuses/{pk}").status_code == 204


def test_priorities(agent_api):
    response = agent_api.get("/api/v1/priorities")
    assert response.status_code == 200
    assert response.json() == [
        {"id": 1, "name": "Low"}, {"id": 2, "name": "Medium"}, {"id": 3, "name": "High"}, {"id": 4, "name": "Urgent"},
    ]  # fmt: skip


def test_tags(agent_api, admin_api):
    created = agent_api.post("/api/v1/tags", {"name": "  refund  request "}, format="json")
    assert created.status_code == 201 and created.json()["name"] == "refund request"
    pk = created.json()["id"]
    assert agent_api.post("/api/v1/tags", {"name": "REFUND request"}, format="json").status_code == 409
    assert agent_api.put(f"/api/v1/tags/{pk}", {"name": "refunds"}, format="json").status_code == 403
    assert admin_api.put(f"/api/v1/tags/{pk}", {"name": "refunds"}, format="json").json()["name"] == "refunds"
    assert [t["name"] for t in agent_api.get("/api/v1/tags").json()["results"]] == ["refunds"]
    assert admin_api.delete(f"/api/v1/tags/{pk}").status_code == 204
