"""``chatbots`` CRUD: settings checked (allowed endpoints only, the organization's own documents
and team), Nova Chat's ``bot_name``, roles, plan limit, isolation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chatbots.models import Chatbot
from helpdesk.models import Plan
from tests.chatbots.factories import ChatbotFactory
from tests.factories import TeamFactory

pytestmark = pytest.mark.usefixtures("embedding_model")


def test_admin_creates_a_chatbot_with_novumdesk_fields(org, admin_api, knowledge, fake_ollama):
    team = TeamFactory(organization=org)
    payload = {
        "name": "Product Support Bot",
        "model": "llama3.2",
        "ollama_endpoint": fake_ollama.url,
        "temperature": 0.7,
        "max_tokens": 1000,
        "product_documents": [knowledge["warranty"].pk, f"doc_{knowledge['charging'].pk}"],
        "knowledge_categories": ["support", " support ", ""],
        "confidence_threshold": 0.4,
        "handoff_team": team.pk,
        "system_prompt": "Be brief.",
        "greeting_message": "Hi! How can I help?",
    }

    response = admin_api.post("/api/v1/chatbots", payload, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["bot_name"] == body["name"] == "Product Support Bot"
    assert body["product_documents"] == sorted([knowledge["warranty"].pk, knowledge["charging"].pk])
    assert body["knowledge_categories"] == ["support"]
    assert body["ollama_endpoint"] == fake_ollama.url and body["handoff_team"] == team.pk
    assert Chatbot.objects.get(pk=body["id"]).created_by is not None


def test_nova_chat_bot_name_and_defaults(org, admin_api, fake_ollama, settings):
    payload = {
        "bot_name": "SupportBot",
        "greeting_message": "Hi! How can I help?",
        "system_prompt": "Be friendly.",
    }

    body = admin_api.post("/api/v1/chatbots", payload, format="json").json()

    assert body["name"] == "SupportBot" and body["model"] == settings.OLLAMA_MODEL
    assert body["ollama_endpoint"] == "" and body["confidence_threshold"] == 0.35


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"name": ""}, "name"),
        ({"name": "Bot", "ollama_endpoint": "http://10.1.2.3:11434"}, "ollama_endpoint"),
        ({"name": "Bot", "ollama_endpoint": "ftp://example.com"}, "ollama_endpoint"),
        ({"name": "Bot", "model": "bad model name!"}, "model"),
        ({"name": "Bot", "temperature": 5}, "temperature"),
        ({"name": "Bot", "confidence_threshold": 1.5}, "confidence_threshold"),
        ({"name": "Bot", "max_tokens": 0}, "max_tokens"),
        ({"name": "Bot", "product_documents": ["abc"]}, "product_documents"),
        ({"name": "Bot", "product_documents": [999999]}, "product_documents"),
        ({"name": "Bot", "handoff_team": 999999}, "handoff_team"),
    ],
)
def test_invalid_settings_are_refused(admin_api, payload, field, fake_ollama):
    response = admin_api.post("/api/v1/chatbots", payload, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not Chatbot.objects.exists()


def test_another_organizations_documents_and_teams_are_refused(admin_api, other_org, knowledge, fake_ollama):
    foreign_team = TeamFactory(organization=other_org)

    documents = admin_api.post(
        "/api/v1/chatbots", {"name": "Bot", "product_documents": [knowledge["other_org"].pk]}, format="json"
    )
    team = admin_api.post("/api/v1/chatbots", {"name": "Bot", "handoff_team": foreign_team.pk}, format="json")

    assert documents.status_code == 400 and team.status_code == 400
    assert not Chatbot.objects.exists()


def test_endpoint_allowed_by_the_admin_is_accepted(org, admin_api, unreachable_ollama_host, fake_ollama):
    org.ollama_endpoints = [unreachable_ollama_host]
    org.save()
    refused = admin_api.post(
        "/api/v1/chatbots", {"name": "Bot", "ollama_endpoint": unreachable_ollama_host}, format="json"
    )
    assert refused.status_code == 400  # listed, but loopback also needs the outbound allow-list
    org.allowed_outbound_hosts = ["127.0.0.1"]
    org.save()

    response = admin_api.post(
        "/api/v1/chatbots", {"name": "Bot", "ollama_endpoint": unreachable_ollama_host + "/"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["ollama_endpoint"] == unreachable_ollama_host


def test_duplicate_name_conflicts(org, admin_api, fake_ollama):
    ChatbotFactory(organization=org, name="Helper")

    response = admin_api.post("/api/v1/chatbots", {"name": "helper"}, format="json")

    assert response.status_code == 409 and Chatbot.objects.count() == 1


def test_plan_limit_on_chatbots(org, admin_api, fake_ollama):
    org.plan = Plan.STARTER
    org.apply_plan_limits()
    org.save()
    ChatbotFactory(organization=org)

    response = admin_api.post("/api/v1/chatbots", {"name": "One too many"}, format="json")

    assert response.status_code == 409 and response.json()["code"] == "limit_exceeded"
    assert Chatbot.objects.count() == 1
    assert admin_api.get("/api/v1/account/status").json()["usage"]["chatbots"] == 1


def test_update_and_stale_derived_model(org, admin_api, fake_ollama):
    bot = ChatbotFactory(organization=org, derived_model_name="parley-acme-bot-1")

    same = admin_api.patch(f"/api/v1/chatbots/{bot.pk}", {"greeting_message": "Hello"}, format="json").json()
    changed = admin_api.put(
        f"/api/v1/chatbots/{bot.pk}", {"system_prompt": "New rules."}, format="json"
    ).json()

    assert same["derived_model_name"] == "parley-acme-bot-1"
    assert changed["derived_model_name"] == "" and changed["answer_model"] == bot.model


def test_agents_read_but_do_not_change_chatbots(org, agent_api, fake_ollama):
    bot = ChatbotFactory(organization=org, name="Helper")

    assert agent_api.get("/api/v1/chatbots").json()["count"] == 1
    assert agent_api.get(f"/api/v1/chatbots/chatbot_{bot.pk}").json()["name"] == "Helper"
    assert agent_api.post("/api/v1/chatbots", {"name": "Mine"}, format="json").status_code == 403
    assert agent_api.patch(f"/api/v1/chatbots/{bot.pk}", {"name": "X"}, format="json").status_code == 403
    assert agent_api.delete(f"/api/v1/chatbots/{bot.pk}").status_code == 403
    bot.refresh_from_db()
    assert bot.name == "Helper" and Chatbot.objects.count() == 1


def test_read_only_key_cannot_write(org, admin, api_for, fake_ollama):
    reader = api_for(admin, ["read"])

    assert reader.post("/api/v1/chatbots", {"name": "Bot"}, format="json").status_code == 403
    assert not Chatbot.objects.exists()


def test_another_organizations_chatbot_is_404(other_org, admin_api, fake_ollama):
    foreign = ChatbotFactory(organization=other_org, name="Theirs")

    assert admin_api.get(f"/api/v1/chatbots/{foreign.pk}").status_code == 404
    assert (
        admin_api.patch(f"/api/v1/chatbots/{foreign.pk}", {"name": "Mine"}, format="json").status_code == 404
    )
    assert admin_api.delete(f"/api/v1/chatbots/{foreign.pk}").status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Theirs"


def test_delete_chatbot(org, admin_api, fake_ollama):
    bot = ChatbotFactory(organization=org)

    assert admin_api.delete(f"/api/v1/chatbots/{bot.pk}").status_code == 204
    assert not Chatbot.objects.exists()


def test_chatbot_list_query_count_does_not_grow(org, admin_api, knowledge, fake_ollama):
    ChatbotFactory(organization=org, documents=[knowledge["warranty"]])
    admin_api.get("/api/v1/chatbots")
    with CaptureQueriesContext(connection) as few:
        admin_api.get("/api/v1/chatbots")
    for _ in range(4):
        ChatbotFactory(organization=org, documents=[knowledge["warranty"], knowledge["charging"]])
    with CaptureQueriesContext(connection) as many:
        body = admin_api.get("/api/v1/chatbots").json()

    assert body["count"] == 5
    assert len(many.captured_queries) == len(few.captured_queries)
