"""Contacts: the list (search, paging, blocked filter), a contact's page (edit, block/unblock,
notes, conversations), permissions and the organization boundary."""

import pytest
from django.urls import reverse

from conversations.models import Contact, ContactNote
from conversations.services.contacts import contact_note_create
from tests.conversations.factories import ContactFactory, make_conversation

CONTACTS = reverse("conversations:contacts")


@pytest.fixture
def as_member(client):
    def sign_in(membership):
        client.force_login(membership.user)
        session = client.session
        session["organization_id"] = membership.organization_id
        session.save()
        return client

    return sign_in


def names(response) -> list[str]:
    return [contact.full_name for contact in response.context["page"].object_list]


def test_list_shows_contacts_with_their_conversation_counts(as_member, org, agent, conversation):
    make_conversation(org, email="ada@example.com", subject="Again")
    ContactFactory(organization=org, first_name="Bob", last_name="Stone", enabled=False)
    response = as_member(agent).get(CONTACTS)
    body = response.content.decode()
    assert response.status_code == 200
    assert set(names(response)) == {"Ada Lovelace", "Bob Stone"}
    ada = next(contact for contact in response.context["page"].object_list if contact.first_name == "Ada")
    assert ada.conversation_count == 2
    assert "Blocked" in body


def test_search_and_blocked_filter(as_member, org, agent):
    ContactFactory(organization=org, first_name="Grace", last_name="Hopper", email="grace@navy.test")
    ContactFactory(
        organization=org, first_name="Alan", last_name="Turing", phone_number="+44 1234", enabled=False
    )
    client = as_member(agent)
    assert names(client.get(CONTACTS, {"q": "hopper"})) == ["Grace Hopper"]
    assert names(client.get(CONTACTS, {"q": "navy.test"})) == ["Grace Hopper"]
    assert names(client.get(CONTACTS, {"q": "1234"})) == ["Alan Turing"]
    assert names(client.get(CONTACTS, {"blocked": "1"})) == ["Alan Turing"]
    short = client.get(CONTACTS, {"q": "a"})
    assert "at least 3 characters" in short.content.decode()
    assert "No contact matches" in client.get(CONTACTS, {"q": "zzzzz"}).content.decode()


def test_htmx_search_returns_the_results_only(as_member, org, agent):
    ContactFactory(organization=org, first_name="Grace", last_name="Hopper")
    response = as_member(agent).get(
        CONTACTS, {"q": "grace"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="contact-results"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card card--flush" id="contact-results">')
    assert "Grace Hopper" in body and "<html" not in body


def test_pagination(as_member, org, agent):
    for number in range(30):
        ContactFactory(organization=org, first_name=f"Person{number:02}", last_name="X")
    client = as_member(agent)
    first = client.get(CONTACTS)
    assert len(names(first)) == 25 and "Next" in first.content.decode()
    assert len(names(client.get(CONTACTS, {"page": 2}))) == 5
    assert len(names(client.get(CONTACTS, {"page": "junk"}))) == 25


def test_contact_page_edit_and_conflict(as_member, org, agent, conversation):
    ContactFactory(organization=org, email="taken@example.com")
    client = as_member(agent)
    page = reverse("conversations:contact", args=[conversation.contact_id])
    response = client.get(page)
    assert response.status_code == 200 and "Broken order" in response.content.decode()

    response = client.post(
        page,
        {"first_name": "Augusta", "last_name": "King", "email": "ada@example.com", "phone_number": "+44 20"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(pk=conversation.contact_id)
    assert (contact.first_name, contact.last_name, contact.phone_number) == ("Augusta", "King", "+44 20")

    response = client.post(page, {"first_name": "Augusta", "last_name": "King", "email": "taken@example.com"})
    assert response.status_code == 400
    assert "Another contact has this email" in response.content.decode()
    assert Contact.objects.get(pk=conversation.contact_id).email == "ada@example.com"


def test_block_and_unblock(as_member, agent, conversation):
    client = as_member(agent)
    block = reverse("conversations:contact-block", args=[conversation.contact_id])
    client.post(block, {"enabled": "0"})
    assert Contact.objects.get(pk=conversation.contact_id).enabled is False
    client.post(block, {"enabled": "1"})
    assert Contact.objects.get(pk=conversation.contact_id).enabled is True


def test_notes_add_and_delete_rules(as_member, org, agent, admin, conversation):
    contact = conversation.contact
    client = as_member(agent)
    client.post(reverse("conversations:contact-note-add", args=[contact.pk]), {"note": "VIP since 2019"})
    mine = ContactNote.objects.get(note="VIP since 2019")
    assert mine.author == agent
    assert (
        client.post(reverse("conversations:contact-note-add", args=[contact.pk]), {"note": ""}).status_code
        == 400
    )

    admins = contact_note_create(contact=contact, author=admin, note="Admin's note")
    response = client.post(reverse("conversations:contact-note-delete", args=[contact.pk, admins.pk]))
    assert response.status_code == 403
    assert ContactNote.objects.filter(pk=admins.pk).exists()
    client.post(reverse("conversations:contact-note-delete", args=[contact.pk, mine.pk]))
    assert not ContactNote.objects.filter(pk=mine.pk).exists()

    client = as_member(admin)
    client.post(reverse("conversations:contact-note-delete", args=[contact.pk, admins.pk]))
    assert not ContactNote.objects.filter(pk=admins.pk).exists()


def test_another_organizations_contact_is_404_and_unchanged(as_member, agent, other_conversation):
    contact = other_conversation.contact
    client = as_member(agent)
    assert client.get(reverse("conversations:contact", args=[contact.pk])).status_code == 404
    assert (
        client.post(reverse("conversations:contact-block", args=[contact.pk]), {"enabled": "0"}).status_code
        == 404
    )
    response = client.post(reverse("conversations:contact-note-add", args=[contact.pk]), {"note": "x"})
    assert response.status_code == 404
    assert Contact.objects.get(pk=contact.pk).enabled is True
    assert not ContactNote.objects.filter(contact=contact).exists()
    assert "eve@globex.test" not in client.get(CONTACTS).content.decode()


def test_contact_names_are_escaped(as_member, org, agent):
    ContactFactory(organization=org, first_name="<script>alert(1)</script>", last_name="X")
    body = as_member(agent).get(CONTACTS).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
