"""The UI and the API change a contact through the same service: the same details give the same
contact, and a refusal (email of another contact, a malformed email) changes nothing in either."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conversations.models import Contact
from tests.conversations.factories import ContactFactory

DETAILS = {"first_name": "  Grace ", "last_name": "Hopper", "email": "Grace@Navy.TEST", "phone_number": "555"}
COMPARED = ("first_name", "last_name", "email", "phone_number", "enabled", "custom_attributes")


def _stored(contact: Contact) -> dict:
    contact.refresh_from_db()
    return {name: getattr(contact, name) for name in COMPARED}


def test_api_and_ui_update_a_contact_the_same_way(ui_as, agent, agent_api, org):
    by_api = ContactFactory(organization=org, email="one@example.com")
    by_ui = ContactFactory(organization=org, email="two@example.com")

    api = agent_api.put(f"/api/v1/contacts/{by_api.pk}", DETAILS, format="json")
    assert api.status_code == 200, api.content
    Contact.objects.filter(pk=by_api.pk).update(email="moved@example.com")  # free it for the UI
    ui = ui_as(agent).post(reverse("conversations:contact", args=[by_ui.pk]), DETAILS)

    assert ui.status_code == 302
    from_api, from_ui = _stored(by_api), _stored(by_ui)
    assert from_api == {**from_ui, "email": "moved@example.com"}
    assert from_ui["email"] == "grace@navy.test"
    assert from_ui["first_name"] == "Grace"


@pytest.mark.parametrize("via", ["api", "ui"])
@pytest.mark.parametrize(
    ("email", "status", "message"),
    [("TAKEN@example.com", 409, "Another contact has this email."), ("not an email", 400, "valid email")],
)
def test_a_refused_email_changes_nothing(via, email, status, message, ui_as, agent, agent_api, org):
    ContactFactory(organization=org, email="taken@example.com")
    contact = ContactFactory(organization=org, first_name="Ada", email="me@example.com")
    before = _stored(contact)
    details = {**DETAILS, "email": email}

    if via == "api":
        response = agent_api.put(f"/api/v1/contacts/{contact.pk}", details, format="json")
        assert response.status_code == status
        assert message in " ".join(response.json()["fields"]["email"])
    else:
        response = ui_as(agent).post(reverse("conversations:contact", args=[contact.pk]), details)
        assert response.status_code == 400
        assert message in response.context["form"].errors["email"][0]
    assert _stored(contact) == before


def test_the_same_email_of_another_organizations_contact_is_allowed(agent_api, org, other_org):
    ContactFactory(organization=other_org, email="shared@example.com")
    contact = ContactFactory(organization=org, email="me@example.com")
    response = agent_api.patch(
        f"/api/v1/contacts/{contact.pk}", {"email": "shared@example.com"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert _stored(contact)["email"] == "shared@example.com"
