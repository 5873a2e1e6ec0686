"""The chatbots UI: the list, creating and editing a bot, deleting it, the Ollama banner; with
permissions (agents read, admins change), organization isolation and escaped bot names.

The helpers at the top (``signed_in``, ``plain_document``, ``answered``) are shared by the other
``test_ui_*`` modules of this folder."""

from __future__ import annotations

import hashlib

import pytest
from django.core.cache import cache
from django.urls import reverse

from chatbots.models import Chatbot, ChatMessage, ChatSession, MessageRole
from helpdesk.models import Team
from knowledge.models import Document, DocumentStatus
from tests.chatbots.factories import ChatbotFactory

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def signed_in(client, membership):
    client.force_login(membership.user)
    return client


def plain_document(
    organization, title: str, *, status=DocumentStatus.PROCESSED, category: str = "", **fields
):
    """A document row without ingestion (for pickers and validation; nothing to retrieve)."""
    digest = hashlib.sha256(f"{organization.pk}:{title}".encode()).hexdigest()
    return Document.objects.create(
        organization=organization,
        title=title,
        category=category,
        file=f"knowledge/{organization.pk}/{digest[:12]}.txt",
        original_filename=f"{title}.txt",
        format="txt",
        content_type="text/plain",
        size=100,
        sha256=digest,
        status=status,
        chunk_count=3 if status == DocumentStatus.PROCESSED else 0,
        **fields,
    )


def answered(
    chatbot,
    question: str,
    answer: str,
    *,
    confidence=0.8,
    rating=0,
    mode="llm",
    verified=0,
    read=0,
    sources=None,
    membership=None,
):
    """A stored question and its answer (what the monitor reviews), as the answerer leaves them."""
    session = ChatSession.objects.create(
        organization=chatbot.organization,
        chatbot=chatbot,
        created_by=membership,
        title=question[:120],
        username=membership.user.email if membership else "visitor",
        message_count=2,
    )
    ChatMessage.objects.create(
        organization=chatbot.organization, session=session, index=0, role=MessageRole.USER, content=question
    )
    return ChatMessage.objects.create(
        organization=chatbot.organization,
        session=session,
        index=1,
        role=MessageRole.ASSISTANT,
        content=answer,
        question=question,
        confidence=confidence,
        rating=rating,
        mode=mode,
        verification_indicator=verified,
        read_indicator=read,
        sources=sources or [],
    )


@pytest.fixture(autouse=True)
def forget_ollama_status():
    cache.clear()
    yield
    cache.clear()


def _form_data(**changes) -> dict:
    data = {
        "name": "Support bot",
        "model": "llama3.2",
        "ollama_endpoint": "",
        "temperature": "0.3",
        "max_tokens": "800",
        "system_prompt": "Be brief.",
        "greeting_message": "Hello there!",
        "confidence_threshold": "0.4",
        "handoff_enabled": "on",
        "handoff_team": "",
        "is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# ---------- list ----------


def test_list_empty_state_tells_an_admin_what_to_do(client, admin):
    response = signed_in(client, admin).get(reverse("chatbots:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Create your first chatbot" in body
    assert reverse("chatbots:create") in body
    assert reverse("knowledge:upload") in body  # no documents yet: where to get some


def test_list_shows_cards_with_their_settings(client, admin, org):
    team = Team.objects.create(organization=org, name="Tier 1")
    document = plain_document(org, "Manual")
    ChatbotFactory(
        organization=org,
        name="Widget helper",
        documents=[document],
        confidence_threshold=0.45,
        handoff_team=team,
    )
    ChatbotFactory(organization=org, name="Sleeping bot", is_active=False, handoff_enabled=False)
    response = signed_in(client, admin).get(reverse("chatbots:list"))
    body = response.content.decode()
    assert "Widget helper" in body and "Sleeping bot" in body
    assert "llama3.2" in body
    assert "45%" in body and "Tier 1" in body
    assert "Create your first chatbot" not in body


def test_list_sums_up_the_answers_to_review_for_admins(client, admin, agent, org):
    bot = ChatbotFactory(organization=org, name="Widget helper")
    answered(bot, "How long?", "Two years [1].", confidence=0.9, rating=1, read=1)
    answered(bot, "What colour?", "I don't know.", confidence=0.1, rating=-1)
    response = signed_in(client, admin).get(reverse("chatbots:list"))
    assert response.context["counts"] == {"all": 2, "low": 1, "thumbs_down": 1, "unverified": 2, "unread": 1}
    body = response.content.decode()
    assert f'href="{reverse("chatbots:monitor")}?show=thumbs_down"' in body
    client.logout()
    response = signed_in(client, agent).get(reverse("chatbots:list"))
    assert response.context["counts"] is None
    assert reverse("chatbots:monitor") not in response.content.decode()


def test_list_shows_only_the_organizations_bots(client, admin, other_org):
    ChatbotFactory(organization=other_org, name="Globex secret bot")
    body = signed_in(client, admin).get(reverse("chatbots:list")).content.decode()
    assert "Globex secret bot" not in body
    assert "Create your first chatbot" in body


def test_agents_see_the_list_without_configuration_buttons(client, agent, org):
    ChatbotFactory(organization=org, name="Widget helper")
    body = signed_in(client, agent).get(reverse("chatbots:list")).content.decode()
    assert "Widget helper" in body
    assert reverse("chatbots:create") not in body
    assert reverse("chatbots:playground", args=[Chatbot.objects.get().pk]) in body


def test_navigation_has_chatbots_and_the_ai_provider_settings_page(client, admin, agent):
    body = signed_in(client, admin).get(reverse("settings:profile")).content.decode()
    assert reverse("chatbots:list") in body and 'data-shortcut="g b"' in body
    assert reverse("chatbots:ai-provider") in body
    client.logout()
    body = signed_in(client, agent).get(reverse("settings:profile")).content.decode()
    assert reverse("chatbots:list") in body
    assert reverse("chatbots:ai-provider") not in body


def test_signed_out_people_are_sent_to_the_login_page(client):
    response = client.get(reverse("chatbots:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_bot_names_are_escaped_everywhere(client, admin, org):
    bot = ChatbotFactory(organization=org, name=XSS, greeting_message=XSS, system_prompt=XSS)
    signed_in(client, admin)
    for url in (
        reverse("chatbots:list"),
        reverse("chatbots:settings", args=[bot.pk]),
        reverse("chatbots:playground", args=[bot.pk]),
        reverse("chatbots:training", args=[bot.pk]),
    ):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
        assert "&lt;script&gt;alert" in body, url


# ---------- create ----------


def test_create_page_lists_the_models_ollama_has(client, admin, fake_ollama):
    body = signed_in(client, admin).get(reverse("chatbots:create")).content.decode()
    assert '<select name="model"' in body
    assert "llama3.2:latest" in body
    assert "not reachable" not in body


def test_create_page_falls_back_to_free_text_when_ollama_is_down(client, admin, ollama_down):
    body = signed_in(client, admin).get(reverse("chatbots:create")).content.decode()
    assert '<input type="text" name="model"' in body
    assert "Ollama is not reachable, so its models cannot be listed" in body
    assert f'Ollama at <span class="mono">{ollama_down}</span> is not reachable' in body


def test_create_a_chatbot(client, admin, org, fake_ollama):
    team = Team.objects.create(organization=org, name="Tier 1")
    manual = plain_document(org, "Manual", category="support")
    plain_document(org, "Draft", status=DocumentStatus.PROCESSING)
    data = _form_data(
        product_documents=[str(manual.pk)], knowledge_categories=["support"], handoff_team=str(team.pk)
    )
    response = signed_in(client, admin).post(reverse("chatbots:create"), data)
    bot = Chatbot.objects.get(organization=org)
    assert response.status_code == 302
    assert response["Location"] == reverse("chatbots:playground", args=[bot.pk])
    assert bot.name == "Support bot" and bot.model == "llama3.2"
    assert bot.temperature == 0.3 and bot.max_tokens == 800 and bot.confidence_threshold == 0.4
    assert bot.greeting_message == "Hello there!" and bot.system_prompt == "Be brief."
    assert list(bot.product_documents.all()) == [manual]
    assert bot.knowledge_categories == ["support"]
    assert bot.handoff_enabled and bot.handoff_team == team and bot.is_active
    assert bot.created_by == admin


def test_create_offers_only_processed_documents(client, admin, org, fake_ollama):
    plain_document(org, "Ready manual")
    plain_document(org, "Still processing", status=DocumentStatus.PROCESSING)
    body = signed_in(client, admin).get(reverse("chatbots:create")).content.decode()
    assert "Ready manual" in body and "Still processing" not in body


def test_create_shows_validation_errors_inline_and_creates_nothing(client, admin, org, fake_ollama):
    data = _form_data(name="", temperature="5", max_tokens="0", confidence_threshold="1.5")
    response = signed_in(client, admin).post(reverse("chatbots:create"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"name", "temperature", "max_tokens", "confidence_threshold"}
    assert 'class="field__error"' in response.content.decode()
    assert not Chatbot.objects.exists()


def test_create_shows_the_services_refusal_on_its_field(client, admin, org, fake_ollama):
    ChatbotFactory(organization=org, name="Support bot")
    response = signed_in(client, admin).post(
        reverse("chatbots:create"), _form_data(name="Other bot", model="not a model!")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["model"]
    response = client.post(reverse("chatbots:create"), _form_data(name="support BOT"))
    assert response.status_code == 400
    assert "exists already" in response.context["form"].errors["name"][0]
    assert Chatbot.objects.filter(organization=org).count() == 1


def test_create_refuses_another_organizations_documents_and_teams(client, admin, org, other_org, fake_ollama):
    foreign = plain_document(other_org, "Globex manual")
    foreign_team = Team.objects.create(organization=other_org, name="Globex team")
    data = _form_data(product_documents=[str(foreign.pk)], handoff_team=str(foreign_team.pk))
    response = signed_in(client, admin).post(reverse("chatbots:create"), data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"product_documents", "handoff_team"}
    assert "Globex manual" not in response.content.decode()
    assert not Chatbot.objects.exists()


def test_agents_cannot_create_chatbots(client, agent, org, fake_ollama):
    signed_in(client, agent)
    assert client.get(reverse("chatbots:create")).status_code == 403
    assert client.post(reverse("chatbots:create"), _form_data()).status_code == 403
    assert not Chatbot.objects.exists()


# ---------- settings ----------


def test_settings_page_shows_the_current_values(client, admin, org, fake_ollama):
    manual = plain_document(org, "Manual")
    bot = ChatbotFactory(
        organization=org, name="Widget helper", documents=[manual], confidence_threshold=0.55
    )
    response = signed_in(client, admin).get(reverse("chatbots:settings", args=[bot.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Widget helper"' in body
    assert f'value="{manual.pk}"' in body and "checked" in body
    assert "55%" in body
    assert "Delete chatbot" in body
    # the bot's "llama3.2" is the server's "llama3.2:latest": selected, not listed twice
    assert '<option value="llama3.2" selected>llama3.2:latest</option>' in body
    assert body.count('value="llama3.2') == 1


def test_edit_a_chatbot(client, admin, org, fake_ollama):
    bot = ChatbotFactory(organization=org, name="Widget helper", handoff_enabled=True, is_active=True)
    data = _form_data(name="Widget expert", handoff_enabled=None, is_active=None, confidence_threshold="0.6")
    response = signed_in(client, admin).post(reverse("chatbots:settings", args=[bot.pk]), data)
    assert response.status_code == 302
    bot.refresh_from_db()
    assert bot.name == "Widget expert" and bot.confidence_threshold == 0.6
    assert not bot.handoff_enabled and not bot.is_active


def test_edit_errors_are_shown_inline_and_nothing_changes(client, admin, org, fake_ollama):
    bot = ChatbotFactory(organization=org, name="Widget helper")
    response = signed_in(client, admin).post(reverse("chatbots:settings", args=[bot.pk]), _form_data(name=""))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    bot.refresh_from_db()
    assert bot.name == "Widget helper"


def test_endpoints_offered_are_the_allowed_ones_and_others_are_refused(client, admin, org, fake_ollama):
    org.ollama_endpoints = ["http://10.1.2.3:11434"]
    org.allowed_outbound_hosts = ["10.1.2.3"]
    org.save()
    bot = ChatbotFactory(organization=org, name="Widget helper")
    signed_in(client, admin)
    body = client.get(reverse("chatbots:settings", args=[bot.pk])).content.decode()
    assert '<option value="http://10.1.2.3:11434">' in body
    response = client.post(
        reverse("chatbots:settings", args=[bot.pk]), _form_data(ollama_endpoint="http://evil.example:11434")
    )
    assert response.status_code == 400 and response.context["form"].errors["ollama_endpoint"]
    bot.refresh_from_db()
    assert bot.ollama_endpoint == ""


def test_agents_read_settings_but_cannot_change_them(client, agent, org, fake_ollama):
    bot = ChatbotFactory(organization=org, name="Widget helper")
    signed_in(client, agent)
    response = client.get(reverse("chatbots:settings", args=[bot.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Only admins can change a chatbot" in body and "disabled" in body
    assert "Delete chatbot" not in body
    response = client.post(reverse("chatbots:settings", args=[bot.pk]), _form_data(name="Hijacked"))
    assert response.status_code == 403
    bot.refresh_from_db()
    assert bot.name == "Widget helper"


def test_another_organizations_chatbot_is_not_found(client, admin, other_org, fake_ollama):
    foreign = ChatbotFactory(organization=other_org, name="Globex bot")
    signed_in(client, admin)
    for name in ("chatbots:settings", "chatbots:playground", "chatbots:training"):
        assert client.get(reverse(name, args=[foreign.pk])).status_code == 404
    assert client.post(reverse("chatbots:settings", args=[foreign.pk]), _form_data()).status_code == 404
    assert client.post(reverse("chatbots:delete", args=[foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Globex bot"


# ---------- delete ----------


def test_delete_a_chatbot(client, admin, org):
    document = plain_document(org, "Manual")
    bot = ChatbotFactory(organization=org, name="Widget helper", documents=[document])
    answered(bot, "How long?", "Two years [1].")
    signed_in(client, admin)
    assert client.get(reverse("chatbots:delete", args=[bot.pk])).status_code == 302  # GET changes nothing
    assert Chatbot.objects.filter(pk=bot.pk).exists()
    response = client.post(reverse("chatbots:delete", args=[bot.pk]), follow=True)
    assert not Chatbot.objects.filter(pk=bot.pk).exists()
    assert not ChatSession.objects.exists()
    assert Document.objects.filter(pk=document.pk).exists()
    assert "Widget helper deleted" in response.content.decode()


def test_agents_cannot_delete(client, agent, org):
    bot = ChatbotFactory(organization=org, name="Widget helper")
    assert signed_in(client, agent).post(reverse("chatbots:delete", args=[bot.pk])).status_code == 403
    assert Chatbot.objects.filter(pk=bot.pk).exists()


# ---------- the Ollama banner ----------


def test_banner_is_loaded_after_the_page_and_says_retrieval_only_when_ollama_is_down(
    client, admin, ollama_down
):
    signed_in(client, admin)
    body = client.get(reverse("chatbots:list")).content.decode()
    assert 'data-ollama="unknown"' in body and reverse("chatbots:ollama-status") in body
    banner = client.get(reverse("chatbots:ollama-status"), HTTP_HX_REQUEST="true").content.decode()
    assert f'Ollama at <span class="mono">{ollama_down}</span> is not reachable' in banner
    assert "answers use retrieval-only mode" in banner
    # remembered: the next page shows it at once, without asking Ollama again
    body = client.get(reverse("chatbots:list")).content.decode()
    assert 'data-ollama="down"' in body and "retrieval-only mode" in body


def test_no_banner_when_ollama_answers(client, admin, org, fake_ollama):
    bot = ChatbotFactory(organization=org, name="Widget helper")
    signed_in(client, admin)
    banner = client.get(reverse("chatbots:ollama-status") + f"?chatbot={bot.pk}").content.decode()
    assert 'data-ollama="up"' in banner and "not reachable" not in banner
    assert [r.path for r in fake_ollama.requests] == ["/api/tags"]


def test_banner_checks_the_bots_own_endpoint_and_only_the_organizations_bots(
    client, admin, org, other_org, fake_ollama, unreachable_ollama_host
):
    org.ollama_endpoints = [unreachable_ollama_host]
    org.allowed_outbound_hosts = ["127.0.0.1"]
    org.save()
    bot = ChatbotFactory(organization=org, name="Widget helper", ollama_endpoint=unreachable_ollama_host)
    foreign = ChatbotFactory(organization=other_org, name="Globex bot")
    signed_in(client, admin)
    banner = client.get(reverse("chatbots:ollama-status") + f"?chatbot={bot.pk}").content.decode()
    assert unreachable_ollama_host in banner and "not reachable" in banner
    assert client.get(reverse("chatbots:ollama-status") + f"?chatbot={foreign.pk}").status_code == 404
