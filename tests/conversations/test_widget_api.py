"""Website domains (account/bind-domain, account/domains) and the public widget API."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from conversations.models import Channel, Conversation, Domain, Message, WidgetVisitor
from conversations.services.messages import message_create
from helpdesk.models import Plan, Webhook, WebhookDelivery
from tests.conversations.conftest import SITE  # the bound site of the ``domain`` fixture
from tests.fakes.webhook_receiver import WebhookReceiver


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def widget(path, domain, **params):
    query = "&".join(
        f"{key}={value}" for key, value in {"website_token": domain.website_token, **params}.items()
    )
    return f"/api/v1/widget/{path}?{query}"


def start(public, domain, message="I need help with my order", **contact):
    response = public.post(
        widget("conversations", domain),
        {"contact": contact or {"name": "John Smith", "email": "john@example.com"}, "message": message},
        format="json",
        HTTP_ORIGIN=SITE,
    )
    assert response.status_code == 201, response.content
    return response.json()


# ---------- domains ----------


def test_bind_domain_returns_token_and_snippet_and_creates_a_web_inbox(org, admin_api):
    response = admin_api.post(
        "/api/v1/account/bind-domain", {"website_url": SITE, "label": "Main Site"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["website_token"].startswith("wk_live_")
    assert body["website_token"] in body["widget_code"] and "/widget.js" in body["widget_code"]
    domain = Domain.objects.get(pk=body["domain_id"])
    assert domain.inbox.channel == Channel.WEB and domain.inbox.organization == org
    assert domain.allowed_origins == [SITE]
    listed = admin_api.get("/api/v1/account/domains").json()["results"]
    assert [d["website_token"] for d in listed] == [body["website_token"]]
    status = admin_api.get("/api/v1/account/status").json()
    assert status["domains"] == [
        {
            "id": domain.pk,
            "label": "Main Site",
            "website_url": SITE,
            "website_token": body["website_token"],
            "chatwoot_inbox_id": domain.inbox_id,
        }
    ]
    assert status["usage"]["domains"] == 1


def test_starter_plan_allows_one_domain(org, admin_api):
    org.plan = Plan.STARTER
    org.apply_plan_limits()
    org.save()
    assert (
        admin_api.post("/api/v1/account/bind-domain", {"website_url": SITE}, format="json").status_code == 201
    )

    response = admin_api.post(
        "/api/v1/account/bind-domain", {"website_url": "https://b.example.com"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "limit_exceeded" and response.json()["error"]
    assert Domain.objects.filter(organization=org).count() == 1


def test_binding_needs_an_admin_and_a_web_address(agent_api, admin_api):
    assert (
        agent_api.post("/api/v1/account/bind-domain", {"website_url": SITE}, format="json").status_code == 403
    )
    response = admin_api.post(
        "/api/v1/account/bind-domain", {"website_url": "ftp://x.example"}, format="json"
    )
    assert response.status_code == 400 and "website_url" in response.json()["fields"]
    assert Domain.objects.count() == 0


def test_patch_domain_changes_the_widget_and_normalises_origins(admin_api, domain, public):
    response = admin_api.patch(
        f"/api/v1/account/domains/{domain.pk}",
        {
            "color": "#FF0000",
            "position": "bottom_left",
            "allowed_origins": ["HTTPS://Shop.Example.com:443/x"],
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["allowed_origins"] == [SITE] and response.json()["color"] == "#ff0000"
    config = public.get(widget("config", domain)).json()
    assert config["color"] == "#ff0000" and config["position"] == "bottom_left"
    bad = admin_api.patch(f"/api/v1/account/domains/{domain.pk}", {"color": "red"}, format="json")
    assert bad.status_code == 400 and "color" in bad.json()["fields"]


def test_another_organizations_domain_is_not_found(other_admin, api_for, domain):
    client = api_for(other_admin)
    assert client.get(f"/api/v1/account/domains/{domain.pk}").status_code == 404
    assert client.get("/api/v1/account/domains").json()["results"] == []


# ---------- the widget API ----------


def test_a_visitor_opens_a_conversation_in_the_domains_inbox_seen_by_agents(domain, public, admin_api):
    body = start(public, domain)

    assert body["status"] == "open" and body["visitor_token"]
    assert body["contact"] == {"name": "John Smith", "email": "john@example.com"}
    conversation = Conversation.objects.get(pk=body["id"])
    assert conversation.inbox == domain.inbox
    listed = admin_api.get("/api/v1/conversations/all").json()["results"]
    assert conversation.uuid in [c["uuid"] for c in listed] or str(conversation.uuid) in [
        c["uuid"] for c in listed
    ]
    tickets = admin_api.get("/api/v1/tickets").json()["results"]
    assert conversation.reference_number in [t["id"] for t in tickets]  # a ticket id is its number
    stored = WidgetVisitor.objects.get()
    assert stored.token_hash != body["visitor_token"] and body["visitor_token"] not in stored.token_hash


def test_the_visitor_reads_and_writes_its_conversation_without_private_notes(domain, public, admin):
    body = start(public, domain)
    conversation = Conversation.objects.get(pk=body["id"])
    message_create(conversation=conversation, content="Looking at it now", actor=admin)
    message_create(conversation=conversation, content="secret note", actor=admin, private=True)
    headers = {"HTTP_X_VISITOR_TOKEN": body["visitor_token"], "HTTP_ORIGIN": SITE}

    sent = public.post(
        widget("messages", domain),
        {"conversation_id": body["id"], "content": "<b>Order</b> #12345<script>x</script>"},
        format="json",
        **headers,
    )
    listed = public.get(widget("messages", domain, conversation_id=body["id"]), **headers)

    assert sent.status_code == 201 and "<script>" not in sent.json()["content"]
    texts = [m["text"] for m in listed.json()]
    assert texts == ["I need help with my order", "Looking at it now", "Order #12345x"] or (
        texts[:2] == ["I need help with my order", "Looking at it now"] and "secret note" not in texts
    )
    assert "secret note" not in str(listed.json())
    agent_message = listed.json()[1]
    assert agent_message["sender"]["type"] == "agent" and agent_message["sender"]["name"]


def test_a_visitor_token_does_not_open_another_visitors_conversation(domain, public):
    first = start(public, domain)
    second = start(public, domain, message="Other visitor", name="Eve")
    headers = {"HTTP_X_VISITOR_TOKEN": first["visitor_token"]}

    read = public.get(widget("messages", domain, conversation_id=second["id"]), **headers)
    write = public.post(
        widget("messages", domain),
        {"conversation_id": second["id"], "content": "hi"},
        format="json",
        **headers,
    )
    stream = public.get(
        widget("stream", domain, conversation_id=second["id"], visitor_token=first["visitor_token"])
    )

    assert read.status_code == 404 and read.json()["code"] == "not_found"
    assert write.status_code == 404 and stream.status_code == 404
    assert Message.objects.filter(conversation_id=second["id"], text_content="hi").count() == 0
    no_token = public.get(widget("messages", domain, conversation_id=first["id"]))
    assert no_token.status_code == 401 and set(no_token.json()) >= {"error", "code", "fields"}


def test_a_returning_visitor_keeps_its_token_for_a_new_conversation(domain, public):
    first = start(public, domain)
    again = public.post(
        widget("conversations", domain),
        {"message": "Another question"},
        format="json",
        HTTP_X_VISITOR_TOKEN=first["visitor_token"],
    )

    assert again.status_code == 201 and again.json()["visitor_token"] is None
    assert again.json()["contact"]["email"] == "john@example.com"
    listed = public.get(
        widget("messages", domain, conversation_id=again.json()["id"]),
        HTTP_X_VISITOR_TOKEN=first["visitor_token"],
    )
    assert listed.status_code == 200


@pytest.mark.parametrize("token", ["wk_live_nope", ""])
def test_a_bad_website_token_is_401_with_the_error_shape(public, token, domain):
    response = public.post(
        f"/api/v1/widget/conversations?website_token={token}", {"message": "hi"}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials" and response.json()["error"]
    assert Conversation.objects.count() == 0


def test_an_inactive_domain_answers_like_a_bad_token(public, domain):
    domain.is_active = False
    domain.save()
    assert public.get(widget("config", domain)).status_code == 401


def test_cors_preflight_from_the_bound_origin_is_allowed(public, domain):
    response = public.options(
        widget("conversations", domain),
        HTTP_ORIGIN=SITE,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-visitor-token",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == SITE
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "X-Visitor-Token" in response["Access-Control-Allow-Headers"]
    actual = public.get(widget("config", domain), HTTP_ORIGIN=SITE)
    assert actual["Access-Control-Allow-Origin"] == SITE


def test_cors_from_an_unbound_origin_is_refused(public, domain):
    preflight = public.options(
        widget("conversations", domain),
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    post = public.post(
        widget("conversations", domain), {"message": "hi"}, format="json", HTTP_ORIGIN="https://evil.example"
    )

    for response in (preflight, post):
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
        assert "Access-Control-Allow-Origin" not in response
    assert Conversation.objects.count() == 0


def test_widget_requests_are_throttled_per_website_token(public, domain, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "widget": "3/min"},
    }
    statuses = [public.get(widget("config", domain), HTTP_ORIGIN=SITE).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = public.get(widget("config", domain), HTTP_ORIGIN=SITE)
    assert response.json()["code"] == "throttled" and response.json()["retry_after"] >= 1
    assert response["Access-Control-Allow-Origin"] == SITE  # the page can read why


def test_widget_requests_are_throttled_per_address(public, domain, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "widget_address": "2/min",
        },
    }
    assert [public.get(widget("config", domain)).status_code for _ in range(3)] == [200, 200, 429]


def test_a_message_over_the_size_limit_is_413(public, domain, settings):
    settings.WIDGET_MAX_MESSAGE_CHARS = 20
    response = public.post(widget("conversations", domain), {"message": "x" * 21}, format="json")

    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert Conversation.objects.count() == 0


def test_an_empty_message_is_400(public, domain):
    response = public.post(widget("conversations", domain), {"message": "   "}, format="json")
    assert response.status_code == 400 and "message" in response.json()["fields"]


def test_typing_is_204_for_the_visitor(public, domain):
    body = start(public, domain)
    response = public.post(
        widget("typing", domain),
        {"conversation_id": body["id"]},
        format="json",
        HTTP_X_VISITOR_TOKEN=body["visitor_token"],
    )
    assert response.status_code == 204


def test_widget_conversations_deliver_both_webhook_events(
    org, domain, public, django_capture_on_commit_callbacks
):
    receiver = WebhookReceiver().start()
    try:
        org.allowed_outbound_hosts = ["127.0.0.1"]
        org.save()
        Webhook.objects.create(
            organization=org,
            url=receiver.url,
            events=["conversation.created", "conversation_created"],
            secret="s3cret-v",
        )
        with django_capture_on_commit_callbacks(execute=True):
            body = start(public, domain)

        assert sorted(WebhookDelivery.objects.values_list("event", flat=True)) == [
            "conversation.created",
            "conversation_created",
        ]
        nova = next(r.json() for r in receiver.requests if r.json()["event"] == "conversation_created")
        assert nova["data"] == {
            "event": "conversation_created",
            "conversation_id": body["id"],
            "account_id": org.pk,
            "contact": {"name": "John Smith", "email": "john@example.com"},
        }
    finally:
        receiver.stop()


# ---------- /widget.js ----------


@pytest.mark.parametrize("path", ["/widget.js", "/nova-widget-sdk-v2.js"])
def test_the_widget_script_is_served_with_caching_headers(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=" in response["Cache-Control"] and response["ETag"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"attachShadow" in body and b"novaChatSettings" in body
    again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_widget_script_is_small(client):
    import gzip

    body = client.get("/widget.js").content
    assert len(gzip.compress(body)) < 40 * 1024


# ---------- the visitor's live stream ----------


def test_the_visitor_streams_agent_replies_but_not_private_notes(
    domain, public, admin, django_capture_on_commit_callbacks
):
    from asgiref.sync import async_to_sync, sync_to_async
    from django.test import AsyncClient

    from conversations.services.assignment import conversation_assign_agent
    from tests.realtime_client import AsyncSSEReader

    body = start(public, domain)
    conversation = Conversation.objects.get(pk=body["id"])
    # assigned already: the reply does not assign it (which would be one more event)
    conversation_assign_agent(conversation=conversation, agent=admin, actor=admin)

    def write(private: bool, content: str):
        with django_capture_on_commit_callbacks(execute=True):
            return message_create(conversation=conversation, content=content, actor=admin, private=private)

    async def scenario():
        client = AsyncClient()
        response = await client.get(
            widget("stream", domain, conversation_id=body["id"], visitor_token=body["visitor_token"]),
            headers={"Origin": SITE},
        )
        assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == SITE
        reader = AsyncSSEReader(response)
        await reader.started()
        await sync_to_async(write)(True, "internal only")
        reply = await sync_to_async(write)(False, "We shipped it")
        event = await reader.next_event()
        assert await reader.nothing_within(0.3)
        await reader.close()
        return reply, event

    reply, event = async_to_sync(scenario)()
    assert event["event"] == "message.created" and event["data"]["message_uuid"] == str(reply.uuid)
    assert "We shipped it" in event["data"]["content"]


def test_the_stream_refuses_a_bad_visitor_token_and_an_unbound_origin(domain, public):
    body = start(public, domain)
    bad = public.get(
        widget("stream", domain, conversation_id=body["id"], visitor_token="nope"), HTTP_ORIGIN=SITE
    )
    evil = public.get(
        widget("stream", domain, conversation_id=body["id"], visitor_token=body["visitor_token"]),
        HTTP_ORIGIN="https://evil.example",
    )

    assert bad.status_code == 401 and bad.json()["code"] == "invalid_credentials"
    assert evil.status_code == 403 and "Access-Control-Allow-Origin" not in evil
