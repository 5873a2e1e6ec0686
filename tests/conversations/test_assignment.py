"""Assignment to agents and teams, and round robin: fairness, availability, caps."""

from collections import Counter

import pytest

from conversations.models import Conversation
from conversations.services import assignment, lifecycle
from helpdesk.models import Availability
from tests.conversations.factories import make_conversation
from tests.factories import MembershipFactory, TeamFactory


def member(org, team, email, availability=Availability.ONLINE, **kwargs):
    membership = MembershipFactory(
        organization=org, user__email=email, availability_status=availability, **kwargs
    )
    membership.teams.add(team)
    return membership


@pytest.fixture
def team(org):
    return TeamFactory(organization=org, name="Support", conversation_assignment_type="round_robin")


def test_round_robin_spreads_evenly_over_online_agents_and_skips_away_ones(org, team):
    agents = [member(org, team, f"a{i}@acme.test") for i in range(3)]
    away = member(org, team, "away@acme.test", availability=Availability.AWAY)
    offline = member(org, team, "off@acme.test", availability=Availability.OFFLINE)
    disabled = member(org, team, "gone@acme.test", is_active=False)

    created = [make_conversation(org, team=team) for _ in range(9)]

    owners = Counter(Conversation.objects.get(pk=c.pk).assigned_agent_id for c in created)
    assert owners == {agent.pk: 3 for agent in agents}
    assert not {away.pk, offline.pk, disabled.pk} & set(owners)
    # strict rotation: consecutive conversations go to different agents
    sequence = [Conversation.objects.get(pk=c.pk).assigned_agent_id for c in created]
    assert sequence[:3] == [a.pk for a in agents] and sequence[3:6] == sequence[:3]


def test_round_robin_respects_each_agents_cap(org, team):
    team.max_auto_assigned_conversations = 2
    team.save()
    first, second = member(org, team, "one@acme.test"), member(org, team, "two@acme.test")

    created = [make_conversation(org, team=team) for _ in range(5)]

    owners = Counter(Conversation.objects.get(pk=c.pk).assigned_agent_id for c in created)
    assert owners == {first.pk: 2, second.pk: 2, None: 1}  # the fifth waits with the team


def test_a_resolved_conversation_frees_capacity_and_the_beat_job_assigns_the_waiting_one(org, team, admin):
    team.max_auto_assigned_conversations = 1
    team.save()
    only = member(org, team, "only@acme.test")
    busy = make_conversation(org, team=team)
    waiting = make_conversation(org, team=team)
    assert Conversation.objects.get(pk=waiting.pk).assigned_agent is None

    lifecycle.conversation_set_status(conversation=busy, status="Resolved", actor=admin)
    assert assignment.auto_assign_pending() == 1

    assert Conversation.objects.get(pk=waiting.pk).assigned_agent == only


def test_an_agent_coming_online_gets_waiting_conversations(org, team):
    late = member(org, team, "late@acme.test", availability=Availability.AWAY)
    waiting = make_conversation(org, team=team)
    assert assignment.auto_assign_pending() == 0
    late.availability_status = Availability.ONLINE
    late.save()
    from conversations import tasks

    assert tasks.auto_assign.delay().get() == 1
    assert Conversation.objects.get(pk=waiting.pk).assigned_agent == late


def test_away_and_reassigning_agents_give_their_conversations_back(org, team):
    leaving = member(org, team, "leaving@acme.test")
    conversation = make_conversation(org, team=team)
    assert Conversation.objects.get(pk=conversation.pk).assigned_agent == leaving
    staying = member(org, team, "staying@acme.test")
    leaving.availability_status = Availability.AWAY_AND_REASSIGNING
    leaving.save()

    assignment.auto_assign_pending()

    assert Conversation.objects.get(pk=conversation.pk).assigned_agent == staying


def test_manual_teams_never_auto_assign(org):
    team = TeamFactory(organization=org, conversation_assignment_type="manual")
    member(org, team, "m@acme.test")
    conversation = make_conversation(org, team=team)
    assert Conversation.objects.get(pk=conversation.pk).assigned_agent is None
    assert assignment.auto_assign_pending() == 0


def test_changing_team_unassigns_an_agent_who_is_not_a_member(org, admin):
    first = TeamFactory(organization=org, name="First")
    second = TeamFactory(organization=org, name="Second")
    agent = member(org, first, "first@acme.test")
    conversation = make_conversation(org, agent=agent, team=first)
    assignment.conversation_assign_team(conversation=conversation, team=second, actor=admin)
    conversation.refresh_from_db()
    assert conversation.assigned_team == second and conversation.assigned_agent is None


def test_assignment_api(org, agent_api, agent, conversation):
    team = TeamFactory(organization=org, name="Billing")
    url = f"/api/v1/conversations/{conversation.uuid}"

    response = agent_api.put(f"{url}/assignee/user", {"assignee_id": agent.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["assigned_user_id"] == agent.pk
    assert agent_api.get("/api/v1/conversations/assigned").json()["count"] == 1

    response = agent_api.put(f"{url}/assignee/team", {"assignee_id": team.pk}, format="json")
    assert response.json()["assigned_team_id"] == team.pk
    assert response.json()["assigned_user_id"] is None  # the agent is not in Billing

    assert agent_api.get(f"/api/v1/teams/{team.pk}/conversations/unassigned").json()["count"] == 1
    assert agent_api.put(f"{url}/assignee/team/remove").json()["assigned_team_id"] is None
    agent_api.put(f"{url}/assignee/user", {"assignee_id": agent.pk}, format="json")
    assert agent_api.put(f"{url}/assignee/user/remove").json()["assigned_user_id"] is None

    actions = list(conversation.messages.filter(type="activity").values_list("meta__action", flat=True))
    assert (
        actions.count("assigned_agent") == 2 and "unassigned_agent" in actions and "assigned_team" in actions
    )


def test_assignment_refuses_unknown_and_disabled_agents(org, agent_api, conversation, other_admin):
    url = f"/api/v1/conversations/{conversation.uuid}/assignee/user"
    assert agent_api.put(url, {"assignee_id": other_admin.pk}, format="json").status_code == 404
    disabled = MembershipFactory(organization=org, is_active=False)
    assert agent_api.put(url, {"assignee_id": disabled.pk}, format="json").status_code == 400
    assert agent_api.put(url, {"assignee_id": "x"}, format="json").status_code == 400
    conversation.refresh_from_db()
    assert conversation.assigned_agent is None
    assert (
        agent_api.put(
            f"/api/v1/conversations/{conversation.uuid}/assignee/team", {"assignee_id": 999999}, format="json"
        ).status_code
        == 404
    )


def test_participants_are_agents_who_wrote_or_were_assigned(org, admin_api, admin, agent, conversation):
    assignment.conversation_assign_agent(conversation=conversation, agent=agent, actor=admin)
    admin_api.post(
        f"/api/v1/conversations/{conversation.uuid}/messages",
        {"message": "note", "private": True},
        format="json",
    )
    response = admin_api.get(f"/api/v1/conversations/{conversation.uuid}/participants")
    assert response.status_code == 200
    assert {p["id"] for p in response.json()} == {agent.pk, admin.pk}
    assert {"first_name", "last_name", "avatar_url"} <= set(response.json()[0])
