"""A saved view's filters are shaped once (``conversations.validators.clean_view_filters``) for
the API and the inbox page; ``saved_view_update`` takes typed settings and checks who may edit."""

from __future__ import annotations

import pytest

from conversations.errors import ConversationError
from conversations.models import SavedView
from conversations.services.saved_views import saved_view_create, saved_view_update


@pytest.mark.parametrize(
    "filters",
    [{"team_id": [2**64]}, {"assignee": ["x"]}, {"priority": ["Whenever"]}, {"weather": "rain"}, ["status"]],
)
def test_malformed_filters_are_a_400_on_the_filters_field(filters, agent_api, org):
    response = agent_api.post("/api/v1/views", {"name": "Mine", "filters": filters}, format="json")
    assert response.status_code == 400, response.content
    assert "filters" in response.json()["fields"]
    assert not SavedView.objects.exists()


def test_filters_are_stored_in_their_clean_shape(agent_api, org):
    response = agent_api.post(
        "/api/v1/views",
        {"name": "  Urgent   ones ", "filters": {"priority": "urgent", "team_id": ["3"], "assignee": "me"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Urgent ones"
    assert response.json()["filters"] == {"priority": ["Urgent"], "team_id": [3], "assignee": "me"}


def test_update_changes_only_what_is_given_and_only_by_the_owner(agent, admin, org):
    view = saved_view_create(actor=agent, name="Mine", filters={"text": "refund"})
    saved_view_update(view=view, actor=agent, name="Refunds")
    view.refresh_from_db()
    assert (view.name, view.filters, view.owner) == ("Refunds", {"text": "refund"}, agent)
    with pytest.raises(ConversationError, match="Only its owner"):
        saved_view_update(view=view, actor=admin, name="Taken over")
