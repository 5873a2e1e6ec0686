"""Macros: validation, CRUD, and applying every action type in one transaction."""

from conversations.models import Conversation, Macro
from helpdesk.models import Availability
from tests.factories import MembershipFactory, TeamFactory


def test_apply_runs_every_action(admin_api, agent_api, agent, org, conversation):
    team = TeamFactory(organization=org, name="Escalations")
    agent.teams.add(team)
    macro = admin_api.post(
        "/api/v1/macros",
        {
            "name": "Escalate",
            "actions": [
                {"type": "reply", "value": "Hi {{contact.first_name}}, we are escalating."},
                {"type": "note", "value": "Escalated by macro"},
                {"type": "set_priority", "value": "Urgent"},
                {"type": "add_tags", "value": ["escalated", "vip"]},
                {"type": "remove_tags", "value": ["vip"]},
                {"type": "assign_team", "value": team.pk},
                {"type": "assign_agent", "value": "me"},
                {"type": "set_status", "value": "Snoozed", "snoozed_until": "2h"},
            ],
        },
        format="json",
    )
    assert macro.status_code == 201, macro.content

    applied = agent_api.post(
        f"/api/v1/macros/{macro.json()['id']}/apply",
        {"conversation_uuid": str(conversation.uuid)},
        format="json",
    )

    assert applied.status_code == 200, applied.content
    assert applied.json()["applied"][0] == "reply" and len(applied.json()["applied"]) == 8
    conversation = Conversation.objects.get(pk=conversation.pk)
    assert conversation.priority_name == "Urgent"
    assert [t.name for t in conversation.tags.all()] == ["escalated"]
    assert (conversation.assigned_team, conversation.assigned_agent) == (team, agent)
    assert conversation.status.name == "Snoozed" and conversation.snoozed_until is not None
    reply = conversation.messages.filter(type="outgoing", private=False).get()
    assert reply.text_content == "Hi Ada, we are escalating." and reply.sender_agent == agent
    assert conversation.messages.filter(
        type="outgoing", private=True, text_content="Escalated by macro"
    ).exists()


def test_a_failing_action_rolls_everything_back(admin_api, admin, agent_api, org, conversation):
    macro = Macro.objects.create(
        organization=org,
        name="Broken",
        actions=[
            {"type": "set_priority", "value": "High"},
            {"type": "set_status", "value": "Deleted status"},
        ],
    )
    before = conversation.messages.count()
    response = agent_api.post(
        f"/api/v1/macros/{macro.pk}/apply", {"conversation_uuid": str(conversation.uuid)}, format="json"
    )
    assert response.status_code == 400
    conversation = Conversation.objects.get(pk=conversation.pk)
    assert conversation.priority is None and conversation.messages.count() == before


def test_unassign_actions(admin_api, agent_api, admin, org, conversation):
    team = TeamFactory(organization=org, conversation_assignment_type="manual")
    helper = MembershipFactory(organization=org, availability_status=Availability.ONLINE)
    helper.teams.add(team)
    conversation.assigned_team = team
    conversation.assigned_agent = helper
    conversation.save()
    macro = admin_api.post(
        "/api/v1/macros",
        {"name": "Release", "actions": [{"type": "unassign_agent"}, {"type": "unassign_team"}]},
        format="json",
    ).json()
    assert (
        agent_api.post(
            f"/api/v1/macros/{macro['id']}/apply",
            {"conversation_uuid": str(conversation.uuid)},
            format="json",
        ).status_code
        == 200
    )
    conversation.refresh_from_db()
    assert conversation.assigned_agent is None and conversation.assigned_team is None


def test_invalid_macros_are_refused(admin_api, other_admin, org):
    bad_actions = [
        [],
        [{"type": "explode"}],
        [{"type": "reply", "value": ""}],
        [{"type": "set_status", "value": "Nope"}],
        [{"type": "set_priority", "value": "meh"}],
        [{"type": "add_tags", "value": "vip"}],
        [{"type": "assign_agent", "value": other_admin.pk}],
        [{"type": "assign_team", "value": 999999}],
    ]
    for actions in bad_actions:
        response = admin_api.post("/api/v1/macros", {"name": "Bad", "actions": actions}, format="json")
        assert response.status_code == 400, (actions, response.content)
    assert not Macro.objects.exists()


def test_macro_crud_roles(admin_api, agent_api):
    created = admin_api.post(
        "/api/v1/macros",
        {"name": "Close", "actions": [{"type": "set_status", "value": "Closed"}]},
        format="json",
    )
    pk = created.json()["id"]
    assert agent_api.get("/api/v1/macros").json()["count"] == 1
    assert agent_api.put(f"/api/v1/macros/{pk}", {"name": "Mine"}, format="json").status_code == 403
    assert (
        admin_api.post(
            "/api/v1/macros", {"name": "close", "actions": [{"type": "unassign_agent"}]}, format="json"
        ).status_code
        == 409
    )
    assert (
        admin_api.put(f"/api/v1/macros/{pk}", {"description": "Closes it"}, format="json").json()[
            "description"
        ]
        == "Closes it"
    )
    assert admin_api.delete(f"/api/v1/macros/{pk}").status_code == 204


def test_apply_to_unknown_conversation_is_404(admin_api, other_conversation):
    macro = admin_api.post(
        "/api/v1/macros",
        {"name": "Close", "actions": [{"type": "set_status", "value": "Closed"}]},
        format="json",
    ).json()
    response = admin_api.post(
        f"/api/v1/macros/{macro['id']}/apply",
        {"conversation_uuid": str(other_conversation.uuid)},
        format="json",
    )
    assert response.status_code == 404
    other_conversation.refresh_from_db()
    assert other_conversation.status.name == "Open"
