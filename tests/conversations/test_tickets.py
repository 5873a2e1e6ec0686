"""Novumdesk's tickets facade over conversations."""

import pytest

from conversations.models import Conversation
from tests.conversations.factories import make_conversation
from tests.factories import MembershipFactory, TeamFactory


def test_create_ticket_the_novumdesk_way(admin_api, capture_events, django_capture_on_commit_callbacks):
    body = {
        "subject": "Support Request",
        "description": "I need help with...",
        "priority": "medium",
        "customer_email": "customer@example.com",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post("/api/v1/tickets", body, format="json")
    assert response.status_code == 201, response.content
    ticket = response.json()
    assert ticket["id"] == 1 and ticket["reference_number"] == "1"
    assert (ticket["subject"], ticket["description"], ticket["status"], ticket["priority"]) == (
        "Support Request", "I need help with...", "open", "medium",
    )  # fmt: skip
    assert ticket["customer_email"] == "customer@example.com"
    created = next(payload for name, payload in capture_events if name == "ticket.created")
    assert created["contact"]["email"] == "customer@example.com" and created["reference_number"] == "1"


def test_list_filter_and_get_by_number_or_uuid(admin_api, admin, org):
    first = make_conversation(org, subject="one", content="first words")
    make_conversation(org, subject="two")
    from conversations.services import lifecycle

    lifecycle.conversation_set_status(conversation=first, status="Resolved", actor=admin)

    listed = admin_api.get("/api/v1/tickets?page=1&per_page=1")
    assert listed.json()["count"] == 2 and len(listed.json()["results"]) == 1
    resolved = admin_api.get("/api/v1/tickets?status=resolved").json()["results"]
    assert [t["subject"] for t in resolved] == ["one"] and resolved[0]["description"] == "first words"
    assert admin_api.get("/api/v1/tickets?status=exploded").status_code == 400

    by_number = admin_api.get(f"/api/v1/tickets/{first.reference_number}")
    by_uuid = admin_api.get(f"/api/v1/tickets/{first.uuid}")
    assert by_number.status_code == by_uuid.status_code == 200
    assert by_number.json() == by_uuid.json()
    assert admin_api.get("/api/v1/tickets/9999").status_code == 404


def test_update_ticket(admin_api, org, capture_events, django_capture_on_commit_callbacks):
    ticket = make_conversation(org)
    team = TeamFactory(organization=org)
    agent = MembershipFactory(organization=org)
    agent.teams.add(team)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.put(
            f"/api/v1/tickets/{ticket.reference_number}",
            {"status": "resolved", "priority": "high", "subject": "Renamed", "team_id": team.pk,
             "assignee_id": agent.pk, "tags": ["billing"]},
            format="json",
        )  # fmt: skip
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["status"], data["priority"], data["subject"]) == ("resolved", "high", "Renamed")
    assert (data["team_id"], data["assignee_id"], data["tags"]) == (team.pk, agent.pk, ["billing"])
    names = [name for name, _ in capture_events]
    assert "ticket.resolved" in names and "ticket.updated" in names


@pytest.mark.parametrize(
    "body", [{"status": "exploded"}, {"priority": "whenever"}, {"assignee_id": 999999}, {"status": "snoozed"}]
)
def test_bad_updates_change_nothing(admin_api, org, body):
    ticket = make_conversation(org)
    response = admin_api.put(f"/api/v1/tickets/{ticket.uuid}", {"priority": "low", **body}, format="json")
    assert response.status_code in (400, 404)
    ticket = Conversation.objects.get(pk=ticket.pk)
    assert ticket.priority is None and ticket.status.name == "Open"


def test_create_refuses_bad_input(admin_api):
    assert (
        admin_api.post(
            "/api/v1/tickets", {"subject": "x", "description": "y", "customer_email": "nope"}, format="json"
        ).status_code
        == 400
    )
    assert (
        admin_api.post(
            "/api/v1/tickets", {"subject": "x", "customer_email": "a@b.test"}, format="json"
        ).status_code
        == 400
    )
    assert not Conversation.objects.exists()
