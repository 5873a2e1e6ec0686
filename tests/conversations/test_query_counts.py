"""Lists and the detail cost a constant number of queries whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conversations.services import assignment, conversations, merge, messages
from tests.conversations.factories import SLAPolicyFactory, make_conversation
from tests.factories import MembershipFactory, TeamFactory


def queries(client, url) -> int:
    """Queries of one request (after a first one, which also records the key's last use)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def populate(org, admin, count, start=0):
    """Conversations with everything a row shows: contact, team, agent, tags, an SLA policy,
    read states; the first one of each call merged into the next."""
    if start == 0:
        SLAPolicyFactory(organization=org)
    team = TeamFactory(organization=org, name=f"Team {start}")
    for index in range(start, start + count):
        agent = MembershipFactory(organization=org)
        conversation = make_conversation(
            org, email=f"c{index}@example.com", priority="High", tags=["a", f"t{index}"]
        )
        assignment.conversation_assign_team(conversation=conversation, team=team, actor=admin)
        assignment.conversation_assign_agent(conversation=conversation, agent=agent, actor=admin)
        messages.message_create(conversation=conversation, content="reply", actor=admin)
        conversations.conversation_mark_seen(conversation=conversation, membership=agent)
    first, second = (
        make_conversation(org, email=f"m{start}@example.com"),
        make_conversation(org, email=f"m{start}@example.com"),
    )
    merge.conversation_merge(source=first, target=second, actor=admin)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/conversations/all?per_page=100",
        "/api/v1/conversations/unassigned?per_page=100",
        "/api/v1/conversations/all?per_page=100&status=Open&priority=High&tags=a&order_by=-priority",
        "/api/v1/tickets?per_page=100",
        "/api/v1/contacts?per_page=100",
        "/api/v1/conversations/search?query=Help&per_page=100",
        "/api/v1/messages/search?query=reply&per_page=100",
    ],
)
def test_list_queries_do_not_grow_with_the_page(admin_api, admin, org, url):
    populate(org, admin, 2)
    small = queries(admin_api, url)
    populate(org, admin, 15, start=2)
    assert queries(admin_api, url) == small


def test_conversation_list_query_budget(admin_api, admin, org):
    populate(org, admin, 10)
    # key lookup, count, page, tags, read states, unread counts, policy names, merge targets
    assert queries(admin_api, "/api/v1/conversations/all?per_page=100") <= 8


def test_detail_and_thread_queries_do_not_grow(admin_api, admin, org):
    small = make_conversation(org, email="ada@example.com")
    big = make_conversation(org, email="bob@example.com", tags=["x", "y", "z"])
    for index in range(8):
        make_conversation(org, email="bob@example.com")
        messages.message_create(conversation=big, content=f"reply {index}", actor=admin)
        messages.message_create(conversation=big, content=f"note {index}", actor=admin, private=True)
    detail_small = queries(admin_api, f"/api/v1/conversations/{small.uuid}")
    assert queries(admin_api, f"/api/v1/conversations/{big.uuid}") == detail_small
    assert detail_small <= 7
    thread_small = queries(admin_api, f"/api/v1/conversations/{small.uuid}/messages?per_page=100")
    assert queries(admin_api, f"/api/v1/conversations/{big.uuid}/messages?per_page=100") == thread_small
