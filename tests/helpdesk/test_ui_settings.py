"""Settings pages: organization, agents, teams, API keys, my profile. Admins change things,
agents read (or get 403 and nothing changes), and another organization's ids answer 404."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from helpdesk.models import ApiKey, Availability, Membership, Role, Team, User
from helpdesk.services import api_keys
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, TeamFactory


@pytest.fixture
def as_member(client):
    def sign_in(membership):
        client.force_login(membership.user)
        session = client.session
        session["organization_id"] = membership.organization_id
        session.save()
        return client

    return sign_in


SETTINGS_PAGES = [
    "organization",
    "agents",
    "teams",
    "team-create",
    "api-keys",
    "webhooks",
    "webhook-create",
    "profile",
]


@pytest.mark.parametrize("name", SETTINGS_PAGES)
def test_settings_pages_render_for_an_admin(as_member, admin, name):
    response = as_member(admin).get(reverse(f"settings:{name}"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Settings" in body and "Acme" in body


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("organization", 403),
        ("api-keys", 403),
        ("webhooks", 403),
        ("team-create", 403),
        ("agents", 200),
        ("teams", 200),
        ("profile", 200),
    ],
)
def test_agents_read_what_they_may_read(as_member, agent, name, status):
    assert as_member(agent).get(reverse(f"settings:{name}")).status_code == status


def test_agent_sees_agents_read_only(as_member, agent, admin):
    body = as_member(agent).get(reverse("settings:agents")).content.decode()
    assert "admin@acme.test" in body
    assert 'id="invite"' not in body
    assert reverse("settings:agent", args=[admin.pk]) not in body


# ---------- organization ----------


def _organization_form(**overrides):
    data = {
        "name": "Acme Support",
        "logo_url": "https://acme.test/logo.png",
        "assistant_name": "Ada",
        "chatbot_name": "Acme Bot",
        "welcome_message": "Hello!",
        "starter_message": "",
        "error_message": "Let me find a person.",
        "chat_system_message": "Be brief.",
        "allowed_outbound_hosts": "10.0.0.0/8\n127.0.0.1\n",
        "ollama_endpoints": "http://127.0.0.1:11434/\n",
        "timezone": "UTC",
    }
    data.update(overrides)
    return data


def test_admin_updates_the_organization(as_member, admin, org):
    response = as_member(admin).post(reverse("settings:organization"), _organization_form())
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "Acme Support"
    assert org.assistant_name == "Ada"
    assert org.allowed_outbound_hosts == ["10.0.0.0/8", "127.0.0.1"]
    assert org.ollama_endpoints == ["http://127.0.0.1:11434"]


def test_organization_page_shows_plan_and_usage(as_member, admin):
    body = as_member(admin).get(reverse("settings:organization")).content.decode()
    assert "Plan and usage" in body
    assert "agents" in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("allowed_outbound_hosts", "not a host!", "is not a host name"),
        ("ollama_endpoints", "ftp://127.0.0.1", "Only http and https"),
        ("ollama_endpoints", "http://10.1.2.3:11434", "internal address"),
        ("name", "", "This field is required"),
    ],
)
def test_invalid_organization_settings_show_inline_errors(as_member, admin, org, field, value, message):
    data = _organization_form(**{field: value})
    if field == "ollama_endpoints" and "10.1.2.3" in value:
        data["allowed_outbound_hosts"] = "127.0.0.1"
    response = as_member(admin).post(reverse("settings:organization"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    org.refresh_from_db()
    assert org.name == "Acme"


def test_agent_cannot_change_the_organization(as_member, agent, org):
    response = as_member(agent).post(reverse("settings:organization"), _organization_form())
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.name == "Acme"


# ---------- agents ----------


def test_admin_invites_an_agent_who_gets_a_one_time_link_by_email(
    as_member, admin, org, client, mailoutbox, django_capture_on_commit_callbacks
):
    team = TeamFactory(organization=org, name="Billing")
    as_member(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("settings:agents"),
            {"email": "New.Person@acme.test", "name": "New Person", "role": "agent", "teams": [team.pk]},
        )
    assert response.status_code == 302
    membership = Membership.objects.get(organization=org, user__email="new.person@acme.test")
    assert membership.user.first_name == "New" and membership.user.last_name == "Person"
    assert list(membership.teams.all()) == [team]
    assert not membership.user.has_usable_password()  # no shared password: they choose one
    assert (
        "Invitation sent to new.person@acme.test" in client.get(reverse("settings:agents")).content.decode()
    )
    assert [message.to for message in mailoutbox] == [["new.person@acme.test"]]
    assert re.search(r"http://\S+/invitation/\S+/", mailoutbox[0].body)


def test_inviting_an_existing_member_shows_the_service_error(as_member, admin, agent):
    response = as_member(admin).post(
        reverse("settings:agents"), {"email": "agent@acme.test", "role": "agent"}
    )
    assert response.status_code == 400
    assert "already a member" in response.content.decode()


def test_admin_cannot_invite_an_owner(as_member, admin, org):
    response = as_member(admin).post(reverse("settings:agents"), {"email": "boss@acme.test", "role": "owner"})
    assert response.status_code == 400
    assert not User.objects.filter(email="boss@acme.test").exists()


def test_agent_cannot_invite(as_member, agent, org):
    response = as_member(agent).post(reverse("settings:agents"), {"email": "x@acme.test", "role": "admin"})
    assert response.status_code == 403
    assert not User.objects.filter(email="x@acme.test").exists()


def test_admin_changes_role_and_teams(as_member, admin, agent, org):
    team = TeamFactory(organization=org)
    response = as_member(admin).post(
        reverse("settings:agent", args=[agent.pk]),
        {"first_name": "Agnes", "last_name": "Smith", "role": "admin", "teams": [team.pk]},
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.role == Role.ADMIN
    assert agent.user.first_name != "Agnes"  # the name is the agent's own to change
    assert list(agent.teams.all()) == [team]


def test_admin_cannot_demote_the_owner(as_member, admin, owner):
    response = as_member(admin).post(
        reverse("settings:agent", args=[owner.pk]), {"first_name": "", "last_name": "", "role": "agent"}
    )
    assert response.status_code == 400
    assert "Only an owner" in response.content.decode()
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_admin_disables_and_enables_an_agent(as_member, admin, agent):
    client = as_member(admin)
    client.post(reverse("settings:agent-status", args=[agent.pk]), {"enabled": "0"})
    agent.refresh_from_db()
    assert agent.is_active is False
    client.post(reverse("settings:agent-status", args=[agent.pk]), {"enabled": "1"})
    agent.refresh_from_db()
    assert agent.is_active is True


def test_admin_cannot_disable_themselves(as_member, admin):
    response = as_member(admin).post(
        reverse("settings:agent-status", args=[admin.pk]), {"enabled": "0"}, follow=True
    )
    assert "cannot disable yourself" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active is True


def test_admin_removes_an_agent(as_member, admin, agent):
    response = as_member(admin).post(reverse("settings:agent-remove", args=[agent.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=agent.pk).exists()


def test_agent_cannot_change_or_remove_anyone(as_member, agent, admin):
    client = as_member(agent)
    assert client.post(reverse("settings:agent", args=[admin.pk]), {"role": "agent"}).status_code == 403
    assert client.post(reverse("settings:agent-status", args=[admin.pk]), {"enabled": "0"}).status_code == 403
    assert client.post(reverse("settings:agent-remove", args=[admin.pk])).status_code == 403
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN and admin.is_active


def test_another_organizations_agent_is_not_found(as_member, admin, other_admin):
    client = as_member(admin)
    assert client.get(reverse("settings:agent", args=[other_admin.pk])).status_code == 404
    assert client.post(reverse("settings:agent-remove", args=[other_admin.pk])).status_code == 404
    assert (
        client.post(reverse("settings:agent-status", args=[other_admin.pk]), {"enabled": "0"}).status_code
        == 404
    )
    other_admin.refresh_from_db()
    assert other_admin.is_active


# ---------- teams ----------


TEAM = {
    "name": "Support",
    "emoji": "🎧",
    "conversation_assignment_type": "round_robin",
    "max_auto_assigned_conversations": 5,
    "timezone": "Europe/Paris",
}


def test_admin_creates_edits_and_deletes_a_team(as_member, admin, org):
    client = as_member(admin)
    assert client.post(reverse("settings:team-create"), TEAM).status_code == 302
    team = Team.objects.get(organization=org, name="Support")
    assert team.timezone == "Europe/Paris" and team.conversation_assignment_type == "round_robin"
    client.post(reverse("settings:team", args=[team.pk]), {**TEAM, "name": "Tier 1", "timezone": "UTC"})
    team.refresh_from_db()
    assert team.name == "Tier 1" and team.timezone == "UTC"
    assert client.post(reverse("settings:team-delete", args=[team.pk])).status_code == 302
    assert not Team.objects.filter(pk=team.pk).exists()


def test_duplicate_team_name_is_a_field_error(as_member, admin, org):
    TeamFactory(organization=org, name="Support")
    response = as_member(admin).post(reverse("settings:team-create"), TEAM)
    assert response.status_code == 400
    assert "exists already" in response.content.decode()
    assert Team.objects.filter(organization=org).count() == 1


def test_team_list_shows_members(as_member, agent, org):
    team = TeamFactory(organization=org, name="Billing")
    agent.teams.add(team)
    body = as_member(agent).get(reverse("settings:teams")).content.decode()
    assert "Billing" in body and agent.user.full_name in body


def test_agent_cannot_create_or_delete_teams(as_member, agent, org):
    team = TeamFactory(organization=org)
    client = as_member(agent)
    assert client.post(reverse("settings:team-create"), TEAM).status_code == 403
    assert client.post(reverse("settings:team-delete", args=[team.pk])).status_code == 403
    assert list(Team.objects.filter(organization=org)) == [team]


def test_another_organizations_team_is_not_found(as_member, admin, other_org):
    team = TeamFactory(organization=other_org, name="Theirs")
    client = as_member(admin)
    assert client.get(reverse("settings:team", args=[team.pk])).status_code == 404
    assert client.post(reverse("settings:team", args=[team.pk]), {**TEAM, "name": "Mine"}).status_code == 404
    assert client.post(reverse("settings:team-delete", args=[team.pk])).status_code == 404
    team.refresh_from_db()
    assert team.name == "Theirs"


# ---------- API keys ----------


def test_api_key_is_shown_once_and_authenticates(as_member, admin, client):
    as_member(admin)
    response = client.post(
        reverse("settings:api-keys"), {"name": "CRM sync", "permissions": ["read", "write"]}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    full_key = re.search(r'<code id="full-key">([^<]+)</code>', response.content.decode()).group(1)
    api_key = ApiKey.objects.get(name="CRM sync")
    assert full_key.startswith(api_key.key_id + ".")
    assert api_key.secret_hash != full_key.split(".", 1)[1]
    assert full_key not in client.get(reverse("settings:api-keys")).content.decode()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {full_key}")
    me = api.get("/api/v1/agents/me")
    assert me.status_code == 200, me.content
    assert me.json()["email"] == "admin@acme.test"


def test_api_key_needs_a_permission(as_member, admin):
    response = as_member(admin).post(reverse("settings:api-keys"), {"name": "x"})
    assert response.status_code == 400
    assert "Choose at least one permission" in response.content.decode()
    assert not ApiKey.objects.filter(name="x").exists()


def test_revoked_key_stops_working(as_member, admin):
    api_key, full_key = api_keys.api_key_create(membership=admin, name="old", permissions=["read"])
    response = as_member(admin).post(reverse("settings:api-key-revoke", args=[api_key.pk]))
    assert response.status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {full_key}")
    assert api.get("/api/v1/agents/me").status_code == 401


def test_agent_cannot_create_or_revoke_keys(as_member, agent, admin):
    api_key, _ = api_keys.api_key_create(membership=admin, name="theirs", permissions=["read"])
    client = as_member(agent)
    assert (
        client.post(reverse("settings:api-keys"), {"name": "mine", "permissions": ["read"]}).status_code
        == 403
    )
    assert client.post(reverse("settings:api-key-revoke", args=[api_key.pk])).status_code == 403
    api_key.refresh_from_db()
    assert api_key.revoked_at is None
    assert not ApiKey.objects.filter(name="mine").exists()


def test_another_organizations_key_is_not_found(as_member, admin, other_admin):
    api_key, _ = api_keys.api_key_create(membership=other_admin, name="globex", permissions=["read"])
    assert as_member(admin).post(reverse("settings:api-key-revoke", args=[api_key.pk])).status_code == 404
    api_key.refresh_from_db()
    assert api_key.revoked_at is None


# ---------- my profile ----------


def test_member_updates_profile_and_availability(as_member, agent):
    response = as_member(agent).post(
        reverse("settings:profile"),
        {"first_name": "Ann", "last_name": "Lee", "availability_status": "online"},
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.user.first_name == "Ann"
    assert agent.availability_status == Availability.ONLINE


def test_password_change_needs_the_old_password(as_member, agent, client):
    as_member(agent)
    wrong = client.post(
        reverse("settings:password"),
        {"old_password": "wrong", "new_password1": "fresh-password-77", "new_password2": "fresh-password-77"},
    )
    assert wrong.status_code == 400
    agent.user.refresh_from_db()
    assert agent.user.check_password(PASSWORD)
    right = client.post(
        reverse("settings:password"),
        {
            "old_password": PASSWORD,
            "new_password1": "fresh-password-77",
            "new_password2": "fresh-password-77",
        },
    )
    assert right.status_code == 302
    agent.user.refresh_from_db()
    assert agent.user.check_password("fresh-password-77")
    assert client.get(reverse("settings:profile")).status_code == 200  # still signed in


def test_member_of_two_orgs_edits_profile_in_the_current_one(as_member, agent, other_org):
    other = MembershipFactory(organization=other_org, user=agent.user)
    as_member(agent).post(
        reverse("settings:profile"), {"first_name": "A", "last_name": "B", "availability_status": "away"}
    )
    other.refresh_from_db()
    assert other.availability_status == Availability.OFFLINE
