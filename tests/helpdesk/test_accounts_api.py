"""Sign-up, login, account status (plan, limits, usage) and the organization's settings."""

import pytest
from rest_framework.test import APIClient

from helpdesk.models import ApiKey, Membership, Organization, Plan, Role, User
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory
from tests.isolation import assert_error_shape, snapshot

SIGNUP = {"name": "Initech", "email": "Bill@Initech.test", "password": "tps-report-cover", "plan": "starter"}


def signup(**changes):
    return APIClient().post("/api/v1/accounts", {**SIGNUP, **changes}, format="json")


# --- sign-up -------------------------------------------------------------------------------------


def test_signup_creates_organization_owner_and_a_working_token(db):
    response = signup()

    assert response.status_code == 201, response.content
    body = response.json()
    organization = Organization.objects.get(pk=body["organization"]["id"])
    assert organization.name == "Initech" and organization.plan == Plan.STARTER
    owner = Membership.objects.get(organization=organization)
    assert owner.role == Role.OWNER and owner.user.email == "bill@initech.test"
    assert body["user"]["email"] == "bill@initech.test"
    assert "password" not in str(body)

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    status = client.get("/api/v1/account/status")
    assert status.status_code == 200
    assert status.json()["organization"]["id"] == organization.pk
    assert client.post("/api/v1/teams", {"name": "Owners can configure"}, format="json").status_code == 201


def test_signup_plan_defaults_to_starter(db):
    response = APIClient().post(
        "/api/v1/accounts", {"name": "A", "email": "a@a.test", "password": "long-enough-pass"}, format="json"
    )

    assert response.json()["organization"]["plan"] == "starter"


def test_signup_with_existing_email_and_wrong_password_is_a_conflict(db):
    assert signup().status_code == 201

    response = signup(name="Evil Corp", password="not-the-password")

    body = assert_error_shape(response, 409, "conflict")
    assert "email" in body["fields"] and "exists" in body["error"]
    assert not Organization.objects.filter(name="Evil Corp").exists()
    assert Organization.objects.count() == 1


def test_signup_with_existing_email_and_right_password_is_a_conflict_too(db):
    signup()

    response = signup(name="Second")

    body = assert_error_shape(response, 409, "conflict")
    assert "email" in body["fields"]
    user = User.objects.get(email="bill@initech.test")
    assert set(user.memberships.values_list("organization__name", flat=True)) == {"Initech"}
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"plan": "platinum"}, "plan"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "password123"}, "password"),  # too common
        ({"name": ""}, "name"),
    ],
)
def test_signup_bad_input_is_400_with_fields(db, changes, field):
    body = assert_error_shape(signup(**changes), 400, "invalid")

    assert field in body["fields"]
    assert not Organization.objects.exists()


def test_signup_missing_everything_lists_every_field(db):
    body = assert_error_shape(APIClient().post("/api/v1/accounts", {}, format="json"), 400, "invalid")

    assert {"name", "email", "password"} <= set(body["fields"])


# --- login ---------------------------------------------------------------------------------------


def test_login_returns_token_user_and_organization(agent):
    response = APIClient().post(
        "/api/v1/auth/login", {"email": agent.user.email, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["id"] == agent.user_id and body["organization"]["id"] == agent.organization_id
    assert ApiKey.objects.filter(membership=agent, kind="login").count() == 1


def test_login_with_wrong_password_is_401_invalid_credentials(agent):
    response = APIClient().post(
        "/api/v1/auth/login", {"email": agent.user.email, "password": "nope-nope-nope"}, format="json"
    )

    assert_error_shape(response, 401, "invalid_credentials")
    assert not ApiKey.objects.filter(membership=agent).exists()


def test_login_with_unknown_email_is_the_same_401(db):
    response = APIClient().post(
        "/api/v1/auth/login", {"email": "ghost@acme.test", "password": PASSWORD}, format="json"
    )

    assert_error_shape(response, 401, "invalid_credentials")


def test_login_of_a_member_disabled_everywhere_is_refused(agent):
    agent.is_active = False
    agent.save()

    response = APIClient().post("/api/v1/auth/login", {"email": agent.user.email, "password": PASSWORD})

    assert_error_shape(response, 403, "permission_denied")
    assert not ApiKey.objects.filter(membership=agent).exists()


def test_login_without_fields_is_400(db):
    body = assert_error_shape(APIClient().post("/api/v1/auth/login", {}, format="json"), 400, "invalid")
    assert {"email", "password"} <= set(body["fields"])


# --- account/status ------------------------------------------------------------------------------


def test_starter_status_has_its_limits_usage_and_no_agentic_rag(db):
    token = signup().json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    body = client.get("/api/v1/account/status").json()

    assert body["plan"] == "starter"
    assert body["limits"] == {"domains": 1, "agents": 3, "kb_items": 50, "chatbots": 1, "documents": 25}
    assert set(body["usage"]) >= {"domains", "agents", "kb_items", "chatbots", "documents"}
    assert body["usage"]["agents"] == 1
    assert body["agentic_rag_enabled"] is False
    assert body["domains"] == []


@pytest.mark.parametrize(
    "plan,agents,rag",
    [("business", 25, True), ("enterprise", None, True), ("self_hosted", None, True)],
)
def test_status_limits_follow_the_plan(db, plan, agents, rag, settings):
    settings.SIGNUP_ALLOWED_PLANS = ["starter", plan]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {signup(plan=plan).json()['token']}")

    body = client.get("/api/v1/account/status").json()

    assert body["plan"] == plan
    assert body["limits"]["agents"] == agents
    assert body["agentic_rag_enabled"] is rag


def test_status_is_readable_by_agents(agent_api):
    assert agent_api.get("/api/v1/account/status").status_code == 200


def test_agents_limit_is_enforced_on_invite(db):
    token = signup().json()["token"]  # starter: 3 agents, the owner is the first
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    for n in (1, 2):
        assert (
            client.post("/api/v1/agents", {"email": f"a{n}@initech.test"}, format="json").status_code == 201
        )

    response = client.post("/api/v1/agents", {"email": "a3@initech.test"}, format="json")

    body = assert_error_shape(response, 409, "limit_exceeded")
    assert "3 agents" in body["error"]
    assert not User.objects.filter(email="a3@initech.test").exists()
    assert client.get("/api/v1/account/status").json()["usage"]["agents"] == 3


def test_disabled_agents_free_their_seat_and_reenabling_needs_one(db):
    token = signup().json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    first = client.post("/api/v1/agents", {"email": "a1@initech.test"}, format="json").json()
    client.post("/api/v1/agents", {"email": "a2@initech.test"}, format="json")
    assert client.put(f"/api/v1/agents/{first['id']}", {"enabled": False}, format="json").status_code == 200
    assert client.post("/api/v1/agents", {"email": "a3@initech.test"}, format="json").status_code == 201

    response = client.put(f"/api/v1/agents/{first['id']}", {"enabled": True}, format="json")

    assert_error_shape(response, 409, "limit_exceeded")
    assert Membership.objects.get(pk=first["id"]).is_active is False


# --- account/settings ----------------------------------------------------------------------------


def test_settings_readable_by_agents(agent_api, org):
    body = agent_api.get("/api/v1/account/settings").json()

    assert body["name"] == org.name
    assert {"assistant_name", "chatbot_name", "welcome_message", "allowed_outbound_hosts"} <= set(body)


def test_admin_updates_settings(admin_api, org):
    response = admin_api.patch(
        "/api/v1/account/settings",
        {"name": "Acme Inc", "assistant_name": "Ada", "logo_url": "https://cdn.acme.test/logo.png"},
        format="json",
    )

    assert response.status_code == 200, response.content
    org.refresh_from_db()
    assert (org.name, org.assistant_name, org.logo_url) == (
        "Acme Inc",
        "Ada",
        "https://cdn.acme.test/logo.png",
    )


def test_sysaid_post_form_updates_settings_too(admin_api, org):
    response = admin_api.post("/api/v1/account/settings", {"welcome_message": "Hello!"}, format="json")

    assert response.status_code == 200
    org.refresh_from_db()
    assert org.welcome_message == "Hello!"


def test_agent_cannot_change_settings(agent_api, org):
    before = snapshot(org)

    response = agent_api.patch("/api/v1/account/settings", {"name": "Mine now"}, format="json")

    assert_error_shape(response, 403, "permission_denied")
    assert snapshot(org) == before


def test_plan_and_slug_cannot_be_changed_through_settings(admin_api, org):
    admin_api.patch("/api/v1/account/settings", {"plan": "enterprise", "slug": "hijack"}, format="json")

    org.refresh_from_db()
    assert org.plan == Plan.SELF_HOSTED and org.slug != "hijack"


def test_outbound_hosts_are_normalized(admin_api, org):
    response = admin_api.patch(
        "/api/v1/account/settings",
        {"allowed_outbound_hosts": [" Ollama.Internal. ", "10.1.2.3/16", "127.0.0.1", "127.0.0.1", "[::1]"]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["allowed_outbound_hosts"] == ["ollama.internal", "10.1.0.0/16", "127.0.0.1", "::1"]


@pytest.mark.parametrize(
    "hosts",
    [
        "127.0.0.1",  # not a list
        [""],
        ["http://ollama.internal"],  # a URL, not a host
        ["bad host"],
        ["0.0.0.0/0"],  # everything
        ["169.254.0.0/16"],  # contains the cloud metadata address
        ["169.254.169.254"],
        ["metadata.google.internal"],
        [123],
    ],
)
def test_bad_outbound_hosts_are_400(admin_api, org, hosts):
    before = snapshot(org)

    response = admin_api.patch("/api/v1/account/settings", {"allowed_outbound_hosts": hosts}, format="json")

    body = assert_error_shape(response, 400, "invalid")
    assert "allowed_outbound_hosts" in body["fields"]
    assert snapshot(org) == before


def test_internal_ollama_endpoint_needs_the_host_allow_listed(admin_api, org):
    refused = admin_api.patch(
        "/api/v1/account/settings", {"ollama_endpoints": ["http://127.0.0.1:11434"]}, format="json"
    )
    body = assert_error_shape(refused, 400, "invalid")
    assert "ollama_endpoints" in body["fields"] and "allowed outbound hosts" in body["error"]
    org.refresh_from_db()
    assert org.ollama_endpoints == []

    accepted = admin_api.patch(
        "/api/v1/account/settings",
        {"allowed_outbound_hosts": ["127.0.0.1"], "ollama_endpoints": ["http://127.0.0.1:11434/"]},
        format="json",
    )

    assert accepted.status_code == 200, accepted.content
    org.refresh_from_db()
    assert org.ollama_endpoints == ["http://127.0.0.1:11434"]


def test_removing_the_allow_listed_host_of_an_endpoint_in_use_is_refused(admin_api, org):
    org.allowed_outbound_hosts = ["127.0.0.1"]
    org.ollama_endpoints = ["http://127.0.0.1:11434"]
    org.save()

    response = admin_api.patch("/api/v1/account/settings", {"allowed_outbound_hosts": []}, format="json")

    assert_error_shape(response, 400, "invalid")
    org.refresh_from_db()
    assert org.allowed_outbound_hosts == ["127.0.0.1"]


@pytest.mark.parametrize(
    "endpoints", [["ftp://127.0.0.1"], ["not a url"], "http://127.0.0.1", ["http://user:pw@127.0.0.1"]]
)
def test_bad_ollama_endpoints_are_400(admin_api, org, endpoints):
    org.allowed_outbound_hosts = ["127.0.0.1"]
    org.save()

    response = admin_api.patch("/api/v1/account/settings", {"ollama_endpoints": endpoints}, format="json")

    body = assert_error_shape(response, 400, "invalid")
    assert "ollama_endpoints" in body["fields"]


def test_bad_logo_url_is_400(admin_api):
    body = assert_error_shape(
        admin_api.patch("/api/v1/account/settings", {"logo_url": "javascript:alert(1)"}, format="json"), 400
    )
    assert "logo_url" in body["fields"]


def test_settings_of_the_other_organization_are_never_touched(admin_api, other_org):
    before = snapshot(other_org)
    MembershipFactory(organization=other_org, role=Role.OWNER)

    admin_api.patch("/api/v1/account/settings", {"name": "Renamed"}, format="json")

    assert snapshot(other_org) == before
