"""The inbox's bulk endpoint answers a bulk change (checked ids or "select all matching") and its
undo with the refreshed list in a fixed number of queries, whatever the size of the selection
(both sizes fill more than a page, so both lists offer "Select all … matching", and both fit one
batch of the activity entries' INSERT: SQLite's batches hold about 45 rows)."""

import pytest
from django.urls import reverse

from conversations.models import Conversation, Priority
from tests.conversations.factories import make_conversation

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "conv-list"}


def post(client, url, data):
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("selection", ["ids", "all_matching"])
def test_bulk_change_and_undo_cost_the_same_queries_for_26_or_40(
    ui_as, agent, org, selection, django_assert_max_num_queries
):
    signed_in = ui_as(agent)

    def data(conversations, priority):
        if selection == "all_matching":
            return {"all_matching": "1", "op": f"priority:{priority}", "list": "tab=all"}
        return {"ids": [c.pk for c in conversations], "op": f"priority:{priority}", "list": "tab=all"}

    few = [make_conversation(org) for _ in range(26)]  # more than a page: "Select all 26 matching"
    post(signed_in, reverse("conversations:bulk"), data(few, "Low"))  # warm: defaults, caches
    with django_assert_max_num_queries(60) as small:
        body = post(signed_in, reverse("conversations:bulk"), data(few, "High"))
    assert "Priority changed on 26 of 26 conversations." in body
    bulk_queries = len(small)  # now: the log is emptied at the next request
    with django_assert_max_num_queries(60) as small_undo:
        assert "Undone on 26 conversations." in post(
            signed_in, reverse("conversations:bulk-undo"), {"list": "tab=all"}
        )
    undo_queries = len(small_undo)

    many = few + [make_conversation(org, tags=["a", "b"]) for _ in range(14)]
    post(signed_in, reverse("conversations:bulk"), data(many, "Low"))
    with django_assert_max_num_queries(bulk_queries):
        body = post(signed_in, reverse("conversations:bulk"), data(many, "Urgent"))
    assert "Priority changed on 40 of 40 conversations." in body
    assert set(Conversation.objects.values_list("priority", flat=True)) == {Priority.URGENT}
    with django_assert_max_num_queries(undo_queries):
        assert "Undone on 40 conversations." in post(
            signed_in, reverse("conversations:bulk-undo"), {"list": "tab=all"}
        )
    assert set(Conversation.objects.values_list("priority", flat=True)) == {Priority.LOW}
