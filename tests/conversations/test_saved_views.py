"""Saved views: personal and shared filters, and their conversations."""

from conversations.models import SavedView
from conversations.services import assignment
from tests.conversations.factories import make_conversation
from tests.factories import MembershipFactory


def test_personal_view_with_filters_lists_matching_conversations(agent_api, agent, admin, org):
    urgent_mine = make_conversation(org, subject="urgent mine", priority="Urgent", tags=["vip"])
    assignment.conversation_assign_agent(conversation=urgent_mine, agent=agent, actor=admin)
    make_conversation(org, subject="urgent loose", priority="Urgent")
    make_conversation(org, subject="low mine", priority="Low")

    created = agent_api.post(
        "/api/v1/views",
        {"name": "My urgent", "filters": {"priority": ["urgent"], "assignee": "me", "tags": ["VIP"]}},
        format="json",
    )
    assert created.status_code == 201, created.content
    view = created.json()
    assert view["visibility"] == "user" and view["user_id"] == agent.pk
    assert view["filters"] == {"priority": ["Urgent"], "assignee": "me", "tags": ["VIP"]}

    listed = agent_api.get(f"/api/v1/views/{view['id']}/conversations")
    assert listed.status_code == 200
    assert [c["subject"] for c in listed.json()["results"]] == ["urgent mine"]


def test_text_filter_and_extra_query_filters(agent_api, org):
    make_conversation(org, subject="Refund for order 12", priority="High")
    make_conversation(org, subject="Refund again", priority="Low")
    view = agent_api.post(
        "/api/v1/views", {"name": "Refunds", "filters": {"text": "refund"}}, format="json"
    ).json()
    url = f"/api/v1/views/{view['id']}/conversations"
    assert agent_api.get(url).json()["count"] == 2
    assert [c["subject"] for c in agent_api.get(f"{url}?priority=High").json()["results"]] == [
        "Refund for order 12"
    ]


def test_personal_views_are_private_and_shared_views_are_for_admins(
    api_for, agent_api, admin_api, agent, org
):
    mine = agent_api.post("/api/v1/views", {"name": "Mine"}, format="json").json()
    colleague = api_for(MembershipFactory(organization=org))
    assert colleague.get(f"/api/v1/views/{mine['id']}").status_code == 404
    assert (
        colleague.put(f"/api/v1/views/{mine['id']}", {"name": "Hijacked"}, format="json").status_code == 404
    )

    assert (
        agent_api.post("/api/v1/views", {"name": "Team", "visibility": "all"}, format="json").status_code
        == 403
    )
    shared = admin_api.post("/api/v1/views", {"name": "Team", "visibility": "all"}, format="json")
    assert shared.status_code == 201 and shared.json()["user_id"] is None
    assert {v["name"] for v in colleague.get("/api/v1/views").json()["results"]} == {"Team"}
    assert (
        agent_api.put(f"/api/v1/views/{shared.json()['id']}", {"name": "Renamed"}, format="json").status_code
        == 403
    )
    assert agent_api.delete(f"/api/v1/views/{mine['id']}").status_code == 204
    assert set(SavedView.objects.values_list("name", flat=True)) == {"Team"}


def test_bad_filters_are_refused(agent_api):
    for filters in (
        {"colour": ["red"]},
        {"priority": ["meh"]},
        {"team_id": ["x"]},
        {"assignee": "someone"},
        "oops",
    ):
        assert (
            agent_api.post("/api/v1/views", {"name": "Bad", "filters": filters}, format="json").status_code
            == 400
        )
    assert not SavedView.objects.exists()
