"""``POST agentic-rag/analyze`` {conversation_id} → {drafts, count, message}: Q&A drafts from a
conversation (widget ones included) that an agent approves into the knowledge base. Business
plan and up (starter → 403); another organization's conversation → 404; bad input → 400; with
Ollama down the drafts are the conversation's own exchanges."""

import json

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from conversations.models import Conversation, SenderType
from conversations.services.domains import domain_bind
from conversations.services.messages import message_create
from helpdesk.models import Plan
from knowledge.models import KnowledgeItem
from tests.chatbots.conftest import chat_requests, prompt_text
from tests.isolation import assert_error_shape

URL = "/api/v1/agentic-rag/analyze"
PAIRS = {
    "pairs": [
        {
            "question": "How long does shipping take?",
            "answer": "3-5 business days [1].",
            "category": "Shipping",
        },
        {"question": "  ", "answer": "dropped: no question"},
        {"question": "How long does shipping take?", "answer": "a duplicate"},
        {"question": "Can I return an item?", "answer": "Yes, within 30 days.", "category": "Returns"},
    ]
}


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


@pytest.fixture
def widget_conversation(org, agent):
    """A visitor's widget conversation, answered by the bot and by an agent, with a private note."""
    domain = domain_bind(organization=org, website_url="https://shop.example.com")
    body = APIClient().post(
        f"/api/v1/widget/conversations?website_token={domain.website_token}",
        {"contact": {"name": "Jo", "email": "jo@example.com"}, "message": "How long does shipping take?"},
        format="json",
    )
    assert body.status_code == 201, body.content
    conversation = Conversation.objects.get(pk=body.json()["id"])
    message_create(
        conversation=conversation,
        content="Usually 3-5 business days.",
        actor=None,
        sender_type=SenderType.BOT,
    )
    message_create(
        conversation=conversation, content="Jo is a VIP, secret code 1234", actor=agent, private=True
    )
    message_create(
        conversation=conversation, content="Can I return it?", actor=None, sender_type=SenderType.CONTACT
    )
    message_create(conversation=conversation, content="Yes, within 30 days.", actor=agent)
    return conversation


def test_drafts_from_a_widget_conversation(agent_api, widget_conversation, fake_ollama):
    fake_ollama.reply_with = json.dumps(PAIRS)

    response = agent_api.post(URL, {"conversation_id": widget_conversation.pk}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2 and body["message"] == "2 Q&A pairs extracted" and body["method"] == "ollama"
    assert body["drafts"] == [
        {
            "title": "How long does shipping take?",
            "content": "3-5 business days.",
            "category": "Shipping",
            "tags": [],
        },
        {
            "title": "Can I return an item?",
            "content": "Yes, within 30 days.",
            "category": "Returns",
            "tags": [],
        },
    ]
    (request,) = chat_requests(fake_ollama)
    text = prompt_text(request)
    assert "Customer: How long does shipping take?" in text and "Support: Yes, within 30 days." in text
    assert "secret code" not in text  # private notes never become public answers
    assert request["format"]["required"] == ["pairs"]
    assert not KnowledgeItem.objects.exists()  # drafts only: approving is the agent's step


def test_the_conversation_uuid_works_too_and_known_questions_are_left_out(
    org, agent_api, widget_conversation, fake_ollama
):
    KnowledgeItem.objects.create(organization=org, title="can i return an item?", content="Yes.")
    fake_ollama.reply_with = json.dumps(PAIRS)

    body = agent_api.post(URL, {"conversation_id": str(widget_conversation.uuid)}, format="json").json()

    assert [draft["title"] for draft in body["drafts"]] == ["How long does shipping take?"]
    assert body["message"] == "1 Q&A pair extracted"


def test_approved_drafts_import_into_the_knowledge_base(admin_api, widget_conversation, fake_ollama):
    fake_ollama.reply_with = json.dumps(PAIRS)
    drafts = admin_api.post(URL, {"conversation_id": widget_conversation.pk}, format="json").json()["drafts"]

    imported = admin_api.post("/api/v1/knowledge_base/items/import", drafts[:1], format="json")

    assert imported.status_code in (200, 201), imported.content
    assert list(KnowledgeItem.objects.values_list("title", flat=True)) == ["How long does shipping take?"]


def test_with_ollama_down_the_drafts_are_the_exchanges(agent_api, widget_conversation, ollama_down):
    body = agent_api.post(URL, {"conversation_id": widget_conversation.pk}, format="json").json()

    assert body["method"] == "extractive" and body["count"] == 2
    assert body["drafts"][0] == {
        "title": "How long does shipping take?",
        "content": "Usually 3-5 business days.",
        "category": "",
        "tags": [],
    }
    assert body["drafts"][1]["title"] == "Can I return it?"
    assert "secret" not in json.dumps(body)


def test_a_starter_plan_gets_403(org, agent_api, widget_conversation, fake_ollama):
    org.plan = Plan.STARTER
    org.save()

    response = agent_api.post(URL, {"conversation_id": widget_conversation.pk}, format="json")

    body = assert_error_shape(response, 403, "permission_denied")
    assert "starter" in body["error"] and chat_requests(fake_ollama) == []


@pytest.mark.parametrize(
    "payload,field",
    [
        ({}, "conversation_id"),
        ({"conversation_id": "abc"}, "conversation_id"),
        ({"conversation_id": "x" * 65}, "conversation_id"),
    ],
)
def test_bad_input_is_400(agent_api, payload, field, fake_ollama):
    body = assert_error_shape(agent_api.post(URL, payload, format="json"), 400)
    assert field in body["fields"]


def test_unknown_conversation_is_404(agent_api, fake_ollama):
    assert_error_shape(agent_api.post(URL, {"conversation_id": 999999}, format="json"), 404, "not_found")


def test_a_conversation_without_an_answer_is_400(org, agent_api, fake_ollama):
    from tests.conversations.factories import make_conversation

    conversation = make_conversation(org, email="ada@example.com", subject="Hi", content="Is anyone there?")

    body = assert_error_shape(agent_api.post(URL, {"conversation_id": conversation.pk}, format="json"), 400)
    assert "answered" in body["error"] and chat_requests(fake_ollama) == []


def test_signed_out_is_401():
    assert APIClient().post(URL, {"conversation_id": 1}, format="json").status_code == 401


def test_documented_in_the_schema(tmp_path, db):
    import yaml
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    schema = yaml.safe_load(target.read_text())

    operation = schema["paths"]["/api/v1/agentic-rag/analyze"]["post"]
    assert {"200", "400", "403", "404"} <= set(operation["responses"])
    response = schema["components"]["schemas"]["AnalyzeResponse"]
    assert {"drafts", "count", "message"} <= set(response["properties"])
