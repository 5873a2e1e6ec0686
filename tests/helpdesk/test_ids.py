"""Ids past what a 64-bit id column holds are bad input (400) or unknown rows (404), never a 500:
in bodies, in list filters, in paths; OPTIONS on a write describes it instead of failing."""

import pytest

from tests.conversations.factories import make_conversation

TOO_BIG = 2**64
BIG_BUT_VALID = 2**63 - 1


@pytest.fixture
def conversation(org):
    return make_conversation(org, email="ada@example.com", subject="Broken order")


@pytest.mark.parametrize("value", [TOO_BIG, -1, 0, True, "12abc"])
def test_attachment_ids_out_of_range_are_refused(admin_api, conversation, value):
    response = admin_api.post(
        f"/api/v1/conversations/{conversation.uuid}/messages",
        {"message": "Here it is", "attachments": [value]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "attachments" in response.json()["fields"]


def test_the_largest_id_is_an_unknown_attachment_not_an_error(admin_api, conversation):
    response = admin_api.post(
        f"/api/v1/conversations/{conversation.uuid}/messages",
        {"message": "Here it is", "attachments": [BIG_BUT_VALID]},
        format="json",
    )

    assert response.status_code in (400, 404)
    assert "error" in response.json()


@pytest.mark.parametrize("field", ["team_id", "agent_id", "inbox_id"])
def test_conversation_create_refuses_huge_ids(admin_api, field):
    response = admin_api.post(
        "/api/v1/conversations",
        {"subject": "Hi", "content": "Hello", "contact_email": "ada@example.com", field: TOO_BIG},
        format="json",
    )

    assert response.status_code == 400
    assert field in response.json()["fields"]


@pytest.mark.parametrize("param", ["team_id", "team", "inbox", "contact_id", "assignee"])
def test_list_filters_refuse_huge_ids(admin_api, conversation, param):
    response = admin_api.get(f"/api/v1/conversations/all?{param}={TOO_BIG}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_huge_ids_in_knowledge_search_are_refused(admin_api):
    response = admin_api.post(
        "/api/v1/knowledge/search", {"query": "refunds", "document_ids": [TOO_BIG]}, format="json"
    )

    assert response.status_code == 400
    assert "document_ids" in response.json()["fields"]


def test_huge_product_document_ids_are_refused(admin_api):
    response = admin_api.post(
        "/api/v1/chatbots", {"name": "Helper", "product_documents": [str(TOO_BIG)]}, format="json"
    )

    assert response.status_code == 400
    assert "product_documents" in response.json()["fields"]


def test_team_business_hours_id_out_of_range_is_refused(admin_api):
    response = admin_api.post(
        "/api/v1/teams", {"name": "Support", "business_hours_id": TOO_BIG}, format="json"
    )

    assert response.status_code == 400
    assert "business_hours_id" in response.json()["fields"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/contacts/{id}", "/api/v1/agents/{id}", "/api/v1/teams/{id}", "/api/v1/documents/{id}"],
)
def test_huge_ids_in_paths_are_not_found(admin_api, path):
    response = admin_api.get(path.format(id=TOO_BIG))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_options_on_message_retry_describes_the_write(admin_api, conversation):
    message = conversation.messages.first()

    response = admin_api.options(f"/api/v1/conversations/{conversation.uuid}/messages/{message.uuid}/retry")

    assert response.status_code == 200
    assert "PUT" in response["Allow"]
