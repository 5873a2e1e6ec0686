"""Login throttles key on the real client address (NUM_PROXIES trusted proxies), and failures
are also limited per account, for the API login and the UI sign-in."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.test import APIClient

from helpdesk.client_address import client_address
from helpdesk.models import ApiKey
from tests.conftest import PASSWORD
from tests.isolation import assert_error_shape


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def login(email, password, **extra):
    return APIClient().post(
        "/api/v1/auth/login", {"email": email, "password": password}, format="json", **extra
    )


@pytest.mark.parametrize(
    "proxies,header,expected",
    [
        (0, "6.6.6.6, 10.0.0.1", "203.0.113.5"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (3, "198.51.100.7", "198.51.100.7"),
        (1, "", "203.0.113.5"),
    ],
)
def test_client_address_is_the_nth_entry_from_the_right(settings, proxies, header, expected):
    settings.NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=header)

    assert client_address(request) == expected


def test_made_up_forwarded_prefix_does_not_escape_the_api_login_throttle(agent, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": "10/min"},
    }
    settings.NUM_PROXIES = 1
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 1000
    statuses = [
        login(agent.user.email, f"wrong-{n}", HTTP_X_FORWARDED_FOR=f"10.9.{n}.1, 198.51.100.7").status_code
        for n in range(30)
    ]

    assert statuses.count(429) >= 20
    assert_error_shape(login(agent.user.email, PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"), 429)


def test_made_up_forwarded_header_does_not_escape_the_ui_sign_in_limit(client, agent, settings):
    settings.LOGIN_FAILURES_MAX = 10
    statuses = [
        client.post(
            "/login/", {"username": agent.user.email, "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"10.9.{n}.1"
        ).status_code
        for n in range(30)
    ]

    assert statuses.count(429) == 20


def test_per_account_failures_answer_429_from_any_address(agent, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    settings.NUM_PROXIES = 1
    for n in range(3):
        response = login(agent.user.email, "wrong-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert_error_shape(response, 401, "invalid_credentials")

    response = login(agent.user.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")

    body = assert_error_shape(response, 429, "throttled")
    assert "this account" in body["error"]
    assert not ApiKey.objects.filter(membership=agent).exists()


def test_per_account_failures_also_limit_the_ui_sign_in(client, agent, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    settings.NUM_PROXIES = 1
    for n in range(3):
        client.post(
            "/login/",
            {"username": agent.user.email, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )

    response = client.post(
        "/login/",
        {"username": agent.user.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )

    assert response.status_code == 429
    assert b"Too many failed sign-in attempts for this account" in response.content
    assert "_auth_user_id" not in client.session


def test_other_accounts_are_not_locked_by_one_accounts_failures(agent, admin, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 2
    settings.LOGIN_FAILURES_MAX = 100
    for _ in range(2):
        login(agent.user.email, "wrong-password")

    assert login(admin.user.email, PASSWORD).status_code == 200
