"""Agents (Libredesk): list, get, invite, update, disable, remove, me and availability."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.errors import DomainError
from helpdesk.models import Availability, Membership, Role, User
from helpdesk.services import agents as agent_services
from tests.factories import MembershipFactory, TeamFactory
from tests.isolation import assert_error_shape, snapshot

AGENTS = "/api/v1/agents"


@pytest.fixture
def support(org):
    return TeamFactory(organization=org, name="Support", emoji="🛠️")


@pytest.fixture
def billing(org):
    return TeamFactory(organization=org, name="Billing")


# --- read ----------------------------------------------------------------------------------------


def test_list_shows_the_libredesk_agent_fields(agent_api, admin, agent, support):
    agent.teams.set([support])

    body = agent_api.get(AGENTS).json()

    assert body["count"] == 2
    row = next(row for row in body["results"] if row["id"] == agent.pk)
    assert row["email"] == agent.user.email
    assert row["type"] == "agent" and row["roles"] == ["agent"] and row["role"] == "agent"
    assert row["enabled"] is True
    assert row["teams"] == [{"id": support.pk, "name": "Support", "emoji": "🛠️"}]
    assert {"first_name", "last_name", "availability_status", "last_active_at", "avatar_url"} <= set(row)


def test_list_filters_by_role_and_orders(agent_api, admin, agent):
    admins = agent_api.get(f"{AGENTS}?role=admin").json()["results"]
    ordered = agent_api.get(f"{AGENTS}?order_by=-user__email").json()["results"]

    assert [row["id"] for row in admins] == [admin.pk]
    assert [row["email"] for row in ordered] == sorted([admin.user.email, agent.user.email], reverse=True)


def test_get_one_agent(agent_api, admin):
    response = agent_api.get(f"{AGENTS}/{admin.pk}")

    assert response.status_code == 200 and response.json()["roles"] == ["admin"]


@pytest.mark.parametrize("pk", ["999999", "abc", "99999999999999999999999"])
def test_unknown_agent_is_404(agent_api, pk):
    assert_error_shape(agent_api.get(f"{AGENTS}/{pk}"), 404, "not_found")


def test_me(agent_api, agent):
    body = agent_api.get(f"{AGENTS}/me").json()

    assert body["id"] == agent.pk and body["email"] == agent.user.email


# --- create --------------------------------------------------------------------------------------


def test_admin_invites_an_agent_with_role_and_teams(admin_api, org, support, billing):
    response = admin_api.post(
        AGENTS,
        {"email": "New@Acme.test", "first_name": "Nia", "role": "admin", "teams": [support.pk, billing.pk]},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "new@acme.test" and body["role"] == "admin"
    assert {team["name"] for team in body["teams"]} == {"Support", "Billing"}
    assert body["invitation_pending"] is True and "initial_password" not in body
    user = User.objects.get(email="new@acme.test")
    assert not user.has_usable_password()  # they choose it from the emailed link
    assert Membership.objects.get(organization=org, user=user).role == Role.ADMIN


def test_libredesk_agent_create_form(admin_api, org, support):
    """Libredesk sends roles as a list, teams as strings, new_password, enabled, availability;
    its new_password is accepted and never set (the person chooses theirs from the link)."""
    response = admin_api.post(
        AGENTS,
        {
            "first_name": "Lib",
            "last_name": "Desk",
            "email": "lib@acme.test",
            "roles": ["Agent", "Admin"],
            "teams": ["Support"],
            "send_welcome_email": True,
            "enabled": True,
            "availability_status": "away",
            "new_password": "libredesk-pass-1",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["roles"] == ["admin"]
    assert [team["id"] for team in body["teams"]] == [support.pk]
    assert body["availability_status"] == "away"
    assert "initial_password" not in body and body["invitation_pending"] is True
    user = User.objects.get(email="lib@acme.test")
    assert not user.has_usable_password() and not user.check_password("libredesk-pass-1")


def test_invite_can_create_a_disabled_member(admin_api):
    body = admin_api.post(AGENTS, {"email": "later@acme.test", "enabled": False}, format="json").json()

    assert body["enabled"] is False


@pytest.mark.parametrize(
    "payload,field",
    [
        ({}, "email"),
        ({"email": "x"}, "email"),
        ({"email": "x@acme.test", "role": "god"}, "role"),
        ({"email": "x@acme.test", "roles": ["wizard"]}, "roles"),
        ({"email": "x@acme.test", "teams": [999999]}, "teams"),
        ({"email": "x@acme.test", "teams": ["No such team"]}, "teams"),
        ({"email": "x@acme.test", "teams": "Support"}, "teams"),
        ({"email": "x@acme.test", "availability_status": "asleep"}, "availability_status"),
    ],
)
def test_invalid_invites_are_400(admin_api, org, payload, field):
    before = Membership.objects.filter(organization=org).count()

    body = assert_error_shape(admin_api.post(AGENTS, payload, format="json"), 400, "invalid")

    assert field in body["fields"], body
    assert Membership.objects.filter(organization=org).count() == before


def test_inviting_an_existing_member_is_409(admin_api, agent):
    response = admin_api.post(AGENTS, {"email": agent.user.email.upper()}, format="json")

    assert_error_shape(response, 409, "conflict")


def test_another_organizations_team_cannot_be_given(admin_api, other_org):
    foreign = TeamFactory(organization=other_org, name="Globex team")

    body = assert_error_shape(
        admin_api.post(AGENTS, {"email": "x@acme.test", "teams": [foreign.pk]}, format="json"), 400
    )

    assert "teams" in body["fields"]
    assert not User.objects.filter(email="x@acme.test").exists()


def test_only_owners_make_owners(admin_api, api_for, owner, org):
    assert_error_shape(
        admin_api.post(AGENTS, {"email": "boss@acme.test", "role": "owner"}, format="json"),
        403,
        "permission_denied",
    )
    assert not User.objects.filter(email="boss@acme.test").exists()

    created = api_for(owner).post(AGENTS, {"email": "boss@acme.test", "role": "owner"}, format="json")

    assert created.status_code == 201 and created.json()["role"] == "owner"


def test_agents_cannot_invite(agent_api, org):
    assert_error_shape(
        agent_api.post(AGENTS, {"email": "x@acme.test"}, format="json"), 403, "permission_denied"
    )
    assert not User.objects.filter(email="x@acme.test").exists()


# --- update --------------------------------------------------------------------------------------


def test_admin_updates_an_agent(admin_api, agent, support):
    response = admin_api.put(
        f"{AGENTS}/{agent.pk}",
        {"role": "admin", "teams": [support.pk], "availability_status": "online"},
        format="json",
    )

    assert response.status_code == 200, response.content
    agent.refresh_from_db()
    assert agent.role == Role.ADMIN
    assert list(agent.teams.all()) == [support]
    assert agent.availability_status == Availability.ONLINE


def test_partial_update_keeps_other_fields(admin_api, agent, support):
    agent.teams.set([support])

    admin_api.patch(f"{AGENTS}/{agent.pk}", {"role": "admin"}, format="json")

    agent.refresh_from_db()
    assert agent.role == Role.ADMIN and list(agent.teams.all()) == [support]


def test_agent_cannot_update_anyone(agent_api, admin):
    before = snapshot(admin)

    assert_error_shape(agent_api.put(f"{AGENTS}/{admin.pk}", {"role": "agent"}, format="json"), 403)

    assert snapshot(admin) == before


def test_disable_and_enable(admin_api, agent):
    assert admin_api.put(f"{AGENTS}/{agent.pk}", {"enabled": False}, format="json").json()["enabled"] is False
    assert admin_api.put(f"{AGENTS}/{agent.pk}", {"enabled": True}, format="json").json()["enabled"] is True


def test_cannot_disable_self(api_for, owner, admin):
    client = api_for(admin)

    body = assert_error_shape(client.put(f"{AGENTS}/{admin.pk}", {"enabled": False}, format="json"), 400)

    assert "enabled" in body["fields"]
    admin.refresh_from_db()
    assert admin.is_active is True


def test_last_owner_cannot_be_disabled_demoted_or_removed(api_for, owner, org):
    second = MembershipFactory(organization=org, role=Role.OWNER)
    client = api_for(second)
    assert client.put(f"{AGENTS}/{second.pk}", {"role": "admin"}, format="json").status_code == 200
    # second is now an admin: owner is the last owner; an admin may not touch an owner at all
    assert_error_shape(client.put(f"{AGENTS}/{owner.pk}", {"enabled": False}, format="json"), 403)

    owner_client = api_for(owner)
    assert_error_shape(
        owner_client.put(f"{AGENTS}/{owner.pk}", {"role": "admin"}, format="json"), 409, "conflict"
    )

    owner.refresh_from_db()
    assert owner.role == Role.OWNER and owner.is_active


def test_owner_steps_down_when_another_owner_remains(api_for, owner, org):
    second = MembershipFactory(organization=org, role=Role.OWNER)

    response = api_for(owner).put(f"{AGENTS}/{owner.pk}", {"role": "admin"}, format="json")

    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.role == Role.ADMIN and Membership.objects.get(pk=second.pk).role == Role.OWNER


def test_admin_cannot_disable_or_remove_an_owner(admin_api, owner):
    MembershipFactory(organization=owner.organization, role=Role.OWNER)  # not the last owner
    before = snapshot(owner)

    assert_error_shape(admin_api.put(f"{AGENTS}/{owner.pk}", {"enabled": False}, format="json"), 403)
    assert_error_shape(admin_api.delete(f"{AGENTS}/{owner.pk}"), 403)

    assert snapshot(owner) == before


# --- delete --------------------------------------------------------------------------------------


def test_admin_removes_an_agent_but_not_the_user(admin_api, agent, other_org):
    MembershipFactory(organization=other_org, user=agent.user)

    assert admin_api.delete(f"{AGENTS}/{agent.pk}").status_code == 204

    assert not Membership.objects.filter(pk=agent.pk).exists()
    assert Membership.objects.filter(user=agent.user, organization=other_org).exists()
    assert_error_shape(admin_api.get(f"{AGENTS}/{agent.pk}"), 404)


def test_cannot_remove_self(admin_api, admin):
    assert_error_shape(admin_api.delete(f"{AGENTS}/{admin.pk}"), 400)
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_last_owner_cannot_be_removed_even_by_the_system(owner, org):
    """Through the API the self and owner rules already stop it; the service guards it too."""
    MembershipFactory(organization=org, role=Role.OWNER, is_active=False)

    with pytest.raises(DomainError) as refused:
        agent_services.agent_remove(membership=owner, actor=None)

    assert refused.value.status_code == 409
    assert Membership.objects.filter(pk=owner.pk).exists()


# --- availability --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sent,stored",
    [
        ("online", "online"),
        ("away", "away"),
        ("away_manual", "away_manual"),
        ("offline", "offline"),
        ("away_and_reassigning", "away_and_reassigning"),
        ("available", "online"),  # Libredesk
        ("busy", "away_manual"),  # Libredesk
        (" Online ", "online"),
    ],
)
def test_set_my_availability(agent_api, agent, sent, stored):
    response = agent_api.put(f"{AGENTS}/me/availability", {"status": sent}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["availability_status"] == stored
    agent.refresh_from_db()
    assert agent.availability_status == stored and agent.last_active_at is not None


@pytest.mark.parametrize("payload", [{"status": "asleep"}, {"status": ""}, {}, {"status": "x" * 100}])
def test_invalid_availability_is_400(agent_api, agent, payload):
    before = snapshot(agent)

    body = assert_error_shape(agent_api.put(f"{AGENTS}/me/availability", payload, format="json"), 400)

    assert "status" in body["fields"]
    assert snapshot(agent) == before


def test_availability_with_a_read_only_key_is_403(api_for, agent):
    client = api_for(agent, ["read"])

    assert_error_shape(client.put(f"{AGENTS}/me/availability", {"status": "online"}, format="json"), 403)


# --- query counts --------------------------------------------------------------------------------


def test_agent_list_query_count_does_not_grow_with_agents(admin_api, org, django_assert_max_num_queries):
    teams = [TeamFactory(organization=org, name=f"Team {n}") for n in range(3)]
    admin_api.get(AGENTS)  # warm up: records the key's last use
    with CaptureQueriesContext(connection) as baseline:
        assert admin_api.get(AGENTS).json()["count"] == 1

    for n in range(30):
        MembershipFactory(organization=org).teams.set([teams[n % 3], teams[(n + 1) % 3]])

    with django_assert_max_num_queries(len(baseline)):
        body = admin_api.get(f"{AGENTS}?per_page=50").json()

    assert body["count"] == 31
    assert sum(len(row["teams"]) for row in body["results"]) == 60
