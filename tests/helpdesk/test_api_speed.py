"""Speed at scale (issue 14) without losing correctness: the API-key lookup is cached a few
seconds yet revocation and deactivation take effect at once; a large list reuses its count for a
few seconds, each list (organization, filters) under its own key."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from helpdesk.models import ApiKey
from helpdesk.services import api_keys
from tests.conversations.factories import make_conversation

ME = "/api/v1/agents/me"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def key_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, sum('FROM "helpdesk_apikey"' in q["sql"] for q in queries.captured_queries)


def test_a_cached_key_is_not_looked_up_again(admin_api):
    assert key_queries(admin_api, ME) == (200, 1)
    assert key_queries(admin_api, ME) == (200, 0)


def test_a_wrong_secret_is_refused_even_when_the_key_is_cached(admin_api):
    assert admin_api.get(ME).status_code == 200
    key_id = admin_api.full_key.split(".")[0]
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Bearer {key_id}.not-the-secret")
    assert stranger.get(ME).status_code == 401


def test_revocation_takes_effect_although_the_key_was_cached(admin_api):
    assert admin_api.get(ME).status_code == 200
    api_keys.api_key_revoke(api_key=ApiKey.objects.get(key_id=admin_api.full_key.split(".")[0]))
    assert admin_api.get(ME).status_code == 401


def test_a_deactivated_member_is_refused_although_the_key_was_cached(admin_api, admin):
    assert admin_api.get(ME).status_code == 200
    admin.is_active = False
    admin.save()
    assert admin_api.get(ME).status_code == 401


def test_a_deactivated_user_is_refused_although_the_key_was_cached(admin_api, admin):
    assert admin_api.get(ME).status_code == 200
    admin.user.is_active = False
    admin.user.save()
    assert admin_api.get(ME).status_code == 401


def test_a_regenerated_agent_pair_stops_the_cached_old_one(agent):
    key_id, secret = api_keys.agent_api_key_generate(membership=agent)
    old = APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"token {key_id}:{secret}")
    assert old.get(ME).status_code == 200
    api_keys.agent_api_key_generate(membership=agent)  # revokes by a queryset update
    assert old.get(ME).status_code == 401


def count_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["count"], sum("COUNT(*)" in q["sql"] for q in queries.captured_queries)


def test_a_large_list_reuses_its_count_and_a_small_one_is_exact(admin_api, settings, org):
    settings.API_COUNT_CACHE_MIN = 3
    for _ in range(3):
        make_conversation(org)
    assert count_queries(admin_api, "/api/v1/conversations/all?per_page=2") == (3, 1)
    make_conversation(org)
    # reused for API_COUNT_CACHE_SECONDS: no COUNT(*), the figure of a moment ago
    assert count_queries(admin_api, "/api/v1/conversations/all?per_page=2") == (3, 0)
    # another list (a filter) has a count of its own
    assert count_queries(admin_api, "/api/v1/conversations/all?per_page=2&status=Resolved")[1] == 1
    settings.API_COUNT_CACHE_SECONDS = 0
    assert count_queries(admin_api, "/api/v1/conversations/all?per_page=2") == (4, 1)


def test_the_count_of_one_organization_is_never_another_s(admin_api, other_api, org, other_org, settings):
    settings.API_COUNT_CACHE_MIN = 1
    for _ in range(3):
        make_conversation(org)
    make_conversation(other_org)
    assert count_queries(admin_api, "/api/v1/conversations/all")[0] == 3
    assert count_queries(other_api, "/api/v1/conversations/all")[0] == 1
