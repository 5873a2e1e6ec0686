"""The widget's bot side: ``widget/handoff`` hands the visitor's conversation to a person,
``widget/messages/{id}/rating`` rates a bot answer's AI record, and ``GET widget/messages``
shows an answer's sources and rating. A visitor acts only on its own conversation."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from chatbots.models import ChatMessage, ChatSession
from conversations.models import Message, SenderType
from conversations.services.domains import domain_bind
from conversations.services.messages import message_create
from tests.chatbots.factories import ChatbotFactory

SITE = "https://shop.example.com"


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


@pytest.fixture
def domain(org):
    return domain_bind(organization=org, website_url=SITE)


def url(path, domain, **params):
    query = "&".join(f"{k}={v}" for k, v in {"website_token": domain.website_token, **params}.items())
    return f"/api/v1/widget/{path}?{query}"


def start(client, domain, message="Where is my parcel?"):
    response = client.post(url("conversations", domain), {"message": message}, format="json")
    assert response.status_code == 201
    return response.json()


@pytest.fixture
def answered(org, domain):
    """A visitor's conversation with one bot answer and its AI record."""
    client = APIClient()
    body = start(client, domain)
    from conversations.models import Conversation

    conversation = Conversation.objects.get(pk=body["id"])
    bot = ChatbotFactory(organization=org)
    session = ChatSession.objects.create(
        organization=org, chatbot=bot, conversation=conversation, message_count=2
    )
    answer = message_create(
        conversation=conversation, content="It ships today [1].", actor=None, sender_type=SenderType.BOT
    )
    ChatMessage.objects.create(
        organization=org,
        session=session,
        message=answer,
        index=1,
        role="assistant",
        content="It ships today [1].",
        sources=[{"index": 1, "title": "Shipping policy", "document_id": 7, "secret_internal": "x"}],
    )
    return client, body, answer


def test_config_offers_handoff_and_ratings(domain):
    config = APIClient().get(url("config", domain)).json()
    assert config["handoff"] is True and config["ratings"] is True


def test_the_visitor_sees_sources_and_rates_a_bot_answer(answered, domain):
    client, body, answer = answered
    headers = {"HTTP_X_VISITOR_TOKEN": body["visitor_token"]}

    listed = client.get(url("messages", domain, conversation_id=body["id"]), **headers).json()
    bot = next(m for m in listed if m["sender_type"] == "bot")
    assert (
        bot["sources"] == [{"index": 1, "title": "Shipping policy", "document_id": 7}]
        and bot["rating"] is None
    )

    rated = client.post(
        url(f"messages/{answer.uuid}/rating", domain), {"rating": "down"}, format="json", **headers
    )

    assert rated.status_code == 200 and rated.json()["rating"] == "down"
    assert ChatMessage.objects.get(message=answer).rating == -1
    again = client.get(url("messages", domain, conversation_id=body["id"]), **headers).json()
    assert next(m for m in again if m["sender_type"] == "bot")["rating"] == "down"


def test_another_visitor_cannot_rate_the_answer(answered, domain):
    _, _, answer = answered
    other = APIClient()
    stranger = start(other, domain, message="Hello")

    response = other.post(
        url(f"messages/{answer.uuid}/rating", domain),
        {"rating": "up"},
        format="json",
        HTTP_X_VISITOR_TOKEN=stranger["visitor_token"],
    )

    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert ChatMessage.objects.get(message=answer).rating == 0


def test_a_bad_rating_is_400(answered, domain):
    client, body, answer = answered
    response = client.post(
        url(f"messages/{answer.uuid}/rating", domain),
        {"rating": "meh"},
        format="json",
        HTTP_X_VISITOR_TOKEN=body["visitor_token"],
    )
    assert response.status_code == 400 and "rating" in response.json()["fields"]


def test_the_visitor_asks_for_a_person_once(domain, django_capture_on_commit_callbacks):
    client = APIClient()
    body = start(client, domain)
    headers = {"HTTP_X_VISITOR_TOKEN": body["visitor_token"]}

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url("handoff", domain), {"conversation_id": body["id"]}, format="json", **headers)
        second = client.post(
            url("handoff", domain), {"conversation_id": body["id"]}, format="json", **headers
        )

    assert first.status_code == 200 and first.json() == {
        "conversation_id": body["id"],
        "handed_off": True,
        "already": False,
    }
    assert second.json()["already"] is True
    notices = Message.objects.filter(conversation_id=body["id"], sender_type=SenderType.SYSTEM, private=False)
    assert notices.count() == 1
    listed = client.get(url("messages", domain, conversation_id=body["id"]), **headers).json()
    assert any("person" in m["text"] for m in listed if m["sender_type"] == "system")


def test_handoff_of_another_visitors_conversation_is_404(domain):
    owner = APIClient()
    body = start(owner, domain)
    stranger = APIClient()
    other = start(stranger, domain, message="Hi")

    response = stranger.post(
        url("handoff", domain),
        {"conversation_id": body["id"]},
        format="json",
        HTTP_X_VISITOR_TOKEN=other["visitor_token"],
    )

    assert response.status_code == 404
    assert not Message.objects.filter(
        conversation_id=body["id"], sender_type=SenderType.SYSTEM, private=False
    ).exists()
