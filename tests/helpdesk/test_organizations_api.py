"""Sign-up is for new people; a signed-in user adds organizations and switches between them."""

from io import StringIO

from django.core.management import call_command
from rest_framework.test import APIClient

from helpdesk.models import Membership, Organization, Plan, Role, User
from tests.conftest import PASSWORD
from tests.isolation import assert_error_shape

SIGNUP = {"name": "Initech", "email": "bill@initech.test", "password": "tps-report-cover"}


def signup(**changes):
    return APIClient().post("/api/v1/accounts", {**SIGNUP, **changes}, format="json")


def bearer(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


# --- anonymous sign-up --------------------------------------------------------------------------


def test_signup_with_a_registered_email_is_409_whatever_the_password(agent):
    for password in (PASSWORD, "some-other-password"):
        body = assert_error_shape(signup(email=agent.user.email.upper(), password=password), 409, "conflict")
        assert "email" in body["fields"]

    assert not Organization.objects.filter(name="Initech").exists()
    assert Membership.objects.filter(user=agent.user).count() == 1


def test_signup_gets_starter_and_a_plan_not_allowed_is_a_400(db):
    body = assert_error_shape(signup(plan="self_hosted"), 400, "invalid")

    assert "plan" in body["fields"]
    assert not Organization.objects.exists() and not User.objects.exists()
    assert signup().json()["organization"]["plan"] == Plan.STARTER


def test_signup_plans_allowed_by_setting(db, settings):
    settings.SIGNUP_ALLOWED_PLANS = ["starter", "business"]

    assert signup(plan="business").json()["organization"]["plan"] == Plan.BUSINESS
    assert_error_shape(signup(email="x@initech.test", plan="enterprise"), 400, "invalid")


def test_the_run_commands_first_organization_stays_self_hosted(db):
    call_command("bootstrap", "--password", "first-admin-pass", stdout=StringIO())

    assert Organization.objects.get().plan == Plan.SELF_HOSTED


# --- another organization for a signed-in user --------------------------------------------------


def test_signed_in_user_creates_another_organization_and_switches_to_it(agent, agent_api):
    response = agent_api.post("/api/v1/organizations", {"name": "Side Project"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organization"]["name"] == "Side Project" and body["organization"]["role"] == Role.OWNER
    assert body["organization"]["plan"] == Plan.STARTER
    new_id = body["organization"]["id"]
    assert bearer(body["token"]).get("/api/v1/account/status").json()["organization"]["id"] == new_id

    listed = agent_api.get("/api/v1/organizations").json()
    assert {(o["id"], o["current"]) for o in listed} == {(agent.organization_id, True), (new_id, False)}

    login = APIClient().post(
        "/api/v1/auth/login",
        {"email": agent.user.email, "password": PASSWORD, "organization_id": new_id},
        format="json",
    )
    assert login.status_code == 200 and login.json()["organization"]["id"] == new_id
    assert bearer(login.json()["token"]).get("/api/v1/account/status").json()["organization"]["id"] == new_id


def test_login_into_an_organization_the_user_is_not_in_is_404(agent, other_org):
    response = APIClient().post(
        "/api/v1/auth/login",
        {"email": agent.user.email, "password": PASSWORD, "organization_id": other_org.pk},
        format="json",
    )

    assert_error_shape(response, 404, "not_found")


def test_another_organization_follows_the_signup_plan_rule(agent_api):
    body = assert_error_shape(
        agent_api.post("/api/v1/organizations", {"name": "Free", "plan": "self_hosted"}, format="json"), 400
    )

    assert "plan" in body["fields"]
    assert not Organization.objects.filter(name="Free").exists()


def test_creating_an_organization_needs_credentials(db):
    assert_error_shape(APIClient().post("/api/v1/organizations", {"name": "X"}, format="json"), 401)
    assert not Organization.objects.exists()


def test_ui_switcher_moves_the_session_to_the_new_organization(agent, ui_as):
    client = ui_as(agent)
    created = client.post("/api/v1/organizations", {"name": "Side Project"}, content_type="application/json")
    assert created.status_code == 201, created.content
    new_id = created.json()["organization"]["id"]

    response = client.post("/switch-organization/", {"organization_id": new_id})

    assert response.status_code == 302
    assert client.session["organization_id"] == new_id
