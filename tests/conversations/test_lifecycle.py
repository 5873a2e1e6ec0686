"""Status changes: snooze (durations and ISO times), wake-up, reopen on a contact's message,
resolve and close, with activity entries and ticket events."""

from datetime import UTC, datetime, timedelta

import pytest

from conversations.errors import ConversationError
from conversations.models import Conversation
from conversations.services import lifecycle, messages
from conversations.services.lifecycle import parse_snooze_until

NOW = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("30m", NOW + timedelta(minutes=30)),
        ("1h", NOW + timedelta(hours=1)),
        ("3h", NOW + timedelta(hours=3)),
        ("100h", NOW + timedelta(hours=100)),
        ("1h30m", NOW + timedelta(minutes=90)),
        ("2d", NOW + timedelta(days=2)),
        ("1w", NOW + timedelta(weeks=1)),
        ("2025-01-20T08:00:00Z", datetime(2025, 1, 20, 8, 0, tzinfo=UTC)),
        ("2025-01-20T09:00:00+01:00", datetime(2025, 1, 20, 8, 0, tzinfo=UTC)),
        ("2025-01-20T08:00:00", datetime(2025, 1, 20, 8, 0, tzinfo=UTC)),
    ],
)
def test_snooze_durations_and_times(value, expected):
    assert parse_snooze_until(value, now=NOW) == expected


@pytest.mark.parametrize("value", ["", "soon", "0m", "-1h", "2024-01-01T00:00:00Z", "9999h", "1x"])
def test_bad_snooze_values_are_refused(value):
    with pytest.raises(ConversationError):
        parse_snooze_until(value, now=NOW)


def test_snooze_through_the_api_then_wake_up_on_time(clock, admin_api, conversation):
    url = f"/api/v1/conversations/{conversation.uuid}/status"
    response = admin_api.put(url, {"status": "Snoozed", "snoozed_until": "1h"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "Snoozed"
    assert response.json()["snoozed_until"].startswith("2025-01-15T11:00")

    clock.advance(minutes=59)
    assert lifecycle.snooze_wake_due() == 0
    clock.advance(minutes=1)
    from conversations import tasks

    assert tasks.snooze_wake.delay().get() == 1

    conversation.refresh_from_db()
    assert conversation.status.name == "Open" and conversation.snoozed_until is None
    last = conversation.messages.filter(type="activity").order_by("-id").first()
    assert "snooze ended" in last.text_content.lower()


def test_snoozing_needs_a_time(admin_api, conversation):
    response = admin_api.put(
        f"/api/v1/conversations/{conversation.uuid}/status", {"status": "Snoozed"}, format="json"
    )
    assert response.status_code == 400
    assert "snoozed_until" in response.json()["fields"]
    conversation.refresh_from_db()
    assert conversation.status.name == "Open"


@pytest.mark.parametrize("status", ["Snoozed", "Resolved", "Closed"])
def test_a_contact_message_reopens_the_conversation(admin, conversation, status):
    lifecycle.conversation_set_status(
        conversation=conversation, status=status, actor=admin, snoozed_until="3h"
    )
    messages.message_create(conversation=conversation, content="Any news?", actor=None, sender_type="contact")
    conversation.refresh_from_db()
    assert conversation.status.name == "Open"
    assert conversation.snoozed_until is None and conversation.resolved_at is None
    assert conversation.messages.filter(type="activity", text_content__icontains="reopened").exists()


def test_an_agent_reply_does_not_reopen(admin, conversation):
    lifecycle.conversation_set_status(conversation=conversation, status="Resolved", actor=admin)
    messages.message_create(conversation=conversation, content="Glad it works", actor=admin)
    conversation.refresh_from_db()
    assert conversation.status.name == "Resolved"


def test_resolve_and_close_stamp_times_and_emit_ticket_events(
    clock, admin_api, conversation, capture_events, django_capture_on_commit_callbacks
):
    url = f"/api/v1/conversations/{conversation.uuid}/status"
    with django_capture_on_commit_callbacks(execute=True):
        resolved = admin_api.put(url, {"status": "resolved"}, format="json")
    assert resolved.status_code == 200
    assert resolved.json()["resolved_at"].startswith("2025-01-15T10:00")
    clock.advance(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        closed = admin_api.put(url, {"status": "Closed"}, format="json")
    assert closed.json()["closed_at"].startswith("2025-01-15T11:00")
    assert closed.json()["resolved_at"] is not None

    names = [name for name, _ in capture_events]
    assert names.count("ticket.resolved") == 1 and names.count("ticket.closed") == 1
    assert names.count("conversation.updated") == 2
    payload = next(p for n, p in capture_events if n == "ticket.closed")
    assert payload["status"] == "Closed" and payload["reference_number"] == str(conversation.reference_number)


def test_unknown_status_is_refused_and_same_status_is_a_no_op(admin_api, conversation):
    url = f"/api/v1/conversations/{conversation.uuid}/status"
    assert admin_api.put(url, {"status": "Exploded"}, format="json").status_code == 400
    before = conversation.messages.count()
    assert admin_api.put(url, {"status": "Open"}, format="json").status_code == 200
    assert conversation.messages.count() == before


def test_custom_status_counts_as_open(admin_api, admin, conversation):
    created = admin_api.post("/api/v1/statuses", {"name": "Waiting on customer"}, format="json")
    assert created.status_code == 201 and created.json()["category"] == "open"
    lifecycle.conversation_set_status(conversation=conversation, status="waiting on customer", actor=admin)
    conversation = Conversation.objects.get(pk=conversation.pk)
    assert conversation.status.name == "Waiting on customer" and conversation.resolved_at is None
