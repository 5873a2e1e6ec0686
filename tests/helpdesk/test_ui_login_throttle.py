import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_repeated_failed_sign_ins_are_throttled_then_even_the_right_password_waits(client, agent, settings):
    settings.LOGIN_FAILURES_MAX = 3
    for _ in range(3):
        response = client.post("/login/", {"username": agent.user.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/login/", {"username": agent.user.email, "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_successful_sign_in_below_the_limit(client, agent, settings):
    settings.LOGIN_FAILURES_MAX = 3
    client.post("/login/", {"username": agent.user.email, "password": "wrong"})
    response = client.post("/login/", {"username": agent.user.email, "password": "correct-horse-battery"})
    assert response.status_code == 302
