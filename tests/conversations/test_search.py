"""Search over conversations and messages (substring on SQLite, full text on PostgreSQL)."""

import pytest

from conversations.services import messages
from tests.conversations.factories import make_conversation


def test_conversation_search_by_subject_reference_and_email(agent_api, org, other_org):
    refund = make_conversation(org, subject="Refund for order 1234", email="ada@example.com")
    make_conversation(org, subject="Password reset", email="bob@example.com")
    make_conversation(other_org, subject="Refund at Globex")

    def found(query):
        response = agent_api.get(f"/api/v1/conversations/search?query={query}")
        assert response.status_code == 200, response.content
        return [row["uuid"] for row in response.json()["results"]]

    assert found("refund") == [str(refund.uuid)]
    assert found(f"%23{refund.reference_number}00") == []
    assert found("ada@example.com") == [str(refund.uuid)]
    result = agent_api.get("/api/v1/conversations/search?query=refund").json()["results"][0]
    assert (
        result["reference_number"] == str(refund.reference_number)
        and result["subject"] == "Refund for order 1234"
    )


def test_search_by_reference_number(agent_api, org):
    for _ in range(120):
        make_conversation(org, subject="Filler")
    response = agent_api.get("/api/v1/conversations/search?query=%23117").json()
    assert [row["reference_number"] for row in response["results"]] == ["117"]


def test_message_search_finds_messages_and_notes_not_activity(agent_api, admin, org, other_org):
    conversation = make_conversation(org, content="My invoice is wrong")
    messages.message_create(
        conversation=conversation, content="Invoice corrected internally", actor=admin, private=True
    )
    make_conversation(other_org, content="Invoice at Globex")

    response = agent_api.get("/api/v1/messages/search?query=invoice")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert sorted(row["text_content"] for row in rows) == [
        "Invoice corrected internally",
        "My invoice is wrong",
    ]
    assert rows[0]["conversation_uuid"] == str(conversation.uuid)
    assert rows[0]["conversation_reference_number"] == str(conversation.reference_number)
    assert agent_api.get("/api/v1/messages/search?query=opened").json()["count"] == 0  # activity entries


def test_queries_shorter_than_three_characters_are_refused(agent_api):
    assert agent_api.get("/api/v1/conversations/search?query=ab").status_code == 400
    assert agent_api.get("/api/v1/messages/search").status_code == 400


def test_search_counts_stop_at_the_cap_and_results_stay_newest_first(agent_api, org, monkeypatch, clock):
    from conversations.selectors import search

    monkeypatch.setattr(search, "MAX_COUNTED", 3)
    monkeypatch.setattr(search, "SPARSE_MATCHES", 1)
    for index in range(5):
        clock.advance(minutes=1)
        make_conversation(org, content=f"Printer jam number {index}")
    body = agent_api.get("/api/v1/messages/search?query=printer&per_page=2").json()
    assert body["count"] == 3 and body["total_pages"] == 2
    assert [row["text_content"] for row in body["results"]] == [
        "Printer jam number 4",
        "Printer jam number 3",
    ]


def test_postgresql_keeps_the_stored_search_vector_up_to_date(agent_api, org):
    from django.db import connection

    from conversations.models import Message

    if connection.vendor != "postgresql":
        pytest.skip("the stored search vector exists on PostgreSQL only (PARLEY_INTEGRATION=1)")
    conversation = make_conversation(org, content="Blue widget broken")
    message = conversation.messages.get(type="incoming")
    assert "widget" in str(Message.objects.values_list("search_vector", flat=True).get(pk=message.pk))
    message.text_content = "Red gadget broken"
    message.save()
    assert agent_api.get("/api/v1/messages/search?query=widget").json()["count"] == 0
    assert agent_api.get("/api/v1/messages/search?query=gadget").json()["count"] == 1


def test_api_and_ui_search_find_a_conversation_by_message_text_and_contact_name(
    agent_api, agent, client, org, other_org
):
    from django.urls import reverse

    parcel = make_conversation(
        org, subject="Delivery", content="The parcel was damaged in transit", email="zed@example.com"
    )
    named = make_conversation(org, subject="Question", first_name="Zoe", last_name="Quinlan")
    make_conversation(org, subject="Other", content="Nothing to see")
    make_conversation(other_org, subject="Globex", content="Another damaged parcel", first_name="Zoe")
    client.force_login(agent.user)
    session = client.session
    session["organization_id"] = org.pk
    session.save()

    def api(query):
        response = agent_api.get("/api/v1/conversations/search", {"query": query})
        assert response.status_code == 200, response.content
        return [row["uuid"] for row in response.json()["results"]]

    def api_list(query):
        response = agent_api.get("/api/v1/conversations/all", {"search": query})
        assert response.status_code == 200, response.content
        return [row["uuid"] for row in response.json()["results"]]

    def ui(query):
        response = client.get(reverse("conversations:inbox"), {"tab": "all", "q": query})
        assert response.status_code == 200
        return [str(conversation.uuid) for conversation in response.context["rows"]]

    for query, expected in (("damaged", parcel), ("Zoe", named), ("quinlan", named)):
        assert api(query) == api_list(query) == ui(query) == [str(expected.uuid)], query
