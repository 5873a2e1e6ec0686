"""Merging a duplicate contact: everything it owns moves to the contact kept, the kept contact
takes the details it lacks, a note records the merge; merging across organizations is refused."""

import pytest
from django.utils import timezone

from conversations.errors import ConversationError
from conversations.models import Contact, ContactNote, CsatSurvey, Message
from conversations.services.contact_merge import contact_merge
from conversations.services.contacts import contact_create, contact_note_create
from tests.conversations.factories import ContactFactory, make_conversation


def test_merge_moves_conversations_notes_surveys_and_messages(org, agent):
    conversation = make_conversation(org, email="ada.work@example.com")
    duplicate = conversation.contact
    Contact.objects.filter(pk=duplicate.pk).update(
        phone_number="+44 20", company="Analytical Engines", custom_attributes={"plan": "pro", "seats": 3}
    )
    duplicate.refresh_from_db()
    keep = ContactFactory(
        organization=org,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        custom_attributes={"plan": "enterprise"},
    )
    kept_conversation = make_conversation(org, email="ada@example.com")
    contact_note_create(contact=duplicate, author=agent, note="Prefers email")
    CsatSurvey.objects.create(
        organization=org,
        conversation=conversation,
        contact=duplicate,
        inbox=conversation.inbox,
        resolution_seq=1,
        channel=conversation.inbox.channel,
        asked_at=timezone.now(),
        rating=5,
    )

    result = contact_merge(duplicate=duplicate, keep=keep, actor=agent)

    assert not Contact.objects.filter(pk=duplicate.pk).exists()
    keep.refresh_from_db()
    assert set(keep.conversations.values_list("pk", flat=True)) == {conversation.pk, kept_conversation.pk}
    assert (result.conversations, result.notes, result.surveys) == (1, 1, 1)
    assert CsatSurvey.objects.get().contact_id == keep.pk
    assert Message.objects.filter(conversation=conversation, sender_contact=keep).exists()
    assert keep.email == "ada@example.com" and keep.phone_number == "+44 20"
    assert keep.company == "Analytical Engines"
    assert keep.custom_attributes == {"plan": "enterprise", "seats": 3}  # the kept value wins
    audit = ContactNote.objects.filter(contact=keep).order_by("-id").first()
    assert "merged the duplicate contact" in audit.note and "ada.work@example.com" in audit.note
    assert audit.author == agent
    assert ContactNote.objects.filter(contact=keep, note="Prefers email").exists()


def test_kept_contact_without_email_takes_the_duplicates(org, agent):
    keep = contact_create(organization=org, first_name="Grace")
    duplicate = ContactFactory(organization=org, email="grace@navy.test")

    contact_merge(duplicate=duplicate, keep=keep, actor=agent)

    keep.refresh_from_db()
    assert keep.email == "grace@navy.test"


def test_merge_across_organizations_is_refused_and_changes_nothing(org, other_org, agent):
    mine = make_conversation(org, email="one@example.com").contact
    theirs = make_conversation(other_org, email="two@example.com").contact

    with pytest.raises(ConversationError) as refused:
        contact_merge(duplicate=theirs, keep=mine, actor=agent)

    assert refused.value.code == "not_found"
    assert Contact.objects.filter(pk=theirs.pk).exists()
    assert theirs.conversations.count() == 1 and mine.conversations.count() == 1


def test_a_contact_cannot_be_merged_into_itself(org, agent):
    contact = ContactFactory(organization=org)
    with pytest.raises(ConversationError):
        contact_merge(duplicate=contact, keep=contact, actor=agent)
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_create_refuses_a_taken_email_and_an_empty_contact(org):
    ContactFactory(organization=org, email="taken@example.com")
    with pytest.raises(ConversationError) as taken:
        contact_create(organization=org, email="Taken@Example.com")
    assert taken.value.code == "conflict"
    with pytest.raises(ConversationError):
        contact_create(organization=org)
    assert Contact.objects.filter(organization=org).count() == 1


def test_the_contacts_api_reads_and_writes_the_company(agent_api, org):
    contact = ContactFactory(organization=org, email="c@example.com")

    response = agent_api.put(f"/api/v1/contacts/{contact.pk}", {"company": "Acme Ltd"}, format="json")

    assert response.status_code == 200 and response.json()["company"] == "Acme Ltd"
    assert agent_api.get(f"/api/v1/contacts/{contact.pk}").json()["company"] == "Acme Ltd"
    contact.refresh_from_db()
    assert contact.company == "Acme Ltd"
