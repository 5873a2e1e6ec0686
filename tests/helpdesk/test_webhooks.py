"""Webhooks: fan-out of domain events, signed deliveries to a real HTTP receiver, retries with
backoff, giving up, SSRF refusal, and the ``webhooks`` API (roles, isolation, log, test ping)."""

import hashlib
import hmac
import json
import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from helpdesk import events
from helpdesk.models import Webhook, WebhookDelivery
from helpdesk.models.webhook import DeliveryStatus
from helpdesk.services import webhooks as webhook_services
from helpdesk.services.webhooks import WebhookError
from helpdesk.tasks import deliver_webhook
from tests.integration import integration_only, wait_until

pytestmark = pytest.mark.django_db


def make_webhook(organization, url, events=("ticket.created",), **fields):
    return webhook_services.webhook_create(organization=organization, url=url, events=list(events), **fields)


def make_delivery(webhook, *, status=DeliveryStatus.PENDING, event="ticket.created", **fields):
    return WebhookDelivery.objects.create(
        organization=webhook.organization,
        webhook=webhook,
        event=event,
        payload={"n": 1},
        status=status,
        **fields,
    )


def expected_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- delivery --------------------------------------------------------------------------------------


def test_delivery_is_signed_with_the_secret_over_the_raw_body(
    loopback_allowed, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url, secret="s3cret-for-signing")

    with django_capture_on_commit_callbacks(execute=True):
        events.emit(loopback_allowed, "ticket.created", {"id": 7, "subject": "Printer on fire"})

    assert len(webhook_receiver.requests) == 1
    received = webhook_receiver.requests[0]
    assert received.method == "POST"
    assert received.path == "/hooks/parley"
    assert received.header("Content-Type") == "application/json"
    assert received.header("X-Signature") == expected_signature("s3cret-for-signing", received.body)
    assert received.header("X-Signature") != expected_signature("another-secret", received.body)
    delivery = WebhookDelivery.objects.get(webhook=webhook)
    body = received.json()
    assert body["event"] == "ticket.created"
    assert body["delivery_id"] == str(delivery.pk)
    assert body["organization_id"] == loopback_allowed.pk
    assert body["data"] == {"id": 7, "subject": "Printer on fire"}
    assert body["timestamp"].endswith("Z")
    assert received.header("X-Parley-Event") == "ticket.created"
    assert received.header("X-Parley-Delivery") == str(delivery.pk)
    assert int(received.header("X-Parley-Timestamp")) > 0
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.response_status_code == 200
    assert delivery.response_body == '{"ok": true}'
    assert delivery.delivered_at is not None
    assert delivery.last_error == ""


def test_event_emitted_inside_a_transaction_is_delivered_only_after_commit(
    loopback_allowed, webhook_receiver, django_capture_on_commit_callbacks
):
    make_webhook(loopback_allowed, webhook_receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            events.emit(loopback_allowed, "ticket.created", {"id": 1})
            assert webhook_receiver.requests == []
        assert WebhookDelivery.objects.count() == 0
        assert webhook_receiver.requests == []

    assert len(webhook_receiver.requests) == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED


def test_event_of_a_rolled_back_transaction_is_never_delivered(
    loopback_allowed, webhook_receiver, django_capture_on_commit_callbacks
):
    make_webhook(loopback_allowed, webhook_receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                events.emit(loopback_allowed, "ticket.created", {"id": 1})
                raise RuntimeError("rolled back")

    assert WebhookDelivery.objects.count() == 0
    assert webhook_receiver.requests == []


def test_only_active_subscribed_webhooks_of_the_organization_get_a_delivery(
    loopback_allowed, other_org, webhook_receiver, django_capture_on_commit_callbacks
):
    url = webhook_receiver.url
    subscribed = make_webhook(loopback_allowed, url, events=["ticket.created"])
    everything = make_webhook(loopback_allowed, url, events=["*"])
    make_webhook(loopback_allowed, url, events=["message.created"])
    make_webhook(loopback_allowed, url, events=["ticket.created"], is_active=False)
    other_org.allowed_outbound_hosts = ["127.0.0.1"]
    other_org.save()
    make_webhook(other_org, url, events=["ticket.created", "*"])

    with django_capture_on_commit_callbacks(execute=True):
        events.emit(loopback_allowed, "ticket.created", {"id": 3})

    deliveries = WebhookDelivery.objects.all()
    assert {d.webhook_id for d in deliveries} == {subscribed.pk, everything.pk}
    assert {d.organization_id for d in deliveries} == {loopback_allowed.pk}
    assert len(webhook_receiver.requests) == 2


def test_internal_events_and_the_test_ping_are_not_fanned_out(
    loopback_allowed, webhook_receiver, django_capture_on_commit_callbacks
):
    make_webhook(loopback_allowed, webhook_receiver.url, events=["*"])

    with django_capture_on_commit_callbacks(execute=True):
        events.emit(loopback_allowed, "document.indexed", {"id": 1})  # not a public event
        events.emit(loopback_allowed, "webhook.test", {"id": 1})

    assert WebhookDelivery.objects.count() == 0
    assert webhook_receiver.requests == []


def test_payload_values_json_cannot_encode_natively_are_delivered(
    loopback_allowed, webhook_receiver, django_capture_on_commit_callbacks
):
    make_webhook(loopback_allowed, webhook_receiver.url)
    conversation = uuid.uuid4()
    when = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        events.emit(loopback_allowed, "ticket.created", {"uuid": conversation, "at": when})

    data = webhook_receiver.requests[0].json()["data"]
    assert data["uuid"] == str(conversation)
    assert data["at"].startswith(when.date().isoformat())


def test_retries_after_a_failing_receiver_then_succeeds(
    loopback_allowed, webhook_receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 5
    webhook_receiver.statuses = [500, 503]
    make_webhook(loopback_allowed, webhook_receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        events.emit(loopback_allowed, "ticket.created", {"id": 9})

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 3
    assert delivery.response_status_code == 200
    assert delivery.last_error == ""
    assert delivery.next_attempt_at is None
    assert len(webhook_receiver.requests) == 3
    # every attempt is the same delivery, each signed over what it carries
    assert {r.header("X-Parley-Delivery") for r in webhook_receiver.requests} == {str(delivery.pk)}
    for received in webhook_receiver.requests:
        assert received.header("X-Signature") == expected_signature(delivery.webhook.secret, received.body)


def test_gives_up_after_the_attempt_limit(
    loopback_allowed, webhook_receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    webhook_receiver.default_status = 500
    make_webhook(loopback_allowed, webhook_receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        events.emit(loopback_allowed, "ticket.created", {"id": 9})

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert delivery.response_status_code == 500
    assert "500" in delivery.last_error
    assert delivery.delivered_at is None
    assert delivery.next_attempt_at is None
    assert len(webhook_receiver.requests) == 3


def test_a_timeout_is_recorded_as_an_error_and_retried(loopback_allowed, webhook_receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    settings.OUTBOUND_TIMEOUT = 0.2
    webhook_receiver.delay = 5.0  # answers long after the client gave up (released at stop)
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    delivery = make_delivery(webhook)

    deliver_webhook.delay(str(delivery.pk))  # queued: the base task runs the retry

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 2
    assert "Timed out" in delivery.last_error
    assert delivery.response_status_code is None
    assert len(webhook_receiver.requests) == 2


def test_an_unreachable_receiver_is_recorded_and_retried_with_exponential_backoff(loopback_allowed, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    from tests.fakes.webhook_receiver import WebhookReceiver

    with WebhookReceiver() as gone:  # a port that nothing listens on any more
        url = gone.url
    webhook = make_webhook(loopback_allowed, url)
    delivery = make_delivery(webhook)

    before = timezone.now()
    assert webhook_services.webhook_delivery_attempt(delivery=delivery) is True
    after = timezone.now()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.attempts == 1
    assert "Could not reach 127.0.0.1" in delivery.last_error
    assert "ConnectError" not in delivery.last_error
    assert before + timedelta(seconds=60) <= delivery.next_attempt_at <= after + timedelta(seconds=60)

    before = timezone.now()
    assert webhook_services.webhook_delivery_attempt(delivery=delivery) is True
    after = timezone.now()
    delivery.refresh_from_db()
    assert before + timedelta(seconds=120) <= delivery.next_attempt_at <= after + timedelta(seconds=120)

    assert webhook_services.webhook_delivery_attempt(delivery=delivery) is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 3, None)


def test_an_address_refused_at_send_time_fails_permanently(loopback_allowed, webhook_receiver):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    delivery = make_delivery(webhook)
    loopback_allowed.allowed_outbound_hosts = []  # the admin withdrew the permission meanwhile
    loopback_allowed.save()

    deliver_webhook(str(delivery.pk))

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert delivery.last_error.startswith("Refused:")
    assert "127.0.0.1" in delivery.last_error
    assert webhook_receiver.requests == []


def test_a_succeeded_delivery_is_never_sent_twice(loopback_allowed, webhook_receiver):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    delivery = make_delivery(webhook)

    deliver_webhook(str(delivery.pk))
    deliver_webhook(str(delivery.pk))

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 1
    assert len(webhook_receiver.requests) == 1


def test_an_attempt_claimed_by_another_worker_is_not_sent_again(loopback_allowed, webhook_receiver):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    delivery = make_delivery(webhook)
    stale_copy = WebhookDelivery.objects.get(pk=delivery.pk)  # loaded by a second worker

    assert webhook_services.webhook_delivery_attempt(delivery=delivery) is False
    assert webhook_services.webhook_delivery_attempt(delivery=stale_copy) is False

    assert len(webhook_receiver.requests) == 1
    assert WebhookDelivery.objects.get(pk=delivery.pk).attempts == 1


def test_an_attempt_being_sent_by_another_worker_is_not_sent_again(loopback_allowed, webhook_receiver):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    delivery = make_delivery(webhook, status=DeliveryStatus.SENDING, attempts=1)  # a worker is posting it

    deliver_webhook.delay(str(delivery.pk))  # the same task delivered twice, e.g. by the sweeper

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENDING, 1)
    assert webhook_receiver.requests == []


def test_an_attempt_left_sending_by_a_stopped_worker_is_taken_over_once(
    loopback_allowed, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    delivery = make_delivery(webhook, status=DeliveryStatus.SENDING, attempts=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(updated_at=timezone.now() - timedelta(minutes=30))

    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_services.webhook_deliveries_requeue_due() == 1
    deliver_webhook.delay(str(delivery.pk))  # a late copy finds it finished

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 2)
    assert len(webhook_receiver.requests) == 1


def test_a_delivery_queued_while_the_broker_is_down_says_so_and_is_sent_by_the_sweeper(
    loopback_allowed, webhook_receiver, broker_down, django_capture_on_commit_callbacks
):
    make_webhook(loopback_allowed, webhook_receiver.url)
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        events.emit(loopback_allowed, "ticket.created", {"id": 9})

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error.startswith("The job queue is unreachable: ")
    assert webhook_receiver.requests == []

    WebhookDelivery.objects.filter(pk=delivery.pk).update(updated_at=timezone.now() - timedelta(minutes=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_services.webhook_deliveries_requeue_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.SUCCEEDED, "")
    assert len(webhook_receiver.requests) == 1


def test_a_paused_webhook_is_not_sent_its_queued_deliveries(loopback_allowed, webhook_receiver):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    delivery = make_delivery(webhook)
    webhook_services.webhook_update(webhook=webhook, is_active=False)

    deliver_webhook(str(delivery.pk))

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "paused" in delivery.last_error
    assert webhook_receiver.requests == []


def test_a_deleted_webhook_drops_its_queued_deliveries(loopback_allowed, webhook_receiver):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    delivery_id = str(make_delivery(webhook).pk)
    webhook_services.webhook_delete(webhook=webhook)

    deliver_webhook(delivery_id)

    assert not WebhookDelivery.objects.filter(pk=delivery_id).exists()
    assert webhook_receiver.requests == []


def test_redeliver_sends_a_failed_delivery_again(
    loopback_allowed, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    delivery = make_delivery(webhook, status=DeliveryStatus.FAILED, attempts=6, last_error="HTTP 500")

    with django_capture_on_commit_callbacks(execute=True):
        webhook_services.webhook_delivery_redeliver(delivery=delivery)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 1
    assert len(webhook_receiver.requests) == 1
    with pytest.raises(WebhookError) as refused:
        webhook_services.webhook_delivery_redeliver(delivery=delivery)
    assert refused.value.code == "conflict"


def test_deliveries_whose_task_was_lost_are_queued_again(
    loopback_allowed, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    lost = make_delivery(webhook)
    overdue = make_delivery(webhook, status=DeliveryStatus.RETRYING, attempts=1)
    fresh = make_delivery(webhook)
    long_ago = timezone.now() - timedelta(minutes=30)
    WebhookDelivery.objects.filter(pk=lost.pk).update(updated_at=long_ago)
    WebhookDelivery.objects.filter(pk=overdue.pk).update(next_attempt_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_services.webhook_deliveries_requeue_due() == 2

    statuses = dict(WebhookDelivery.objects.values_list("pk", "status"))
    assert statuses == {
        lost.pk: DeliveryStatus.SUCCEEDED,
        overdue.pk: DeliveryStatus.SUCCEEDED,
        fresh.pk: DeliveryStatus.PENDING,
    }
    assert len(webhook_receiver.requests) == 2


# --- subscriptions (services) ----------------------------------------------------------------------


def test_create_generates_a_secret_and_validates_events(admin_api, loopback_allowed, webhook_receiver):
    webhook = make_webhook(
        loopback_allowed, webhook_receiver.url, events=["ticket.created", "ticket.created"]
    )

    assert len(webhook.secret) == 48
    assert webhook.events == ["ticket.created"]
    for bad_events in ([], ["ticket.exploded"], "ticket.created"):  # the serializer checks the shape
        body = {"url": webhook_receiver.url, "events": bad_events}
        refused = admin_api.post("/api/v1/webhooks", body, format="json")
        assert refused.status_code == 400 and "events" in refused.json()["fields"]
    assert Webhook.objects.count() == 1


# --- API -------------------------------------------------------------------------------------------


def test_api_create_returns_the_secret_once_and_masks_it_afterwards(
    admin_api, loopback_allowed, webhook_receiver
):
    response = admin_api.post(
        "/api/v1/webhooks",
        {
            "url": webhook_receiver.url,
            "events": ["ticket.created", "ticket.updated"],
            "secret": "your_webhook_secret",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"] == "your_webhook_secret"
    assert body["events"] == ["ticket.created", "ticket.updated"]
    assert body["is_active"] is True
    webhook = Webhook.objects.get(pk=body["id"])
    assert webhook.organization == loopback_allowed
    assert webhook.secret == "your_webhook_secret"

    detail = admin_api.get(f"/api/v1/webhooks/{webhook.pk}").json()
    listed = admin_api.get("/api/v1/webhooks").json()
    assert detail["secret"] == "••••cret"
    assert listed["count"] == 1
    assert listed["results"][0]["secret"] == "••••cret"
    assert "your_webhook_secret" not in json.dumps(detail) + json.dumps(listed)


def test_api_create_without_secret_generates_one(admin_api, loopback_allowed, webhook_receiver):
    response = admin_api.post("/api/v1/webhooks/", {"url": webhook_receiver.url, "events": ["*"]})

    assert response.status_code == 201
    assert response.json()["secret"] == Webhook.objects.get().secret


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:9000/hook",
        "http://[::1]/hook",
        "file:///etc/passwd",
    ],
)
def test_api_refuses_internal_webhook_urls(admin_api, org, url):
    response = admin_api.post("/api/v1/webhooks", {"url": url, "events": ["ticket.created"]})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "url" in body["fields"]
    assert Webhook.objects.count() == 0


def test_api_allows_an_internal_url_the_admin_allow_listed(admin_api, org):
    org.allowed_outbound_hosts = ["10.0.0.0/8"]
    org.save()

    allowed = admin_api.post(
        "/api/v1/webhooks", {"url": "http://10.0.0.1/hook", "events": ["ticket.created"]}
    )
    refused = admin_api.post("/api/v1/webhooks", {"url": "http://192.168.1.5/", "events": ["ticket.created"]})

    assert allowed.status_code == 201
    assert refused.status_code == 400
    assert list(Webhook.objects.values_list("url", flat=True)) == ["http://10.0.0.1/hook"]


def test_api_validates_events(admin_api, loopback_allowed, webhook_receiver):
    unknown = admin_api.post("/api/v1/webhooks", {"url": webhook_receiver.url, "events": ["ticket.exploded"]})
    empty = admin_api.post("/api/v1/webhooks", {"url": webhook_receiver.url, "events": []})

    assert unknown.status_code == 400 and "events" in unknown.json()["fields"]
    assert empty.status_code == 400 and "events" in empty.json()["fields"]
    assert Webhook.objects.count() == 0


def test_api_update_and_delete(admin_api, loopback_allowed, webhook_receiver):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url, secret="original-secret")

    patched = admin_api.patch(
        f"/api/v1/webhooks/{webhook.pk}", {"events": ["message.created"], "is_active": False}
    )
    incomplete_put = admin_api.put(f"/api/v1/webhooks/{webhook.pk}", {"events": ["ticket.created"]})
    internal = admin_api.patch(f"/api/v1/webhooks/{webhook.pk}", {"url": "http://10.1.1.1/"})

    assert patched.status_code == 200
    assert patched.json()["events"] == ["message.created"]
    assert patched.json()["is_active"] is False
    assert patched.json()["secret"] == "••••cret"
    assert incomplete_put.status_code == 400 and "url" in incomplete_put.json()["fields"]
    assert internal.status_code == 400 and "url" in internal.json()["fields"]
    webhook.refresh_from_db()
    assert (webhook.url, webhook.events, webhook.is_active) == (
        webhook_receiver.url,
        ["message.created"],
        False,
    )
    assert webhook.secret == "original-secret"

    put = admin_api.put(
        f"/api/v1/webhooks/{webhook.pk}",
        {"url": webhook_receiver.url + "?v=2", "events": ["ticket.closed"], "secret": "rotated-secret"},
    )
    assert put.status_code == 200
    webhook.refresh_from_db()
    assert (webhook.url, webhook.events, webhook.secret) == (
        webhook_receiver.url + "?v=2",
        ["ticket.closed"],
        "rotated-secret",
    )

    deleted = admin_api.delete(f"/api/v1/webhooks/{webhook.pk}")
    assert deleted.status_code == 204
    assert not Webhook.objects.filter(pk=webhook.pk).exists()


def test_api_agents_cannot_manage_webhooks(agent_api, loopback_allowed, webhook_receiver):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    base = f"/api/v1/webhooks/{webhook.pk}"

    responses = [
        agent_api.get("/api/v1/webhooks"),
        agent_api.post("/api/v1/webhooks", {"url": webhook_receiver.url, "events": ["ticket.created"]}),
        agent_api.get(base),
        agent_api.patch(base, {"is_active": False}),
        agent_api.put(base, {"url": webhook_receiver.url, "events": ["ticket.closed"]}),
        agent_api.delete(base),
        agent_api.get(f"{base}/deliveries"),
        agent_api.post(f"{base}/test"),
    ]

    assert [r.status_code for r in responses] == [403] * len(responses)
    assert responses[0].json()["code"] == "permission_denied"
    webhook.refresh_from_db()
    assert Webhook.objects.count() == 1
    assert (webhook.is_active, webhook.events) == (True, ["ticket.created"])
    assert WebhookDelivery.objects.count() == 0
    assert webhook_receiver.requests == []


def test_api_read_only_admin_key_cannot_manage_webhooks(api_for, admin, loopback_allowed, webhook_receiver):
    client = api_for(admin, ["read"])

    assert client.get("/api/v1/webhooks").status_code == 403
    assert client.post("/api/v1/webhooks", {"url": webhook_receiver.url, "events": ["*"]}).status_code == 403
    assert Webhook.objects.count() == 0


def test_api_another_organizations_webhook_answers_404(
    other_api, loopback_allowed, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    failed = make_delivery(webhook, status=DeliveryStatus.FAILED, attempts=6)
    base = f"/api/v1/webhooks/{webhook.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            other_api.get(base),
            other_api.patch(base, {"is_active": False}),
            other_api.put(base, {"url": webhook_receiver.url, "events": ["ticket.closed"]}),
            other_api.delete(base),
            other_api.get(f"{base}/deliveries"),
            other_api.get(f"{base}/deliveries/{failed.pk}"),
            other_api.post(f"{base}/test"),
            other_api.post(f"{base}/deliveries/{failed.pk}/redeliver"),
        ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert responses[0].json()["code"] == "not_found"
    assert other_api.get("/api/v1/webhooks").json()["count"] == 0
    webhook.refresh_from_db()
    failed.refresh_from_db()
    assert (webhook.is_active, webhook.events) == (True, ["ticket.created"])
    assert (failed.status, failed.attempts) == (DeliveryStatus.FAILED, 6)
    assert WebhookDelivery.objects.count() == 1
    assert webhook_receiver.requests == []


def test_api_deliveries_are_paginated_newest_first(admin_api, loopback_allowed, webhook_receiver):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    other_webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    make_delivery(other_webhook)
    start = timezone.now() - timedelta(hours=1)
    created = []
    for minute in range(25):
        delivery = make_delivery(webhook, status=DeliveryStatus.FAILED if minute % 5 == 0 else "succeeded")
        WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=start + timedelta(minutes=minute))
        created.append(str(delivery.pk))
    newest_first = list(reversed(created))

    first = admin_api.get(f"/api/v1/webhooks/{webhook.pk}/deliveries?per_page=10").json()
    last = admin_api.get(f"/api/v1/webhooks/{webhook.pk}/deliveries?per_page=10&page=3").json()
    failed = admin_api.get(f"/api/v1/webhooks/{webhook.pk}/deliveries?status=failed").json()

    assert (first["count"], first["page"], first["per_page"], first["total_pages"]) == (25, 1, 10, 3)
    assert [d["id"] for d in first["results"]] == newest_first[:10]
    assert [d["id"] for d in last["results"]] == newest_first[20:]
    assert failed["count"] == 5
    assert {d["status"] for d in failed["results"]} == {"failed"}
    assert first["results"][0]["webhook_id"] == webhook.pk


def test_api_test_ping_is_sent_to_that_webhook_only(
    admin_api, loopback_allowed, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url, events=["ticket.created"])
    make_webhook(loopback_allowed, webhook_receiver.url, events=["*"])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(f"/api/v1/webhooks/{webhook.pk}/test")

    assert response.status_code == 202
    assert response.json()["event"] == "webhook.test"
    assert len(webhook_receiver.requests) == 1
    received = webhook_receiver.requests[0]
    assert received.header("X-Parley-Event") == "webhook.test"
    assert received.header("X-Signature") == expected_signature(webhook.secret, received.body)
    assert received.json()["data"]["webhook_id"] == webhook.pk
    delivery = WebhookDelivery.objects.get()
    assert delivery.webhook == webhook
    assert delivery.status == DeliveryStatus.SUCCEEDED
    log = admin_api.get(f"/api/v1/webhooks/{webhook.pk}/deliveries").json()
    assert [d["status"] for d in log["results"]] == ["succeeded"]
    detail = admin_api.get(f"/api/v1/webhooks/{webhook.pk}/deliveries/{delivery.pk}").json()
    assert detail["response_status_code"] == 200


def test_api_redeliver(admin_api, loopback_allowed, webhook_receiver, django_capture_on_commit_callbacks):
    webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    other_webhook = make_webhook(loopback_allowed, webhook_receiver.url)
    failed = make_delivery(webhook, status=DeliveryStatus.FAILED, attempts=6)
    succeeded = make_delivery(webhook, status=DeliveryStatus.SUCCEEDED, attempts=1)
    base = f"/api/v1/webhooks/{webhook.pk}/deliveries"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(f"{base}/{failed.pk}/redeliver")
    conflict = admin_api.post(f"{base}/{succeeded.pk}/redeliver")
    unknown = admin_api.post(f"{base}/{uuid.uuid4()}/redeliver")
    malformed = admin_api.post(f"{base}/not-a-uuid/redeliver")
    wrong_webhook = admin_api.post(f"/api/v1/webhooks/{other_webhook.pk}/deliveries/{succeeded.pk}/redeliver")

    assert response.status_code == 202
    assert response.json()["id"] == str(failed.pk)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (DeliveryStatus.SUCCEEDED, 1)
    assert conflict.status_code == 409 and conflict.json()["code"] == "conflict"
    assert (unknown.status_code, malformed.status_code, wrong_webhook.status_code) == (404, 404, 404)
    assert len(webhook_receiver.requests) == 1


# --- integration: a real Celery worker process (PARLEY_INTEGRATION=1) ---------------------------


@integration_only
@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_and_retries(org, webhook_receiver, real_worker):
    org.allowed_outbound_hosts = ["127.0.0.1"]
    org.save()
    webhook_receiver.statuses = [500]
    webhook = make_webhook(org, webhook_receiver.url)

    events.emit(org, "ticket.created", {"id": 42})  # no transaction open: dispatched at once

    delivery = wait_until(
        lambda: WebhookDelivery.objects.filter(webhook=webhook, status=DeliveryStatus.SUCCEEDED).first(),
        timeout=60,
        message="the worker to deliver the webhook",
    )
    assert delivery.attempts == 2
    assert len(webhook_receiver.requests) == 2
    received = webhook_receiver.requests[-1]
    assert received.header("X-Signature") == expected_signature(webhook.secret, received.body)
