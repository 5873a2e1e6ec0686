"""Contacts: list, search, get, update, block, notes; Novumdesk's users alias."""

from conversations.models import Contact, ContactNote
from tests.conversations.factories import ContactFactory
from tests.factories import MembershipFactory


def test_list_get_and_users_alias(agent_api, org):
    ada = ContactFactory(organization=org, first_name="Ada", last_name="Lovelace", email="ada@example.com")
    ContactFactory(organization=org)
    listed = agent_api.get("/api/v1/contacts")
    assert listed.status_code == 200 and listed.json()["count"] == 2
    one = agent_api.get(f"/api/v1/contacts/{ada.pk}").json()
    assert (one["type"], one["email"], one["enabled"], one["avatar_url"]) == (
        "contact",
        "ada@example.com",
        True,
        None,
    )
    user = agent_api.get(f"/api/v1/users/{ada.pk}").json()
    assert (user["name"], user["email"]) == ("Ada Lovelace", "ada@example.com")
    assert agent_api.get("/api/v1/users").json()["count"] == 2
    assert agent_api.get("/api/v1/users?email=ada@example.com").json()["count"] == 1


def test_search_by_name_email_or_phone(agent_api, org):
    ContactFactory(
        organization=org,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@math.test",
        phone_number="+44 123",
    )
    ContactFactory(organization=org, first_name="Alan", last_name="Turing", email="alan@bletchley.test")

    def found(query):
        response = agent_api.get(f"/api/v1/contacts/search?query={query}")
        assert response.status_code == 200, response.content
        return sorted(c["first_name"] for c in response.json()["results"])

    assert found("love") == ["Ada"]
    assert found("ada lovelace") == ["Ada"]
    assert found("bletchley") == ["Alan"]
    assert found("%2B44") == ["Ada"]
    assert found(".test") == ["Ada", "Alan"]
    assert agent_api.get("/api/v1/contacts/search?query=ad").status_code == 400


def test_update_contact(agent_api, org):
    contact = ContactFactory(organization=org, email="old@example.com")
    response = agent_api.put(
        f"/api/v1/contacts/{contact.pk}",
        {
            "first_name": "New",
            "email": "NEW@example.com",
            "phone_number": "555",
            "custom_attributes": {"tier": "gold"},
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    contact.refresh_from_db()
    assert (contact.first_name, contact.email, contact.phone_number) == ("New", "new@example.com", "555")
    assert contact.custom_attributes == {"tier": "gold"}


def test_update_refuses_duplicates_bad_emails_and_script_urls(agent_api, org):
    ContactFactory(organization=org, email="taken@example.com")
    contact = ContactFactory(organization=org, email="me@example.com")
    url = f"/api/v1/contacts/{contact.pk}"
    assert agent_api.put(url, {"email": "taken@example.com"}, format="json").status_code == 409
    assert agent_api.put(url, {"email": "not an email"}, format="json").status_code == 400
    assert agent_api.put(url, {"avatar_url": "javascript:alert(1)"}, format="json").status_code == 400
    contact.refresh_from_db()
    assert contact.email == "me@example.com" and contact.avatar_url == ""


def test_block_and_unblock(agent_api, org):
    contact = ContactFactory(organization=org)
    response = agent_api.put(f"/api/v1/contacts/{contact.pk}/block", {"enabled": False}, format="json")
    assert response.status_code == 200 and response.json()["enabled"] is False
    assert Contact.objects.get(pk=contact.pk).enabled is False
    assert agent_api.put(f"/api/v1/contacts/{contact.pk}/block", {}, format="json").status_code == 400
    assert (
        agent_api.put(f"/api/v1/contacts/{contact.pk}/block", {"enabled": True}, format="json").json()[
            "enabled"
        ]
        is True
    )


def test_notes(agent_api, admin_api, agent, org):
    contact = ContactFactory(organization=org)
    url = f"/api/v1/contacts/{contact.pk}/notes"
    created = agent_api.post(url, {"note": "Prefers email"}, format="json")
    assert created.status_code == 201, created.content
    note = created.json()
    assert (note["note"], note["user_id"], note["contact_id"]) == ("Prefers email", agent.pk, contact.pk)
    assert note["first_name"] == agent.user.first_name
    assert agent_api.post(url, {"note": ""}, format="json").status_code == 400
    assert [n["note"] for n in agent_api.get(url).json()["results"]] == ["Prefers email"]


def test_only_the_author_or_an_admin_deletes_a_note(api_for, agent, admin, org):
    contact = ContactFactory(organization=org)
    note = ContactNote.objects.create(organization=org, contact=contact, author=agent, note="mine")
    colleague = api_for(MembershipFactory(organization=org))
    url = f"/api/v1/contacts/{contact.pk}/notes/{note.pk}"
    assert colleague.delete(url).status_code == 403
    assert ContactNote.objects.filter(pk=note.pk).exists()
    assert api_for(admin).delete(url).status_code == 204
    assert not ContactNote.objects.filter(pk=note.pk).exists()
    assert api_for(agent).delete(url).status_code == 404


def test_read_only_keys_cannot_change_contacts(api_for, agent, org):
    contact = ContactFactory(organization=org, first_name="Same")
    reader = api_for(agent, ["read"])
    assert reader.get(f"/api/v1/contacts/{contact.pk}").status_code == 200
    assert (
        reader.put(f"/api/v1/contacts/{contact.pk}", {"first_name": "Changed"}, format="json").status_code
        == 403
    )
    contact.refresh_from_db()
    assert contact.first_name == "Same"
