"""The playground page, and the API calls its JavaScript makes with the browser's session cookie
and CSRF header (streamed ``chat/message``, ``chat/rate``)."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from chatbots.models import ChatMessage, MessageRole
from tests.chatbots.conftest import sse_events
from tests.chatbots.factories import ChatbotFactory
from tests.chatbots.test_ui_chatbots import XSS, signed_in


def test_playground_shows_the_greeting_and_wires_the_chat(client, agent, org):
    bot = ChatbotFactory(organization=org, name="Widget helper", greeting_message="Hi! Ask me about widgets.")
    response = signed_in(client, agent).get(reverse("chatbots:playground", args=[bot.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hi! Ask me about widgets." in body
    assert f'data-chatbot-id="{bot.pk}"' in body
    assert f'data-chat-url="{reverse("api-chat-message")}"' in body
    assert f'data-rate-url="{reverse("api-chat-rate")}"' in body
    assert 'data-document-url="/knowledge/documents/0/"' in body
    assert "data-chat-form" in body and "New session" in body


def test_playground_greeting_falls_back_to_the_organizations_welcome(client, agent, org):
    org.welcome_message = "Welcome to Acme support."
    org.save()
    bot = ChatbotFactory(organization=org, name="Widget helper", greeting_message="")
    body = signed_in(client, agent).get(reverse("chatbots:playground", args=[bot.pk])).content.decode()
    assert "Welcome to Acme support." in body


def test_a_switched_off_bot_cannot_be_chatted_with(client, admin, org):
    bot = ChatbotFactory(organization=org, name="Widget helper", is_active=False)
    body = signed_in(client, admin).get(reverse("chatbots:playground", args=[bot.pk])).content.decode()
    assert "is switched off" in body and "data-chat-form" not in body
    assert reverse("chatbots:settings", args=[bot.pk]) in body


def test_the_greeting_is_escaped(client, agent, org):
    bot = ChatbotFactory(organization=org, name="Widget helper", greeting_message=XSS)
    body = signed_in(client, agent).get(reverse("chatbots:playground", args=[bot.pk])).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body


def test_a_bot_without_sources_says_what_to_do(client, admin, org):
    bot = ChatbotFactory(organization=org, name="Widget helper")
    body = signed_in(client, admin).get(reverse("chatbots:playground", args=[bot.pk])).content.decode()
    assert "No sources" in body and "Add documents" in body


def _csrf_client(membership, bot) -> tuple[Client, str]:
    """A browser-like client: CSRF enforced, signed in, token taken from the playground page."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(membership.user)
    assert browser.get(reverse("chatbots:playground", args=[bot.pk])).status_code == 200
    return browser, browser.cookies["csrftoken"].value


def test_the_playground_streams_answers_with_the_session_cookie_and_csrf_header(agent, bot, fake_ollama):
    browser, token = _csrf_client(agent, bot)
    payload = {"message": "How long does the warranty last?", "chatbot_id": bot.pk, "stream": True}
    refused = browser.post(reverse("api-chat-message"), json.dumps(payload), content_type="application/json")
    assert refused.status_code == 403  # no CSRF header: the cookie alone is not enough
    response = browser.post(
        reverse("api-chat-message"),
        json.dumps(payload),
        content_type="application/json",
        HTTP_ACCEPT="text/event-stream, application/json",  # what chatbots.js sends
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    events = sse_events(response)
    names = [name for name, _ in events]
    assert names[-1] == "done" and names.count("token") > 1  # token by token, then the summary
    done = events[-1][1]
    streamed = "".join(data["token"] for name, data in events if name == "token")
    assert done["response"] == streamed.strip()
    assert "two years" in done["response"]
    assert done["sources"] and done["sources"][0]["title"] == "Warranty guide"
    assert done["mode"] == "llm"

    rated = browser.post(
        reverse("api-chat-rate"),
        json.dumps({"session_id": done["session_id"], "index": done["index"], "rate": -1}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert rated.status_code == 200 and rated.json()["rate"] == -1
    answer = ChatMessage.objects.get(role=MessageRole.ASSISTANT)
    assert answer.rating == -1 and answer.session.created_by == agent


def test_playground_answers_in_retrieval_only_mode_when_ollama_is_down(admin, bot, ollama_down):
    browser, token = _csrf_client(admin, bot)
    response = browser.post(
        reverse("api-chat-message"),
        json.dumps({"message": "How long does the warranty last?", "chatbot_id": bot.pk, "stream": True}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    done = sse_events(response)[-1][1]
    assert done["mode"] == "retrieval_only" and done["sources"]
