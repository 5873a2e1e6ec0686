"""Teams CRUD (Libredesk): assignment type normalization, time zones, unique names."""

import pytest

from helpdesk.models import Team
from tests.factories import TeamFactory
from tests.isolation import assert_error_shape, snapshot

TEAMS = "/api/v1/teams"


def test_admin_creates_a_team(admin_api, org):
    response = admin_api.post(
        TEAMS,
        {
            "name": " Support ",
            "emoji": "🛠️",
            "conversation_assignment_type": "round_robin",
            "max_auto_assigned_conversations": 10,
            "timezone": "Europe/Paris",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    team = Team.objects.get(pk=body["id"])
    assert team.organization == org and team.name == "Support"
    assert body["conversation_assignment_type"] == "round_robin"
    assert body["max_auto_assigned_conversations"] == 10 and body["timezone"] == "Europe/Paris"


def test_defaults(admin_api):
    body = admin_api.post(TEAMS, {"name": "Plain"}, format="json").json()

    assert body["conversation_assignment_type"] == "manual"
    assert body["timezone"] == "UTC" and body["max_auto_assigned_conversations"] == 0


@pytest.mark.parametrize(
    "sent,stored",
    [
        ("Round robin", "round_robin"),
        ("Manual", "manual"),
        ("round-robin", "round_robin"),
        ("MANUAL", "manual"),
    ],
)
def test_libredesk_assignment_type_names_are_normalized(admin_api, sent, stored):
    created = admin_api.post(TEAMS, {"name": "T", "conversation_assignment_type": sent}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["conversation_assignment_type"] == stored

    updated = admin_api.put(
        f"{TEAMS}/{created.json()['id']}", {"conversation_assignment_type": sent}, format="json"
    )
    assert updated.json()["conversation_assignment_type"] == stored


@pytest.mark.parametrize(
    "payload,field",
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "T", "timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "T", "timezone": "../../etc/passwd"}, "timezone"),
        ({"name": "T", "timezone": ""}, "timezone"),
        ({"name": "T", "conversation_assignment_type": "lottery"}, "conversation_assignment_type"),
        ({"name": "T", "max_auto_assigned_conversations": -1}, "max_auto_assigned_conversations"),
        ({"name": "x" * 101}, "name"),
    ],
)
def test_invalid_team_is_400(admin_api, org, payload, field):
    body = assert_error_shape(admin_api.post(TEAMS, payload, format="json"), 400, "invalid")

    assert field in body["fields"], body
    assert not Team.objects.filter(organization=org).exists()


def test_duplicate_name_is_409_case_insensitively(admin_api, org):
    TeamFactory(organization=org, name="Support")

    body = assert_error_shape(admin_api.post(TEAMS, {"name": "support"}, format="json"), 409, "conflict")

    assert "name" in body["fields"]
    assert Team.objects.filter(organization=org).count() == 1


def test_same_name_in_another_organization_is_fine(admin_api, other_org):
    TeamFactory(organization=other_org, name="Support")

    assert admin_api.post(TEAMS, {"name": "Support"}, format="json").status_code == 201


def test_renaming_onto_another_team_is_409(admin_api, org):
    TeamFactory(organization=org, name="Support")
    billing = TeamFactory(organization=org, name="Billing")
    before = snapshot(billing)

    assert_error_shape(admin_api.put(f"{TEAMS}/{billing.pk}", {"name": "SUPPORT"}, format="json"), 409)

    assert snapshot(billing) == before


def test_update_and_partial_update(admin_api, org):
    team = TeamFactory(organization=org, name="Support", timezone="UTC")

    response = admin_api.patch(f"{TEAMS}/{team.pk}", {"timezone": "Asia/Kolkata"}, format="json")

    assert response.status_code == 200
    team.refresh_from_db()
    assert team.timezone == "Asia/Kolkata" and team.name == "Support"


def test_invalid_timezone_on_update_changes_nothing(admin_api, org):
    team = TeamFactory(organization=org, name="Support")
    before = snapshot(team)

    body = assert_error_shape(
        admin_api.put(f"{TEAMS}/{team.pk}", {"timezone": "Nowhere"}, format="json"), 400
    )

    assert "timezone" in body["fields"]
    assert snapshot(team) == before


def test_list_get_and_delete(admin_api, org, agent):
    team = TeamFactory(organization=org, name="Support")
    agent.teams.set([team])

    listed = admin_api.get(TEAMS).json()
    assert listed["count"] == 1 and listed["results"][0]["name"] == "Support"
    assert admin_api.get(f"{TEAMS}/{team.pk}").json()["id"] == team.pk

    assert admin_api.delete(f"{TEAMS}/{team.pk}").status_code == 204

    assert not Team.objects.filter(pk=team.pk).exists()
    agent.refresh_from_db()
    assert agent.is_active and list(agent.teams.all()) == []


def test_agents_read_teams_but_cannot_change_them(agent_api, org):
    team = TeamFactory(organization=org, name="Support")
    before = snapshot(team)

    assert agent_api.get(TEAMS).status_code == 200
    assert agent_api.get(f"{TEAMS}/{team.pk}").status_code == 200
    for response in (
        agent_api.post(TEAMS, {"name": "Mine"}, format="json"),
        agent_api.put(f"{TEAMS}/{team.pk}", {"name": "Mine"}, format="json"),
        agent_api.delete(f"{TEAMS}/{team.pk}"),
    ):
        assert_error_shape(response, 403, "permission_denied")

    assert snapshot(team) == before
    assert Team.objects.filter(organization=org).count() == 1
