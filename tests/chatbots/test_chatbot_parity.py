"""The UI and the API call the same chatbot services: the same settings give the same bot, and a
refusal (name taken, another organization's team or documents) changes nothing in either."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chatbots.models import Chatbot
from helpdesk.models import Team
from tests.chatbots.factories import ChatbotFactory
from tests.chatbots.test_ui_chatbots import plain_document, signed_in

SETTINGS = {
    "model": "llama3.2",
    "temperature": 0.3,
    "max_tokens": 800,
    "system_prompt": "  Be brief.  ",
    "greeting_message": "Hello there!",
    "knowledge_categories": ["support"],
    "confidence_threshold": 0.4,
    "handoff_enabled": False,
    "is_active": True,
}
COMPARED = [*SETTINGS, "ollama_endpoint", "handoff_team_id", "derived_model_name"]


@pytest.fixture(autouse=True)
def support_category(org):
    """A document of the category the settings name (the form offers only existing ones)."""
    return plain_document(org, "Support notes", category="support")


def _form(settings: dict) -> dict:
    data = {key: value for key, value in settings.items() if not isinstance(value, bool)}
    data.update({key: "on" for key, value in settings.items() if value is True})
    return data


def _stored(bot: Chatbot) -> dict:
    bot.refresh_from_db()
    values = {name: getattr(bot, name) for name in COMPARED}
    values["product_documents"] = sorted(document.pk for document in bot.product_documents.all())
    return values


def test_api_and_ui_create_the_same_chatbot(client, admin, admin_api, org, fake_ollama):
    team = Team.objects.create(organization=org, name="Tier 1")
    manual = plain_document(org, "Manual", category="support")
    settings = {**SETTINGS, "handoff_team": team.pk, "product_documents": [manual.pk]}

    api = admin_api.post("/api/v1/chatbots", {**settings, "name": "API bot"}, format="json")
    ui = signed_in(client, admin).post(reverse("chatbots:create"), _form({**settings, "name": "UI bot"}))

    assert api.status_code == 201, api.content
    assert ui.status_code == 302
    from_api, from_ui = Chatbot.objects.get(name="API bot"), Chatbot.objects.get(name="UI bot")
    assert _stored(from_api) == _stored(from_ui)
    assert from_ui.system_prompt == "Be brief." and from_ui.handoff_team == team


def test_api_and_ui_update_a_chatbot_the_same_way(client, admin, admin_api, org, fake_ollama):
    by_api = ChatbotFactory(organization=org, name="One", derived_model_name="parley-acme-one-1")
    by_ui = ChatbotFactory(organization=org, name="Two", derived_model_name="parley-acme-two-1")

    api = admin_api.put(f"/api/v1/chatbots/{by_api.pk}", SETTINGS, format="json")
    ui = signed_in(client, admin).post(
        reverse("chatbots:settings", args=[by_ui.pk]), _form({**SETTINGS, "name": "Two"})
    )

    assert api.status_code == 200, api.content
    assert ui.status_code == 302
    assert _stored(by_api) == _stored(by_ui)
    assert by_api.derived_model_name == ""  # the system prompt changed: the derived model is stale


@pytest.mark.parametrize("via", ["api", "ui"])
def test_a_taken_name_is_refused_and_nothing_changes(via, client, admin, admin_api, org, fake_ollama):
    ChatbotFactory(organization=org, name="Helper")
    bot = ChatbotFactory(organization=org, name="Widget helper", temperature=0.2)
    before = _stored(bot)

    if via == "api":
        response = admin_api.patch(
            f"/api/v1/chatbots/{bot.pk}", {"name": "HELPER", "temperature": 1.5}, format="json"
        )
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "conflict" and "name" in body["fields"]
    else:
        data = _form({**SETTINGS, "name": "HELPER", "temperature": 1.5})
        response = signed_in(client, admin).post(reverse("chatbots:settings", args=[bot.pk]), data)
        assert response.status_code == 400
        assert "exists already" in response.context["form"].errors["name"][0]

    bot.refresh_from_db()
    assert bot.name == "Widget helper" and _stored(bot) == before


@pytest.mark.parametrize("via", ["api", "ui"])
def test_another_organizations_team_and_documents_are_refused_on_update(
    via, client, admin, admin_api, org, other_org, fake_ollama
):
    mine = plain_document(org, "Mine")
    bot = ChatbotFactory(organization=org, name="Widget helper", documents=[mine])
    foreign_team = Team.objects.create(organization=other_org, name="Globex team")
    foreign_document = plain_document(other_org, "Globex manual")
    before = _stored(bot)

    for change in ({"handoff_team": foreign_team.pk}, {"product_documents": [foreign_document.pk]}):
        field = next(iter(change))
        if via == "api":
            response = admin_api.patch(f"/api/v1/chatbots/{bot.pk}", change, format="json")
            assert response.status_code == 400
            assert field in response.json()["fields"]
        else:
            data = _form({**SETTINGS, "name": "Widget helper", **change})
            response = signed_in(client, admin).post(reverse("chatbots:settings", args=[bot.pk]), data)
            assert response.status_code == 400
            assert field in response.context["form"].errors
        assert _stored(bot) == before
