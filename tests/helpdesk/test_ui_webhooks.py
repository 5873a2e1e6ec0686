"""Settings → Webhooks: create / edit / delete, the delivery log and the htmx "Send test" button."""

import json

import pytest
from django.urls import reverse

from helpdesk.models import Webhook, WebhookDelivery
from helpdesk.models.webhook import DeliveryStatus
from helpdesk.services import webhooks as webhook_services


@pytest.fixture
def as_member(client):
    def sign_in(membership):
        client.force_login(membership.user)
        session = client.session
        session["organization_id"] = membership.organization_id
        session.save()
        return client

    return sign_in


@pytest.fixture
def webhook(loopback_allowed, webhook_receiver):
    return webhook_services.webhook_create(
        organization=loopback_allowed,
        url=webhook_receiver.url,
        events=["ticket.created"],
        secret="s3cret-value",
    )


def test_admin_creates_a_webhook(as_member, admin, loopback_allowed, webhook_receiver):
    response = as_member(admin).post(
        reverse("settings:webhook-create"),
        {"url": webhook_receiver.url, "events": ["ticket.created", "message.created"], "is_active": "on"},
    )
    created = Webhook.objects.get(organization=loopback_allowed)
    assert response.status_code == 302
    assert response.url == reverse("settings:webhook", args=[created.pk])
    assert created.events == ["ticket.created", "message.created"]
    assert created.is_active and len(created.secret) >= 8


def test_internal_url_is_refused_on_the_url_field(as_member, admin, org):
    response = as_member(admin).post(
        reverse("settings:webhook-create"), {"url": "http://127.0.0.1:9/hook", "events": ["ticket.created"]}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "internal address" in body
    assert "field--invalid" in body
    assert not Webhook.objects.exists()


def test_events_are_required(as_member, admin, loopback_allowed, webhook_receiver):
    response = as_member(admin).post(reverse("settings:webhook-create"), {"url": webhook_receiver.url})
    assert response.status_code == 400
    assert "Choose at least one event" in response.content.decode()


def test_admin_edits_and_pauses_a_webhook_keeping_its_secret(as_member, admin, webhook, webhook_receiver):
    response = as_member(admin).post(
        reverse("settings:webhook", args=[webhook.pk]),
        {"url": webhook_receiver.url, "events": ["*"], "description": "CRM", "secret": ""},
    )
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert webhook.events == ["*"] and webhook.description == "CRM"
    assert webhook.is_active is False
    assert webhook.secret == "s3cret-value"


def test_send_test_with_htmx_queues_a_delivery_and_logs_it(
    as_member, admin, webhook, webhook_receiver, django_capture_on_commit_callbacks
):
    client = as_member(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("settings:webhook-test", args=[webhook.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"])["parley:toast"]["level"] == "success"
    assert 'id="deliveries"' in response.content.decode()
    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert delivery.event == "webhook.test"
    assert delivery.status == DeliveryStatus.SUCCEEDED  # eager Celery sent it to the receiver
    assert len(webhook_receiver.requests) == 1
    log = client.get(reverse("settings:webhook-deliveries", args=[webhook.pk])).content.decode()
    assert "webhook.test" in log and "Succeeded" in log and ">200<" in log


def test_send_test_without_javascript_redirects_with_a_flash(as_member, admin, webhook):
    response = as_member(admin).post(reverse("settings:webhook-test", args=[webhook.pk]), follow=True)
    assert response.status_code == 200
    assert "Test delivery queued" in response.content.decode()
    assert WebhookDelivery.objects.filter(webhook=webhook, event="webhook.test").count() == 1


def test_delivery_log_shows_failures(as_member, admin, webhook):
    WebhookDelivery.objects.create(
        organization=webhook.organization,
        webhook=webhook,
        event="ticket.created",
        status=DeliveryStatus.FAILED,
        attempts=6,
        response_status_code=503,
        last_error="The receiver answered HTTP 503.",
    )
    body = as_member(admin).get(reverse("settings:webhook", args=[webhook.pk])).content.decode()
    assert "Failed" in body and "503" in body and "Redeliver" in body


def test_admin_deletes_a_webhook(as_member, admin, webhook):
    response = as_member(admin).post(reverse("settings:webhook-delete", args=[webhook.pk]))
    assert response.status_code == 302
    assert not Webhook.objects.filter(pk=webhook.pk).exists()


def test_agent_cannot_touch_webhooks(as_member, agent, webhook, webhook_receiver):
    client = as_member(agent)
    assert client.get(reverse("settings:webhook", args=[webhook.pk])).status_code == 403
    assert client.post(reverse("settings:webhook-test", args=[webhook.pk])).status_code == 403
    assert client.post(reverse("settings:webhook-delete", args=[webhook.pk])).status_code == 403
    assert (
        client.post(
            reverse("settings:webhook-create"), {"url": webhook_receiver.url, "events": ["ticket.created"]}
        ).status_code
        == 403
    )
    assert Webhook.objects.count() == 1
    assert not WebhookDelivery.objects.exists()


def test_another_organizations_webhook_is_not_found(as_member, other_admin, webhook, webhook_receiver):
    client = as_member(other_admin)
    for name in ("webhook", "webhook-deliveries"):
        assert client.get(reverse(f"settings:{name}", args=[webhook.pk])).status_code == 404
    assert client.post(reverse("settings:webhook-test", args=[webhook.pk])).status_code == 404
    assert client.post(reverse("settings:webhook-delete", args=[webhook.pk])).status_code == 404
    edit = {"url": webhook_receiver.url, "events": ["*"]}
    assert client.post(reverse("settings:webhook", args=[webhook.pk]), edit).status_code == 404
    webhook.refresh_from_db()
    assert webhook.events == ["ticket.created"]
    assert not WebhookDelivery.objects.exists()
