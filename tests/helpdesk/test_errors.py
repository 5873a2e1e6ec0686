"""One error shape {"error", "code", "fields"} for every failure, and paths without redirects."""

import pytest
from django.urls import include, path
from rest_framework.test import APIClient
from rest_framework.views import APIView

from helpdesk.api.permissions import AllowPublic
from helpdesk.models import Team
from tests.factories import TeamFactory
from tests.isolation import assert_error_shape


class ExplodingView(APIView):
    """Test-only: an unexpected exception inside an API view."""

    authentication_classes: list = []
    permission_classes = [AllowPublic]

    def get(self, request):
        raise RuntimeError("boom: secret internals")


def exploding_django_view(request):
    raise RuntimeError("boom outside DRF")


# Test-only URLconf (used through the ``urls`` marker): the real API plus two views that fail.
urlpatterns = [
    path("api/v1/explode", ExplodingView.as_view()),
    path("api/v1/explode-plain", exploding_django_view),
    path("api/v1/", include("helpdesk.api.urls")),
]
handler404 = "helpdesk.views.errors.not_found"
handler500 = "helpdesk.views.errors.server_error"


def test_400_invalid_input_lists_fields(admin_api):
    body = assert_error_shape(
        admin_api.post("/api/v1/teams", {"name": "", "timezone": 5}, format="json"), 400, "invalid"
    )

    assert body["fields"]["name"]
    assert body["error"].startswith("name:")


def test_400_malformed_json(admin_api):
    response = admin_api.generic("POST", "/api/v1/teams", "{not json", content_type="application/json")

    assert_error_shape(response, 400, "parse_error")


def test_415_unsupported_media_type(admin_api):
    response = admin_api.generic("POST", "/api/v1/teams", "name=x", content_type="text/csv")

    assert_error_shape(response, 415, "unsupported_media_type")


def test_401(db):
    response = APIClient().get("/api/v1/teams")

    assert_error_shape(response, 401, "not_authenticated")
    assert "WWW-Authenticate" in response.headers


def test_403(agent_api):
    assert_error_shape(
        agent_api.post("/api/v1/teams", {"name": "x"}, format="json"), 403, "permission_denied"
    )


def test_404_object(admin_api):
    assert_error_shape(admin_api.get("/api/v1/teams/424242"), 404, "not_found")


@pytest.mark.parametrize("url", ["/api/v1/nope", "/api/v1/nope/", "/api/v1/teams/1/nope", "/api/v2/agents"])
def test_404_unknown_api_path_is_json(admin_api, url):
    response = admin_api.get(url)

    assert response["Content-Type"].startswith("application/json")
    assert_error_shape(response, 404, "not_found")


def test_405(admin_api):
    body = assert_error_shape(admin_api.delete("/api/v1/account/status"), 405, "method_not_allowed")

    assert "DELETE" in body["error"]


def test_409(admin_api, org):
    TeamFactory(organization=org, name="Support")

    assert_error_shape(admin_api.post("/api/v1/teams", {"name": "Support"}, format="json"), 409, "conflict")


@pytest.mark.urls(__name__)
def test_unexpected_exception_in_an_api_view_is_a_500_in_the_error_shape(db):
    response = APIClient().get("/api/v1/explode")

    body = assert_error_shape(response, 500, "server_error")
    assert "boom" not in response.content.decode()
    assert body["fields"] == {}


@pytest.mark.urls(__name__)
def test_unexpected_exception_outside_drf_under_api_is_json_too(db):
    client = APIClient(raise_request_exception=False)

    response = client.get("/api/v1/explode-plain")

    assert_error_shape(response, 500, "server_error")
    assert "boom" not in response.content.decode()


@pytest.mark.urls(__name__)
def test_the_test_urlconf_still_serves_the_real_api(admin_api):
    assert admin_api.get("/api/v1/agents").status_code == 200


# --- trailing slashes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/v1/agents", "/api/v1/agents/", "/api/v1/agents/me", "/api/v1/agents/me/"]
)
def test_paths_answer_with_and_without_trailing_slash(admin_api, url):
    response = admin_api.get(url)

    assert response.status_code == 200, response.content


def test_detail_and_writes_with_trailing_slash(admin_api, org):
    created = admin_api.post("/api/v1/teams/", {"name": "Slash"}, format="json")
    assert created.status_code == 201
    team_id = created.json()["id"]

    assert admin_api.get(f"/api/v1/teams/{team_id}/").status_code == 200
    assert admin_api.patch(f"/api/v1/teams/{team_id}/", {"emoji": "✅"}, format="json").status_code == 200
    assert Team.objects.get(pk=team_id).emoji == "✅"


@pytest.mark.parametrize("url", ["/api/v1/account/status", "/api/v1/account/status/", "/health", "/health/"])
def test_plain_routes_answer_with_and_without_trailing_slash(admin_api, url):
    assert admin_api.get(url).status_code == 200


# --- bad input is never a 500 --------------------------------------------------------------------

WRITES = [
    ("post", "/api/v1/accounts"),
    ("post", "/api/v1/auth/login"),
    ("patch", "/api/v1/account/settings"),
    ("post", "/api/v1/api-keys"),
    ("post", "/api/v1/agents"),
    ("put", "/api/v1/agents/me/availability"),
    ("post", "/api/v1/teams"),
]
BAD_BODIES = [
    [],
    ["a", "b"],
    "just a string",
    123,
    None,
    {"name": None, "email": None, "status": None, "permissions": None, "teams": None},
    {"name": {"nested": 1}, "email": ["x"], "status": [1], "permissions": "read", "roles": "admin"},
    {"name": "x\x00y", "email": "a@b.test", "password": "x\x00" * 8, "status": "on\x00line"},
    {"allowed_outbound_hosts": ["x\x00y"], "ollama_endpoints": ["http://[::1", "http://a\x00b"]},
    {"ollama_endpoint": "http://[::1"},
    {"teams": ["9" * 40], "email": "t@acme.test"},
    {"max_auto_assigned_conversations": 10**30, "name": "big"},
]


@pytest.mark.parametrize("method,url", WRITES)
@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_bad_bodies_are_4xx_in_the_error_shape(owner, api_for, method, url, body):
    client = api_for(owner)

    response = getattr(client, method)(url, body, format="json")

    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert_error_shape(response, response.status_code)


@pytest.mark.parametrize(
    "query,field",
    [("role=wizard", "role"), ("availability_status=asleep", "availability_status")],
)
def test_invalid_filter_values_are_400(admin_api, query, field):
    body = assert_error_shape(admin_api.get(f"/api/v1/agents?{query}"), 400, "invalid")

    assert field in body["fields"]
