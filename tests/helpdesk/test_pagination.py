"""Every list: ?page=&per_page= (alias page_size) → {count, page, per_page, total_pages, results}."""

import pytest

from helpdesk.models import Team
from tests.isolation import assert_error_shape

TEAMS = "/api/v1/teams"


@pytest.fixture
def teams(org):
    return Team.objects.bulk_create(Team(organization=org, name=f"Team {n:03d}") for n in range(45))


def names(body):
    return [row["name"] for row in body["results"]]


def test_default_page(admin_api, teams):
    body = admin_api.get(TEAMS).json()

    assert {key: body[key] for key in ("count", "page", "per_page", "total_pages")} == {
        "count": 45,
        "page": 1,
        "per_page": 20,
        "total_pages": 3,
    }
    assert names(body) == [f"Team {n:03d}" for n in range(20)]


def test_per_page_and_last_partial_page(admin_api, teams):
    body = admin_api.get(f"{TEAMS}?page=3&per_page=20").json()

    assert body["page"] == 3 and body["total_pages"] == 3
    assert names(body) == [f"Team {n:03d}" for n in range(40, 45)]


def test_page_size_is_an_alias_of_per_page(admin_api, teams):
    body = admin_api.get(f"{TEAMS}?page=2&page_size=10").json()

    assert body["per_page"] == 10 and body["total_pages"] == 5 and body["page"] == 2
    assert names(body) == [f"Team {n:03d}" for n in range(10, 20)]


def test_per_page_wins_over_page_size(admin_api, teams):
    assert admin_api.get(f"{TEAMS}?per_page=5&page_size=10").json()["per_page"] == 5


@pytest.mark.parametrize("query", ["page=4", "page=0", "page=-1", "page=abc", "page=99999999999999999999"])
def test_out_of_range_or_bad_page_is_404_in_the_error_shape(admin_api, teams, query):
    assert_error_shape(admin_api.get(f"{TEAMS}?{query}"), 404, "not_found")


def test_last_page_keyword(admin_api, teams):
    assert admin_api.get(f"{TEAMS}?page=last").json()["page"] == 3


@pytest.mark.parametrize(
    "query",
    [
        "per_page=0",
        "per_page=-5",
        "per_page=abc",
        "per_page=true",
        "per_page=1.5",
        "page_size=abc",
        "page_size=0",
    ],
)
def test_bad_page_sizes_are_refused(admin_api, teams, query):
    response = admin_api.get(f"{TEAMS}?{query}")

    assert response.status_code == 400
    param = query.split("=")[0]
    assert response.json()["code"] == "invalid" and param in response.json()["fields"]


def test_per_page_is_capped_at_200(admin_api, org):
    Team.objects.bulk_create(Team(organization=org, name=f"T{n:03d}") for n in range(205))

    for param in ("per_page", "page_size"):
        body = admin_api.get(f"{TEAMS}?{param}=1000").json()
        assert body["per_page"] == 200 and len(body["results"]) == 200 and body["total_pages"] == 2


def test_empty_list_is_one_empty_page(admin_api):
    body = admin_api.get(TEAMS).json()

    assert body == {"count": 0, "page": 1, "per_page": 20, "total_pages": 1, "results": []}


def test_order_by(admin_api, teams):
    body = admin_api.get(f"{TEAMS}?order_by=-name&per_page=3").json()

    assert names(body) == ["Team 044", "Team 043", "Team 042"]


def test_unknown_order_by_field_is_ignored_not_a_500(admin_api, teams):
    response = admin_api.get(f"{TEAMS}?order_by=organization__name")

    assert response.status_code == 200
