"""Domain events of the conversations app, and the webhooks they fire."""

from helpdesk.models import Webhook, WebhookDelivery
from tests.conversations.factories import make_conversation
from tests.fakes.webhook_receiver import WebhookReceiver


def test_create_emits_conversation_ticket_and_message_events(
    org, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conversation = make_conversation(org, email="ada@example.com", subject="Hello there", content="Hi!")
    names = [name for name, _ in capture_events]
    assert names == ["message.created", "conversation.created", "ticket.created", "conversation_created"]
    created = dict(capture_events)["conversation.created"]
    assert created["uuid"] == str(conversation.uuid) and created["reference_number"] == str(
        conversation.reference_number
    )
    assert (created["status"], created["subject"], created["contact"]["email"]) == (
        "Open",
        "Hello there",
        "ada@example.com",
    )
    message = dict(capture_events)["message.created"]
    assert (message["type"], message["text_content"], message["conversation_uuid"]) == (
        "incoming",
        "Hi!",
        str(conversation.uuid),
    )


def test_every_state_change_emits_updated_events(
    admin_api, conversation, capture_events, django_capture_on_commit_callbacks
):
    url = f"/api/v1/conversations/{conversation.uuid}"
    with django_capture_on_commit_callbacks(execute=True):
        admin_api.put(f"{url}/priority", {"priority": "High"}, format="json")
        admin_api.post(f"{url}/tags", {"tags": ["vip"]}, format="json")
        admin_api.post(f"{url}/messages", {"message": "reply"}, format="json")
    updates = [payload["changes"] for name, payload in capture_events if name == "conversation.updated"]
    conversation.refresh_from_db()
    # the reply to an unassigned conversation assigned it to the replier
    assert updates == [
        {"priority": "High"},
        {"tags": ["vip"]},
        {"assigned_user_id": conversation.assigned_agent_id},
    ]
    assert [name for name, _ in capture_events].count("ticket.updated") == 3
    assert [name for name, _ in capture_events].count("message.created") == 1


def test_nothing_is_emitted_when_the_change_fails(
    admin_api, conversation, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_api.put(
            f"/api/v1/conversations/{conversation.uuid}/status",
            {"status": "Snoozed", "snoozed_until": "never"},
            format="json",
        )
    assert capture_events == []


def test_a_subscribed_webhook_receives_ticket_created(org, admin_api, django_capture_on_commit_callbacks):
    receiver = WebhookReceiver().start()
    try:
        org.allowed_outbound_hosts = ["127.0.0.1"]
        org.save()
        webhook = Webhook.objects.create(
            organization=org,
            url=receiver.url,
            events=["ticket.created", "message.created"],
            secret="s3cret-value",
        )
        Webhook.objects.create(
            organization=org, url=receiver.url, events=["document.processed"], secret="other-secret"
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_api.post(
                "/api/v1/tickets",
                {"subject": "Printer on fire", "description": "Help", "customer_email": "it@example.com"},
                format="json",
            )
        assert response.status_code == 201
        deliveries = WebhookDelivery.objects.filter(webhook=webhook)
        assert sorted(deliveries.values_list("event", flat=True)) == ["message.created", "ticket.created"]
        assert WebhookDelivery.objects.count() == 2  # the document.processed webhook got nothing
        ticket = next(r.json() for r in receiver.requests if r.json()["event"] == "ticket.created")
        assert ticket["data"]["subject"] == "Printer on fire"
        assert ticket["data"]["contact"]["email"] == "it@example.com"
        assert deliveries.get(event="ticket.created").status == "succeeded"
    finally:
        receiver.stop()
