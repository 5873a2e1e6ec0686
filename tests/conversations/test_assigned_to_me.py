"""Libredesk's "assigned to me": a conversation an agent opens with ``agent_id`` = itself and a
round-robin team is listed for that agent; the explicit agent wins over the team's pick."""

import pytest
from rest_framework.test import APIClient

from conversations.models import Conversation
from helpdesk.models import Availability
from helpdesk.services import api_keys
from tests.factories import MembershipFactory, TeamFactory


@pytest.fixture
def round_robin_team(org):
    return TeamFactory(
        organization=org,
        name="Support",
        conversation_assignment_type="round_robin",
        max_auto_assigned_conversations=5,
    )


def libredesk_client(membership):
    key_id, secret = api_keys.agent_api_key_generate(membership=membership)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"token {key_id}:{secret}")
    return client


@pytest.mark.parametrize("agent_in_team", [False, True])
def test_own_conversation_with_a_round_robin_team_is_assigned_to_me(
    org, agent, round_robin_team, agent_in_team
):
    # Someone else in the team is online: round robin would pick them if it ran.
    colleague = MembershipFactory(organization=org, availability_status=Availability.ONLINE)
    colleague.teams.add(round_robin_team)
    if agent_in_team:
        agent.teams.add(round_robin_team)
    client = libredesk_client(agent)

    created = client.post(
        "/api/v1/conversations",
        {
            "subject": "Refund",
            "contact_email": "customer@example.com",
            "content": "Opened on the customer's behalf",
            "agent_id": agent.pk,
            "team_id": round_robin_team.pk,
        },
        format="json",
    )

    assert created.status_code == 201, created.content
    assert created.json()["assigned_user_id"] == agent.pk
    assert created.json()["assigned_team_id"] == round_robin_team.pk
    listed = client.get("/api/v1/conversations/assigned")
    assert listed.status_code == 200
    assert [row["uuid"] for row in listed.json()["results"]] == [created.json()["uuid"]]
    assert not Conversation.objects.filter(assigned_agent=colleague).exists()


def test_without_an_agent_the_round_robin_team_still_picks_one(org, agent, round_robin_team):
    colleague = MembershipFactory(organization=org, availability_status=Availability.ONLINE)
    colleague.teams.add(round_robin_team)

    created = libredesk_client(agent).post(
        "/api/v1/conversations",
        {
            "subject": "Hi",
            "contact_email": "customer@example.com",
            "content": "Hello",
            "team_id": round_robin_team.pk,
        },
        format="json",
    )

    assert created.status_code == 201, created.content
    assert created.json()["assigned_user_id"] == colleague.pk
