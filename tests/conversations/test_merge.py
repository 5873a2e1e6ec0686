"""Merging two conversations of the same contact."""

from conversations.models import Conversation
from conversations.services import messages
from tests.conversations.factories import make_conversation


def test_merge_moves_messages_and_closes_the_source_with_a_link(
    admin_api, admin, org, capture_events, django_capture_on_commit_callbacks
):
    source = make_conversation(
        org, email="ada@example.com", subject="first", content="Order missing", tags=["shipping"]
    )
    target = make_conversation(org, email="ada@example.com", subject="second", content="Still missing")
    messages.message_create(conversation=source, content="Checking", actor=admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(
            f"/api/v1/conversations/{source.uuid}/merge", {"into_uuid": str(target.uuid)}, format="json"
        )

    assert response.status_code == 200, response.content
    assert response.json()["uuid"] == str(target.uuid)
    source = Conversation.objects.get(pk=source.pk)
    target = Conversation.objects.get(pk=target.pk)
    assert source.status.name == "Closed" and source.merged_into == target and source.closed_at is not None
    texts = list(target.messages.exclude(type="activity").values_list("text_content", flat=True))
    assert sorted(texts) == ["Checking", "Order missing", "Still missing"]
    assert [t.name for t in target.tags.all()] == ["shipping"]
    assert target.first_reply_at is not None
    assert source.messages.filter(type="activity", meta__action="merged_into").exists()
    assert target.messages.filter(type="activity", meta__action="merged_from").exists()
    detail = admin_api.get(f"/api/v1/conversations/{source.uuid}").json()
    assert (
        detail["merged_into_uuid"] == str(target.uuid)
        and detail["last_message"] == f"Merged into #{target.reference_number}"
    )
    names = [name for name, _ in capture_events]
    assert "ticket.closed" in names and names.count("conversation.updated") == 2


def test_merge_refuses_other_contacts_itself_twice_and_other_orgs(admin_api, admin, org, other_conversation):
    a = make_conversation(org, email="ada@example.com")
    b = make_conversation(org, email="bob@example.com")
    c = make_conversation(org, email="ada@example.com")
    url = f"/api/v1/conversations/{a.uuid}/merge"
    assert admin_api.post(url, {"into_uuid": str(b.uuid)}, format="json").status_code == 400
    assert admin_api.post(url, {"into_uuid": str(a.uuid)}, format="json").status_code == 400
    assert admin_api.post(url, {"into_uuid": str(other_conversation.uuid)}, format="json").status_code == 404
    assert admin_api.post(url, {"into_uuid": "nope"}, format="json").status_code == 400
    assert Conversation.objects.get(pk=a.pk).merged_into is None
    assert admin_api.post(url, {"into_uuid": str(c.uuid)}, format="json").status_code == 200
    assert admin_api.post(url, {"into_uuid": str(c.uuid)}, format="json").status_code == 409
    assert (
        admin_api.post(
            f"/api/v1/conversations/{c.uuid}/merge", {"into_uuid": str(a.uuid)}, format="json"
        ).status_code
        == 409
    )
