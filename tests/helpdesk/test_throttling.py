"""Throttling: per credential for the API, per address for login; 429 in the error shape."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tests.isolation import assert_error_shape


@pytest.fixture
def low_rates(settings):
    """Throttle rates low enough to hit in a test (the test settings use huge ones)."""
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "2/min",
            "credential": "3/min",
            "login": "2/min",
            "public": "2/min",
        },
    }
    yield
    cache.clear()


def assert_throttled(response):
    body = assert_error_shape(response, 429, "throttled")
    assert isinstance(body["retry_after"], int) and 1 <= body["retry_after"] <= 60
    assert int(response.headers["Retry-After"]) >= 1
    return body


def test_a_credential_is_throttled_after_its_rate(low_rates, admin_api):
    for _ in range(3):
        assert admin_api.get("/api/v1/agents").status_code == 200

    assert_throttled(admin_api.get("/api/v1/agents"))


def test_another_credential_is_not_affected(low_rates, api_for, admin, agent):
    busy, quiet = api_for(admin), api_for(agent)
    for _ in range(3):
        busy.get("/api/v1/agents")
    assert busy.get("/api/v1/agents").status_code == 429

    assert quiet.get("/api/v1/agents").status_code == 200


def test_login_is_throttled_per_address(low_rates, agent):
    client = APIClient()
    for _ in range(2):
        response = client.post("/api/v1/auth/login", {"email": agent.user.email, "password": "wrong-guess-x"})
        assert response.status_code == 401

    body = assert_throttled(
        client.post("/api/v1/auth/login", {"email": agent.user.email, "password": PASSWORD})
    )

    assert "token" not in body


def test_signup_shares_the_login_throttle(low_rates, db):
    client = APIClient()
    for n in range(2):
        client.post("/api/v1/accounts", {"name": f"O{n}", "email": f"o{n}@x.test", "password": "long-pass-1"})

    assert_throttled(
        client.post("/api/v1/accounts", {"name": "O3", "email": "o3@x.test", "password": "long-pass-1"})
    )


def test_anonymous_requests_to_public_endpoints_are_throttled_per_address(low_rates, db):
    client = APIClient()
    for _ in range(2):
        assert client.get("/api/v1/health").status_code == 200

    assert_throttled(client.get("/api/v1/health"))
    assert_throttled(client.get("/api/v1/health", REMOTE_ADDR="127.0.0.1"))
    assert APIClient(REMOTE_ADDR="10.9.8.7").get("/api/v1/health").status_code == 200
