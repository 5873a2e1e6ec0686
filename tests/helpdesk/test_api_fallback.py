"""Every /api/ answer has the error shape, also for unknown routes and wrong methods, with
DEBUG on (Django's own 404 page is HTML then) or off."""

import pytest
from rest_framework.test import APIClient

from tests.isolation import assert_error_shape


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    "url", ["/api/v1/no-such-thing", "/api/v1/teams/1/no/such/nested/path", "/api/v2/teams", "/api", "/api/"]
)
def test_unknown_api_path_is_a_json_404(db, settings, debug, url):
    settings.DEBUG = debug

    for method in ("get", "post", "delete", "options"):
        response = getattr(APIClient(), method)(url)
        assert_error_shape(response, 404, "not_found")


def test_unknown_api_path_is_404_for_signed_in_clients_too(admin_api):
    assert_error_shape(admin_api.patch("/api/v1/nothing/here", {"a": 1}, format="json"), 404, "not_found")


@pytest.mark.parametrize("debug", [True, False])
def test_wrong_method_is_a_json_405(admin_api, settings, debug):
    settings.DEBUG = debug

    assert_error_shape(admin_api.delete("/api/v1/account/status"), 405)
    assert_error_shape(admin_api.put("/api/v1/auth/login", {}, format="json"), 405)


def test_ui_paths_keep_their_html_404(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
