"""A CSV request that fails answers with the API's JSON error shape (and its documented type)."""

import pytest

from tests.isolation import assert_error_shape


@pytest.mark.parametrize("name", ["overview", "teams", "unanswered"])
def test_a_bad_filter_on_a_csv_request_answers_json(admin_api, name):
    response = admin_api.get(f"/api/v1/reports/{name}?format=csv&preset=90d&from=2026-01-01&to=2026-01-31")

    assert response["Content-Type"].startswith("application/json")
    body = assert_error_shape(response, 400)
    assert "preset or from/to" in body["error"]


def test_an_unknown_table_answers_json(admin_api):
    response = admin_api.get("/api/v1/reports/agents?format=csv&table=nope")

    assert response["Content-Type"].startswith("application/json")
    assert "Unknown table" in assert_error_shape(response, 400)["error"]


def test_an_agent_asking_for_csv_is_refused_in_json(agent_api):
    response = agent_api.get("/api/v1/reports/overview?format=csv")

    assert response["Content-Type"].startswith("application/json")
    assert_error_shape(response, 403)
