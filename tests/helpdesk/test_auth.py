"""Every credential scheme resolves the organization; bad credentials get 401 in the error shape."""

import base64
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from helpdesk.models import ApiKey, Team
from helpdesk.models.api_key import ApiKeyKind
from helpdesk.services import api_keys
from tests.conftest import PASSWORD
from tests.isolation import assert_error_shape

ME = "/api/v1/agents/me"


def client_with(header: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    return client


def assert_unauthorized(response):
    body = assert_error_shape(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    return body


def agent_pair(membership) -> tuple[str, str]:
    return api_keys.agent_api_key_generate(membership=membership)


# --- each scheme works ---------------------------------------------------------------------------


def test_bearer_full_key_acts_as_its_creator_in_its_organization(admin_api, admin):
    assert re.fullmatch(r"pk_[0-9a-f]{16}\.[0-9a-f]{48}", admin_api.full_key)

    response = admin_api.get(ME)

    assert response.status_code == 200, response.content
    assert response.json()["email"] == admin.user.email
    assert response.json()["id"] == admin.pk


def test_bearer_login_token_from_auth_login(agent):
    login = APIClient().post(
        "/api/v1/auth/login", {"email": "AGENT@acme.test", "password": PASSWORD}, format="json"
    )
    assert login.status_code == 200, login.content
    assert login.json()["user"]["email"] == agent.user.email
    assert login.json()["organization"]["id"] == agent.organization_id

    response = client_with(f"Bearer {login.json()['token']}").get(ME)

    assert response.status_code == 200, response.content
    assert response.json()["id"] == agent.pk


def test_libredesk_token_scheme_with_agent_pair_from_the_api(agent_api, agent):
    created = agent_api.post(f"/api/v1/agents/{agent.pk}/api-key")
    assert created.status_code == 200, created.content
    api_key, api_secret = created.json()["api_key"], created.json()["api_secret"]

    response = client_with(f"token {api_key}:{api_secret}").get(ME)

    assert response.status_code == 200, response.content
    assert response.json()["id"] == agent.pk


def test_libredesk_basic_scheme_with_agent_pair(agent):
    api_key, api_secret = agent_pair(agent)
    encoded = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode()

    response = client_with(f"Basic {encoded}").get(ME)

    assert response.status_code == 200, response.content
    assert response.json()["id"] == agent.pk


def test_scheme_names_are_case_insensitive(agent):
    api_key, api_secret = agent_pair(agent)
    assert client_with(f"Token {api_key}:{api_secret}").get(ME).status_code == 200
    assert client_with(f"bearer {api_key}:{api_secret}").get(ME).status_code == 200


def test_session_requires_csrf_for_unsafe_methods(admin):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(admin.user)
    assert client.get(ME).json()["id"] == admin.pk

    refused = client.post("/api/v1/teams", {"name": "Support"}, format="json")

    body = assert_error_shape(refused, 403, "permission_denied")
    assert "CSRF" in body["error"]
    assert not Team.objects.filter(organization=admin.organization).exists()

    request = RequestFactory().get("/")
    token = get_token(request)
    client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    accepted = client.post("/api/v1/teams", {"name": "Support"}, format="json", HTTP_X_CSRFTOKEN=token)

    assert accepted.status_code == 201, accepted.content
    assert Team.objects.get(organization=admin.organization).name == "Support"


def test_session_acts_in_the_organization_chosen_in_the_session(admin, other_org):
    from tests.factories import MembershipFactory

    second = MembershipFactory(organization=other_org, user=admin.user, role="agent")
    client = APIClient()
    client.force_login(admin.user)
    session = client.session
    session["organization_id"] = other_org.pk
    session.save()

    assert client.get(ME).json()["id"] == second.pk


def test_key_use_is_recorded(admin_api):
    key_id = admin_api.full_key.split(".")[0]
    assert ApiKey.objects.get(key_id=key_id).last_used_at is None

    admin_api.get(ME)

    assert ApiKey.objects.get(key_id=key_id).last_used_at is not None


# --- refusals ------------------------------------------------------------------------------------


def test_no_credentials_is_401_with_challenge(db):
    body = assert_unauthorized(APIClient().get("/api/v1/agents"))
    assert body["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer pk_0000000000000000.0000",  # unknown key id
        "Bearer {key_id}.wrong-secret",  # right id, wrong secret
        "Bearer {key_id}",  # no secret at all
        "Bearer",  # empty
        "Bearer {full_key} extra",  # trailing junk makes the secret wrong
        "token {key_id}:",  # empty secret
        "Basic !!!not-base64!!!",
        "Basic " + base64.b64encode(b"\xff\xfe").decode(),  # not UTF-8
        "Basic " + base64.b64encode(b"no-separator").decode(),
        "Digest username=x",  # unknown scheme
    ],
)
def test_bad_or_malformed_credentials_are_401(admin_api, header):
    key_id = admin_api.full_key.split(".")[0]
    client = client_with(header.format(key_id=key_id, full_key=admin_api.full_key))

    body = assert_unauthorized(client.get("/api/v1/agents"))

    assert body["code"] == "authentication_failed"


def test_revoked_key_is_401(admin_api):
    api_key = ApiKey.objects.get(key_id=admin_api.full_key.split(".")[0])
    api_keys.api_key_revoke(api_key=api_key)

    assert_unauthorized(admin_api.get(ME))


def test_expired_login_token_is_401(agent):
    login = APIClient().post("/api/v1/auth/login", {"email": agent.user.email, "password": PASSWORD})
    token = login.json()["token"]
    ApiKey.objects.filter(key_id=token.split(".")[0]).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert_unauthorized(client_with(f"Bearer {token}").get(ME))


def test_login_token_expires_after_the_configured_days(agent):
    login = APIClient().post("/api/v1/auth/login", {"email": agent.user.email, "password": PASSWORD})

    api_key = ApiKey.objects.get(key_id=login.json()["token"].split(".")[0])

    assert api_key.kind == ApiKeyKind.LOGIN
    remaining = api_key.expires_at - timezone.now()
    assert (
        timedelta(days=settings.LOGIN_TOKEN_DAYS - 1) < remaining <= timedelta(days=settings.LOGIN_TOKEN_DAYS)
    )


def test_disabled_member_key_is_401(agent_api, agent):
    agent.is_active = False
    agent.save()

    assert_unauthorized(agent_api.get(ME))


def test_deactivated_user_key_is_401(agent_api, agent):
    agent.user.is_active = False
    agent.user.save()

    assert_unauthorized(agent_api.get(ME))


def test_disabled_member_session_is_refused(agent):
    agent.is_active = False
    agent.save()
    client = APIClient()
    client.force_login(agent.user)

    assert_unauthorized(client.get(ME))


def test_regenerating_an_agent_pair_invalidates_the_old_pair(agent_api, agent):
    first = agent_api.post(f"/api/v1/agents/{agent.pk}/api-key").json()
    second = agent_api.post(f"/api/v1/agents/{agent.pk}/api-key").json()
    assert first["api_key"] != second["api_key"]

    assert_unauthorized(client_with(f"token {first['api_key']}:{first['api_secret']}").get(ME))
    assert client_with(f"token {second['api_key']}:{second['api_secret']}").get(ME).status_code == 200


def test_revoking_an_agent_pair_stops_it(agent_api, agent):
    api_key, api_secret = agent_pair(agent)

    assert agent_api.delete(f"/api/v1/agents/{agent.pk}/api-key").status_code == 204

    assert_unauthorized(client_with(f"token {api_key}:{api_secret}").get(ME))


def test_an_agent_pair_secret_is_not_accepted_with_another_key_id(agent, admin):
    agent_key, _ = agent_pair(agent)
    _, admin_secret = agent_pair(admin)

    assert_unauthorized(client_with(f"token {agent_key}:{admin_secret}").get(ME))


def test_a_key_whose_member_belongs_to_another_organization_is_refused(admin_api, other_admin):
    """Defence in depth: a key row pointing at a member of another organization never authenticates."""
    ApiKey.objects.filter(key_id=admin_api.full_key.split(".")[0]).update(membership=other_admin)

    assert_unauthorized(admin_api.get(ME))
