"""Adding a person who has an account already is an invitation they accept; their name and
avatar are edited by them only, never by an admin of some organization."""

import pytest

from helpdesk.models import Invitation, Membership
from tests.factories import MembershipFactory, TeamFactory
from tests.isolation import assert_error_shape


def test_adding_another_organizations_user_invites_them_instead(org, admin_api, other_admin):
    team = TeamFactory(organization=org)

    response = admin_api.post(
        "/api/v1/agents",
        {"email": other_admin.user.email, "role": "admin", "teams": [team.pk]},
        format="json",
    )

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending" and body["email"] == other_admin.user.email
    assert body["organization"]["id"] == org.pk and "initial_password" not in body
    assert not Membership.objects.filter(organization=org, user=other_admin.user).exists()
    assert other_admin.user.email not in {
        a["email"] for a in admin_api.get("/api/v1/agents").json()["results"]
    }
    again = admin_api.post("/api/v1/agents", {"email": other_admin.user.email}, format="json")
    assert_error_shape(again, 409, "conflict")


def test_invited_user_lists_and_accepts_their_invitation(org, admin_api, other_admin, other_api, api_for):
    team = TeamFactory(organization=org)
    invitation_id = admin_api.post(
        "/api/v1/agents",
        {"email": other_admin.user.email, "role": "admin", "teams": [team.pk]},
        format="json",
    ).json()["id"]

    listed = other_api.get("/api/v1/invitations").json()
    assert [(i["id"], i["organization"]["id"]) for i in listed] == [(invitation_id, org.pk)]

    response = other_api.post(f"/api/v1/invitations/{invitation_id}/accept")

    assert response.status_code == 200, response.content
    membership = Membership.objects.get(organization=org, user=other_admin.user)
    assert membership.role == "admin" and list(membership.teams.all()) == [team]
    assert response.json()["id"] == membership.pk
    assert other_api.get("/api/v1/invitations").json() == []
    assert_error_shape(other_api.post(f"/api/v1/invitations/{invitation_id}/accept"), 404, "not_found")


def test_only_the_invited_user_can_answer(org, admin_api, other_admin, agent_api):
    invitation_id = admin_api.post("/api/v1/agents", {"email": other_admin.user.email}, format="json").json()[
        "id"
    ]

    assert_error_shape(agent_api.post(f"/api/v1/invitations/{invitation_id}/accept"), 404, "not_found")
    assert_error_shape(admin_api.post(f"/api/v1/invitations/{invitation_id}/decline"), 404, "not_found")
    assert agent_api.get("/api/v1/invitations").json() == []
    assert Invitation.objects.get(pk=invitation_id).status == "pending"


def test_declining_joins_nothing(org, admin_api, other_admin, other_api):
    invitation_id = admin_api.post("/api/v1/agents", {"email": other_admin.user.email}, format="json").json()[
        "id"
    ]

    response = other_api.post(f"/api/v1/invitations/{invitation_id}/decline")

    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert not Membership.objects.filter(organization=org, user=other_admin.user).exists()


def test_a_new_person_still_joins_at_once(org, admin_api):
    response = admin_api.post(
        "/api/v1/agents", {"email": "new@acme.test", "first_name": "New"}, format="json"
    )

    assert response.status_code == 201 and response.json()["first_name"] == "New"
    assert Membership.objects.filter(organization=org, user__email="new@acme.test").exists()


# --- names and avatars belong to the user -------------------------------------------------------


@pytest.fixture
def shared_user_membership(org, other_admin):
    """The other organization's admin, who also became a member here (by accepting)."""
    return MembershipFactory(organization=org, user=other_admin.user)


@pytest.mark.parametrize(
    "change", [{"first_name": "Hacked"}, {"last_name": "Hacked"}, {"avatar_url": "https://evil.test/a.png"}]
)
def test_an_admin_cannot_change_a_members_name_or_avatar(admin_api, shared_user_membership, change):
    user = shared_user_membership.user
    before = (user.first_name, user.last_name, user.avatar_url)

    response = admin_api.put(f"/api/v1/agents/{shared_user_membership.pk}", change, format="json")

    body = assert_error_shape(response, 403, "permission_denied")
    assert set(change) <= set(body["fields"])
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.avatar_url) == before


def test_an_admin_still_changes_role_and_may_resend_the_stored_name(admin_api, shared_user_membership):
    user = shared_user_membership.user

    response = admin_api.put(
        f"/api/v1/agents/{shared_user_membership.pk}",
        {"first_name": user.first_name, "last_name": user.last_name, "role": "admin"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["role"] == "admin"


def test_the_user_changes_their_own_name(agent, agent_api):
    response = agent_api.put("/api/v1/agents/me", {"first_name": "Renamed", "role": "owner"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["first_name"] == "Renamed" and response.json()["role"] == "agent"


def test_ui_invitation_accept_switches_to_the_organization(org, admin_api, other_admin, ui_as):
    invitation_id = admin_api.post("/api/v1/agents", {"email": other_admin.user.email}, format="json").json()[
        "id"
    ]
    client = ui_as(other_admin)
    page = client.get("/settings/profile/")
    assert org.name.encode() in page.content

    response = client.post(f"/settings/profile/invitations/{invitation_id}/accept/")

    assert response.status_code == 302
    assert client.session["organization_id"] == org.pk
    assert Membership.objects.filter(organization=org, user=other_admin.user).exists()


def test_ui_creates_another_organization_and_switches_to_it(agent, ui_as):
    client = ui_as(agent)

    response = client.post("/settings/profile/organizations/new/", {"name": "Side Project"})

    assert response.status_code == 302
    new = Membership.objects.get(user=agent.user, organization__name="Side Project")
    assert new.role == "owner" and client.session["organization_id"] == new.organization_id
