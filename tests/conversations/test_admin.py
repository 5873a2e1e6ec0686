"""Django admin of the conversations models: every page renders, actions go through services."""

import pytest
from django.urls import reverse

from conversations.models import (
    Attachment,
    CannedResponse,
    ContactNote,
    Conversation,
    Macro,
    SavedView,
    SLABreach,
)
from helpdesk.models import User
from tests.conversations.factories import BusinessHoursFactory, SLAPolicyFactory, make_conversation

MODELS = [
    "contact", "inbox", "status", "tag", "conversation", "message", "attachment", "savedview",
    "cannedresponse", "macro", "businesshours", "slapolicy", "slabreach",
]  # fmt: skip


@pytest.fixture
def superuser_client(client, db):
    user = User.objects.create_superuser(email="root@parley.test", password="root-password-1")
    client.force_login(user)
    return client


@pytest.fixture
def populated(org, admin):
    conversation = make_conversation(org, tags=["vip"])
    ContactNote.objects.create(organization=org, contact=conversation.contact, note="note", author=admin)
    Attachment.objects.create(
        organization=org, filename="a.txt", content_type="text/plain", size=1, file="a.txt"
    )
    SavedView.objects.create(organization=org, name="Mine", owner=admin)
    CannedResponse.objects.create(organization=org, title="Hi", content="Hello")
    Macro.objects.create(organization=org, name="Close", actions=[{"type": "set_status", "value": "Closed"}])
    BusinessHoursFactory(organization=org)
    SLAPolicyFactory(organization=org)
    SLABreach.objects.create(
        organization=org,
        conversation=conversation,
        metric="first_response",
        deadline_at=conversation.created_at,
    )
    return conversation


@pytest.mark.parametrize("model", MODELS)
def test_every_page_renders(superuser_client, populated, model):
    changelist = superuser_client.get(reverse(f"admin:conversations_{model}_changelist"))
    assert changelist.status_code == 200
    model_class = changelist.context["cl"].model
    row = model_class.objects.first()
    assert (
        superuser_client.get(reverse(f"admin:conversations_{model}_change", args=[row.pk])).status_code == 200
    )


def test_resolve_action_uses_the_service(superuser_client, populated):
    response = superuser_client.post(
        reverse("admin:conversations_conversation_changelist"),
        {"action": "resolve_conversations", "_selected_action": [populated.pk]},
        follow=True,
    )
    assert response.status_code == 200
    conversation = Conversation.objects.get(pk=populated.pk)
    assert conversation.status.name == "Resolved" and conversation.resolved_at is not None
    assert conversation.messages.filter(type="activity", meta__action="status_changed").exists()
