"""The hot lists and the detail are built from row values (issue 14): their JSON is exactly what
the DRF serializers (the API schema) give for the same conversations — same keys, same order,
same values — for every kind of row (agent and team, tags, SLA policy and status, merged,
snoozed, custom attributes, read states of the caller and of the assignee)."""

import json

import pytest
from rest_framework.renderers import JSONRenderer

from conversations.api.serializers.conversations import (
    ConversationDetailSerializer,
    ConversationListSerializer,
)
from conversations.api.serializers.tickets import TicketSerializer
from conversations.api.views.tickets import with_description
from conversations.models import Contact, Conversation
from conversations.selectors import conversations as selectors
from conversations.services import conversations, lifecycle, messages
from tests.conversations.test_query_counts import populate


def rendered(data):
    return json.loads(JSONRenderer().render(data))


@pytest.fixture
def varied(org, admin):
    populate(org, admin, 4)
    first = Conversation.objects.filter(organization=org).order_by("id").first()
    lifecycle.conversation_set_status(conversation=first, status="Snoozed", snoozed_until="3h", actor=admin)
    second = Conversation.objects.filter(organization=org).order_by("id")[1]
    lifecycle.conversation_set_status(conversation=second, status="Resolved", actor=admin)
    conversations.conversation_update(conversation=second, actor=admin, subject="Résolu — merci")
    Conversation.objects.filter(pk=second.pk).update(custom_attributes={"plan": "pro", "seats": 3})
    Contact.objects.filter(pk=second.contact_id).update(
        avatar_url="https://example.com/a.png", phone_number="555", custom_attributes={"vip": True}
    )
    messages.message_create(conversation=second, content="<p>a reply</p>", actor=admin)
    conversations.conversation_mark_seen(conversation=first, membership=admin)
    return Conversation.objects.filter(organization=org)


def serializer_list(org, membership):
    page = list(selectors.conversation_list(organization=org, membership=membership))
    extras = selectors.page_extras(conversations=page, membership=membership)
    return rendered(ConversationListSerializer(page, many=True, context={"page_extras": extras}).data)


def test_list_rows_equal_the_serializer(varied, org, admin, admin_api):
    body = admin_api.get("/api/v1/conversations/all?per_page=100").json()
    expected = serializer_list(org, admin)
    assert len(body["results"]) == len(expected) == varied.count()
    for got, want in zip(body["results"], expected, strict=True):
        assert list(got) == list(want)
        assert got == want
    # every kind of value was compared, not only nulls
    for key in ("sla_policy_name", "sla_status", "merged_into_uuid", "snoozed_until", "assignee", "team"):
        assert any(row[key] is not None for row in expected), key
    assert any(row["tags"] for row in expected) and any(row["unread_message_count"] for row in expected)
    assert any(row["contact"]["avatar_url"] for row in expected)


def test_list_rows_of_an_assigned_agent_equal_the_serializer(varied, org, api_for):
    conversation = varied.filter(assigned_agent__isnull=False).first()
    agent = conversation.assigned_agent
    body = api_for(agent).get("/api/v1/conversations/all?per_page=100").json()
    assert body["results"] == serializer_list(org, agent)
    row = next(item for item in body["results"] if item["id"] == conversation.pk)
    assert row["assignee_last_seen_at"] is not None


def test_detail_equals_the_serializer(varied, org, admin, admin_api):
    for conversation in varied:
        instance = selectors.conversation_get(organization=org, uuid=conversation.uuid)
        context = {
            "page_extras": selectors.page_extras(conversations=[instance], membership=admin),
            "previous_conversations": selectors.previous_conversations(conversation=instance),
        }
        want = rendered(ConversationDetailSerializer(instance, context=context).data)
        got = admin_api.get(f"/api/v1/conversations/{conversation.uuid}").json()
        assert list(got) == list(want)
        assert got == want


def test_ticket_rows_equal_the_serializer(varied, org, admin, admin_api):
    body = admin_api.get("/api/v1/tickets?per_page=100").json()
    page = list(
        with_description(
            selectors.conversation_list(organization=org, membership=admin, order_by="-created_at")
        )
    )
    for ticket in page:
        ticket.description = ticket.description or ""
    want = rendered(TicketSerializer(page, many=True).data)
    assert [list(item) for item in body["results"]] == [list(item) for item in want]
    assert body["results"] == want
