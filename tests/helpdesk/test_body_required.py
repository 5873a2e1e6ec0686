"""Lenient parsing closed: a PUT or PATCH without a body is a 400 with the error shape (not an
empty update), actions that take no body still answer without one, and ``per_page`` must be a
whole number."""

import pytest

from tests.conversations.factories import make_conversation
from tests.factories import TeamFactory
from tests.isolation import assert_error_shape


@pytest.fixture
def team(org):
    return TeamFactory(organization=org, name="Support")


@pytest.mark.parametrize("method", ["put", "patch"])
def test_update_without_a_body_is_refused_and_nothing_changes(admin_api, team, method):
    before = admin_api.get(f"/api/v1/teams/{team.pk}").json()

    response = getattr(admin_api, method)(f"/api/v1/teams/{team.pk}")

    assert_error_shape(response, 400, "invalid")
    assert "needs a JSON body" in response.json()["error"]
    assert admin_api.get(f"/api/v1/teams/{team.pk}").json() == before


@pytest.mark.parametrize(
    "path", ["/api/v1/account/settings", "/api/v1/ai/provider", "/api/v1/agents/me/availability"]
)
def test_singleton_updates_without_a_body_are_refused(admin_api, path):
    response = admin_api.patch(path)

    assert_error_shape(response, 400, "invalid")


def test_an_explicit_empty_object_is_still_an_empty_change(admin_api, team):
    response = admin_api.patch(f"/api/v1/teams/{team.pk}", {}, format="json")

    assert response.status_code == 200 and response.json()["name"] == "Support"


@pytest.mark.parametrize("suffix", ["last-seen", "assignee/user/remove", "assignee/team/remove"])
def test_actions_that_take_no_body_answer_without_one(admin_api, org, suffix):
    conversation = make_conversation(org)

    response = admin_api.put(f"/api/v1/conversations/{conversation.uuid}/{suffix}")

    assert response.status_code == 200, response.content


def test_credentials_are_checked_before_the_body(team):
    from rest_framework.test import APIClient

    response = APIClient().put(f"/api/v1/teams/{team.pk}")

    assert response.status_code == 401


@pytest.mark.parametrize("value", ["true", "1.5", "-1", "0", "ten"])
def test_per_page_must_be_a_positive_whole_number(admin_api, value):
    response = admin_api.get(f"/api/v1/teams?per_page={value}")

    assert_error_shape(response, 400, "invalid")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/contacts/search?query=a%00b",
        "/api/v1/conversations/search?query=%00",
        "/api/v1/messages/search?query=x%00",
        "/api/v1/teams?name=%00",
    ],
)
def test_nul_characters_in_query_parameters_are_refused(admin_api, path):
    # PostgreSQL cannot hold or compare NUL in text: this was a 500 there (found by schemathesis).
    response = admin_api.get(path)

    body = assert_error_shape(response, 400, "invalid")
    assert "NUL" in body["error"]


def test_nul_characters_in_a_ui_query_string_are_a_bad_request(client, admin):
    client.force_login(admin.user)

    assert client.get("/inbox/?q=a%00b").status_code == 400
