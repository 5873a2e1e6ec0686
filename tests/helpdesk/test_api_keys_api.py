"""Organization API keys: created by admins, shown once, revocable, limited by their permissions."""

import pytest
from rest_framework.test import APIClient

from helpdesk.errors import DomainError
from helpdesk.models import ApiKey, Organization, Team
from helpdesk.models.api_key import ApiKeyKind
from helpdesk.services import api_keys
from tests.factories import TeamFactory
from tests.isolation import assert_error_shape, snapshot

KEYS = "/api/v1/api-keys"


def bearer(full_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {full_key}")
    return client


def test_admin_creates_a_key_shown_once(admin_api, admin):
    response = admin_api.post(KEYS, {"name": "CI", "permissions": ["read", "write"]}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["key"]["name"] == "CI"
    assert body["key"]["permissions"] == ["read", "write"]
    assert body["key"]["created_by"] == admin.user.email
    assert body["full_key"].startswith(body["key"]["key_id"] + ".")
    stored = ApiKey.objects.get(pk=body["key"]["id"])
    assert body["full_key"].split(".", 1)[1] not in stored.secret_hash

    listed = admin_api.get(KEYS).json()["results"]
    assert "full_key" not in str(listed) and body["full_key"] not in str(listed)
    detail = admin_api.get(f"{KEYS}/{stored.pk}")
    assert detail.status_code == 200 and "full_key" not in detail.json()

    assert bearer(body["full_key"]).get("/api/v1/agents/me").json()["id"] == admin.pk


def test_key_without_permissions_defaults_to_read(admin_api):
    response = admin_api.post(KEYS, {"name": "reader"}, format="json")

    assert response.json()["key"]["permissions"] == ["read"]


def test_unknown_permission_is_400_with_fields(admin_api):
    response = admin_api.post(KEYS, {"name": "x", "permissions": ["root"]}, format="json")

    body = assert_error_shape(response, 400, "invalid")
    assert "permissions" in body["fields"]


def test_blank_name_is_400(admin_api):
    body = assert_error_shape(admin_api.post(KEYS, {"name": ""}, format="json"), 400, "invalid")
    assert "name" in body["fields"]


def test_revoking_a_key_stops_it_and_keeps_it_listed(admin_api):
    created = admin_api.post(KEYS, {"name": "temp", "permissions": ["read"]}, format="json").json()
    client = bearer(created["full_key"])
    assert client.get("/api/v1/agents").status_code == 200

    assert admin_api.delete(f"{KEYS}/{created['key']['id']}").status_code == 204

    assert client.get("/api/v1/agents").status_code == 401
    detail = admin_api.get(f"{KEYS}/{created['key']['id']}").json()
    assert detail["is_active"] is False and detail["revoked_at"]


def test_login_tokens_and_agent_pairs_are_not_listed_as_keys(admin_api, admin, agent):
    api_keys.agent_api_key_generate(membership=agent)
    APIClient().post("/api/v1/auth/login", {"email": admin.user.email, "password": "correct-horse-battery"})

    kinds = {ApiKey.objects.get(pk=row["id"]).kind for row in admin_api.get(KEYS).json()["results"]}

    assert kinds == {ApiKeyKind.ORGANIZATION}
    agent_key = ApiKey.objects.get(membership=agent, kind=ApiKeyKind.AGENT)
    assert_error_shape(admin_api.get(f"{KEYS}/{agent_key.pk}"), 404, "not_found")


# --- what a key may do ---------------------------------------------------------------------------


def test_read_only_key_cannot_write(api_for, admin):
    client = api_for(admin, ["read"])
    team = TeamFactory(organization=admin.organization, name="Support")
    before = snapshot(team)

    assert client.get("/api/v1/teams").status_code == 200
    created = client.post("/api/v1/teams", {"name": "Billing"}, format="json")
    changed = client.put(f"/api/v1/teams/{team.pk}", {"name": "Renamed"}, format="json")
    deleted = client.delete(f"/api/v1/teams/{team.pk}")

    for response in (created, changed, deleted):
        body = assert_error_shape(response, 403, "permission_denied")
        assert "'write'" in body["error"]
    assert list(Team.objects.filter(organization=admin.organization)) == [team]
    assert snapshot(team) == before


@pytest.mark.parametrize(
    "method,url,body",
    [
        ("get", KEYS, None),
        ("post", KEYS, {"name": "sneaky", "permissions": ["admin"]}),
        ("patch", "/api/v1/account/settings", {"assistant_name": "Hijacked"}),
        ("post", "/api/v1/teams", {"name": "New team"}),
        ("post", "/api/v1/agents", {"email": "new@acme.test"}),
    ],
)
def test_write_key_without_admin_cannot_reach_admin_endpoints(api_for, admin, method, url, body):
    """The member is an admin, but the key was not given the admin permission."""
    client = api_for(admin, ["read", "write"])
    keys_before = ApiKey.objects.count()
    org_before = snapshot(admin.organization)

    response = getattr(client, method)(url, body, format="json")

    error = assert_error_shape(response, 403, "permission_denied")
    assert "admin" in error["error"]
    assert ApiKey.objects.count() == keys_before
    assert snapshot(admin.organization) == org_before
    assert not Team.objects.filter(organization=admin.organization).exists()
    assert admin.organization.memberships.count() == 1


def test_agent_member_cannot_manage_keys_even_with_admin_requested(agent_api):
    assert_error_shape(agent_api.get(KEYS), 403, "permission_denied")


def test_agent_role_cannot_create_a_key_with_admin_permission(agent):
    with pytest.raises(DomainError) as refused:
        api_keys.api_key_create(membership=agent, name="escalate", permissions=["read", "admin"])

    assert refused.value.status_code == 400
    assert refused.value.field == "permissions"
    assert not ApiKey.objects.filter(membership=agent).exists()


def test_admin_permission_implies_read_and_write(api_for, admin):
    client = api_for(admin, ["admin"])

    assert client.post("/api/v1/teams", {"name": "Ops"}, format="json").status_code == 201


def test_key_permissions_are_capped_by_the_member_role(api_for, admin):
    """A key created while admin loses its admin powers when its member is demoted."""
    client = api_for(admin, ["read", "write", "admin"])
    admin.role = "agent"
    admin.save()

    assert_error_shape(client.get(KEYS), 403, "permission_denied")
    assert client.get("/api/v1/agents").status_code == 200


def test_write_key_cannot_mint_an_admin_agent_pair(api_for, admin):
    """The Libredesk pair acts with the member's full role: minting it needs at least as much."""
    client = api_for(admin, ["read", "write"])

    response = client.post(f"/api/v1/agents/{admin.pk}/api-key")

    assert_error_shape(response, 403, "permission_denied")
    assert not ApiKey.objects.filter(membership=admin, kind=ApiKeyKind.AGENT).exists()


def test_admin_cannot_mint_an_owner_pair(admin_api, owner):
    response = admin_api.post(f"/api/v1/agents/{owner.pk}/api-key")

    assert_error_shape(response, 403, "permission_denied")
    assert not ApiKey.objects.filter(membership=owner, kind=ApiKeyKind.AGENT).exists()


def test_agent_cannot_mint_another_agents_pair(agent_api, admin):
    assert_error_shape(agent_api.post(f"/api/v1/agents/{admin.pk}/api-key"), 403, "permission_denied")
    assert not ApiKey.objects.filter(membership=admin, kind=ApiKeyKind.AGENT).exists()


def test_admin_mints_and_revokes_an_agents_pair(admin_api, agent):
    created = admin_api.post(f"/api/v1/agents/{agent.pk}/api-key")
    assert created.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"token {created.json()['api_key']}:{created.json()['api_secret']}")
    assert client.get("/api/v1/agents/me").json()["id"] == agent.pk

    assert admin_api.delete(f"/api/v1/agents/{agent.pk}/api-key").status_code == 204

    assert client.get("/api/v1/agents/me").status_code == 401


def test_an_agent_pair_has_its_member_role(agent):
    """An agent's pair works for agent work and is refused admin work."""
    api_key, api_secret = api_keys.agent_api_key_generate(membership=agent)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"token {api_key}:{api_secret}")

    assert (
        client.put("/api/v1/agents/me/availability", {"status": "online"}, format="json").status_code == 200
    )
    assert_error_shape(client.post("/api/v1/teams", {"name": "x"}, format="json"), 403, "permission_denied")
    assert Organization.objects.get(pk=agent.organization_id).teams.count() == 0
