"""Organization isolation over every foundation endpoint that takes an id, with every credential
scheme: another organization's object answers 404 and does not change; lists never show it."""

import pytest
from rest_framework.test import APIClient

from helpdesk.models import ApiKey, Role, Team
from helpdesk.models.api_key import ApiKeyKind
from helpdesk.services import api_keys, notifications, operations
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, TeamFactory
from tests.isolation import assert_isolated, assert_not_listed, assert_unchanged, snapshot


@pytest.fixture
def foreign(other_org, other_admin):
    """Rows of the other organization (Globex) that our organization (Acme) must never reach."""
    team = TeamFactory(organization=other_org, name="Globex support")
    agent = MembershipFactory(organization=other_org, role=Role.AGENT, user__email="agent@globex.test")
    agent.teams.set([team])
    key, _ = api_keys.api_key_create(membership=other_admin, name="Globex key", permissions=["read"])
    pair_key_id, pair_secret = api_keys.agent_api_key_generate(membership=agent)
    operation = operations.operation_create(organization=other_org, kind="crawl", total=3)
    (notification,) = notifications.notifications_send(
        organization=other_org,
        recipients=[other_admin],
        draft=notifications.NotificationDraft(kind="assigned", title="Globex: assigned to you"),
    )
    return {
        "notification": notification,
        "agent": agent,
        "team": team,
        "api_key": key,
        "operation": operation,
        "pair": (pair_key_id, pair_secret),
    }


def _bearer(header: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    return client


@pytest.fixture(params=["org key", "login token", "agent pair", "session"])
def attacker(request, api_for, owner):
    """An owner of Acme (the most powerful role), authenticated with each scheme in turn."""
    if request.param == "org key":
        return api_for(owner)
    if request.param == "login token":
        token = APIClient().post("/api/v1/auth/login", {"email": owner.user.email, "password": PASSWORD})
        return _bearer(f"Bearer {token.json()['token']}")
    if request.param == "agent pair":
        key_id, secret = api_keys.agent_api_key_generate(membership=owner)
        return _bearer(f"token {key_id}:{secret}")
    client = APIClient()
    client.force_login(owner.user)
    return client


# (method, url template, body, the foreign object the request aims at)
MATRIX = [
    ("get", "/api/v1/agents/{agent.pk}", None, "agent"),
    ("put", "/api/v1/agents/{agent.pk}", {"first_name": "Pwned", "role": "agent", "enabled": False}, "agent"),
    ("patch", "/api/v1/agents/{agent.pk}", {"teams": []}, "agent"),
    ("delete", "/api/v1/agents/{agent.pk}", None, "agent"),
    ("post", "/api/v1/agents/{agent.pk}/api-key", None, "agent"),
    ("delete", "/api/v1/agents/{agent.pk}/api-key", None, "agent"),
    ("get", "/api/v1/teams/{team.pk}", None, "team"),
    ("put", "/api/v1/teams/{team.pk}", {"name": "Pwned"}, "team"),
    ("patch", "/api/v1/teams/{team.pk}", {"timezone": "Europe/Paris"}, "team"),
    ("delete", "/api/v1/teams/{team.pk}", None, "team"),
    # Reports: another organization's team or agent in a filter is not found, like its objects.
    ("get", "/api/v1/reports/overview?team_id={team.pk}", None, "team"),
    ("get", "/api/v1/reports/teams?team_id={team.pk}", None, "team"),
    ("get", "/api/v1/reports/unanswered?team_id={team.pk}", None, "team"),
    ("get", "/api/v1/reports/agents?agent_id={agent.pk}", None, "agent"),
    ("get", "/api/v1/reports/bot?agent_id={agent.pk}", None, "agent"),
    ("get", "/api/v1/reports/inboxes?team_id={team.pk}", None, "team"),
    ("get", "/api/v1/reports/tags?agent_id={agent.pk}", None, "agent"),
    ("get", "/api/v1/api-keys/{api_key.pk}", None, "api_key"),
    ("delete", "/api/v1/api-keys/{api_key.pk}", None, "api_key"),
    ("get", "/api/v1/operations/{operation.pk}", None, "operation"),
    ("post", "/api/v1/operations/{operation.pk}/retry", None, "operation"),
    ("put", "/api/v1/notifications/{notification.pk}/read", None, "notification"),
    ("post", "/api/v1/notifications/{notification.pk}/read", None, "notification"),
]


@pytest.mark.parametrize("method,template,body,target", MATRIX, ids=[f"{m} {t}" for m, t, _, _ in MATRIX])
def test_another_organizations_object_is_404_and_unchanged(attacker, foreign, method, template, body, target):
    obj = foreign[target]
    user_before = snapshot(obj.user) if target == "agent" else None
    teams_before = list(obj.teams.values_list("pk", flat=True)) if target == "agent" else None
    keys_before = set(ApiKey.objects.filter(organization=obj.organization).values_list("pk", "revoked_at"))

    assert_isolated(attacker, method, template.format(**foreign), body)

    assert_unchanged(obj)
    assert (
        set(ApiKey.objects.filter(organization=obj.organization).values_list("pk", "revoked_at"))
        == keys_before
    )
    if target == "agent":
        assert snapshot(obj.user) == user_before
        assert list(obj.teams.values_list("pk", flat=True)) == teams_before
        key_id, secret = foreign["pair"]
        assert _bearer(f"token {key_id}:{secret}").get("/api/v1/agents/me").json()["id"] == obj.pk


@pytest.mark.parametrize(
    "url,target",
    [
        ("/api/v1/agents", "agent"),
        ("/api/v1/teams", "team"),
        ("/api/v1/api-keys", "api_key"),
        ("/api/v1/operations", "operation"),
        ("/api/v1/notifications", "notification"),
    ],
)
def test_lists_never_show_another_organizations_rows(attacker, foreign, other_admin, owner, url, target):
    own = {
        "agent": owner,
        "team": TeamFactory(organization=owner.organization, name="Acme support"),
        "api_key": api_keys.api_key_create(membership=owner, name="Acme key", permissions=["read"])[0],
        "operation": operations.operation_create(organization=owner.organization, kind="crawl"),
        "notification": notifications.notifications_send(
            organization=owner.organization,
            recipients=[owner],
            draft=notifications.NotificationDraft(kind="assigned", title="Acme: assigned to you"),
        )[0]
        if target == "notification"
        else None,
    }[target]
    foreign_ids = {foreign[target].pk}
    if target == "agent":
        foreign_ids.add(other_admin.pk)

    listed = assert_not_listed(attacker, url, foreign_ids)

    assert str(own.pk) in listed


def test_another_organizations_team_cannot_be_attached(admin_api, agent, foreign):
    response = admin_api.put(f"/api/v1/agents/{agent.pk}", {"teams": [foreign["team"].pk]}, format="json")

    assert response.status_code == 400
    assert list(agent.teams.all()) == []


def test_a_key_only_ever_acts_in_its_own_organization(foreign, other_admin):
    """A Globex key sees Globex, never Acme, whatever it asks for."""
    key = ApiKey.objects.get(pk=foreign["api_key"].pk)
    assert key.kind == ApiKeyKind.ORGANIZATION
    key_id, secret = foreign["pair"]
    client = _bearer(f"token {key_id}:{secret}")

    assert client.get("/api/v1/account/status").json()["organization"]["id"] == other_admin.organization_id
    assert {row["id"] for row in client.get("/api/v1/agents").json()["results"]} == {
        other_admin.pk,
        foreign["agent"].pk,
    }


def test_the_isolation_helpers_can_fail(admin_api, org, owner):
    team = TeamFactory(organization=org, name="Support")
    Team.objects.filter(pk=team.pk).update(name="Changed")
    with pytest.raises(AssertionError, match="changed"):
        assert_unchanged(team)

    key = api_keys.api_key_create(membership=owner, name="k", permissions=["read"])[0]
    before = snapshot(key)
    ApiKey.objects.filter(pk=key.pk).delete()
    with pytest.raises(AssertionError, match="deleted"):
        assert_unchanged(key, before)

    own = TeamFactory(organization=org, name="Own")
    with pytest.raises(AssertionError):
        assert_isolated(admin_api, "get", f"/api/v1/teams/{own.pk}")
    with pytest.raises(AssertionError, match="another organization"):
        assert_not_listed(admin_api, "/api/v1/teams", [own.pk])
