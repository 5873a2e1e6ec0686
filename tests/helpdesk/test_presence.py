"""Presence: heartbeats make an agent online or (idle) away, a manual away holds, no heartbeat
or signing out makes them offline; round robin serves only agents whose pages are alive; the
user menu's toggle; each change is pushed to the organization's agents."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conversations.models import Conversation
from helpdesk import realtime
from helpdesk.models import Availability, Membership
from helpdesk.services import presence
from tests.conversations.factories import make_conversation
from tests.factories import MembershipFactory, TeamFactory


@pytest.fixture
def pushed(monkeypatch):
    seen = []
    original = realtime.publish

    def record(**kwargs):
        seen.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(realtime, "publish", record)
    return seen


def status(member):
    return Membership.objects.get(pk=member.pk).availability_status


def test_heartbeat_online_then_idle_away_then_back(agent, pushed):
    presence.presence_heartbeat(membership=agent, idle=False)
    assert status(agent) == Availability.ONLINE and agent.last_seen_at is not None
    presence.presence_heartbeat(membership=agent, idle=True)
    assert status(agent) == Availability.AWAY
    presence.presence_heartbeat(membership=agent, idle=False)
    assert status(agent) == Availability.ONLINE
    changes = [p["data"]["status"] for p in pushed if p["event"] == "presence.changed"]
    assert changes == ["online", "away", "online"]
    assert pushed[0]["topics"] == [f"org:{agent.organization_id}"] and pushed[0]["durable"] is False


def test_a_manual_away_holds_against_heartbeats_until_online_is_chosen(agent):
    presence.presence_choose(membership=agent, choice="away")
    presence.presence_heartbeat(membership=agent, idle=False)
    assert status(agent) == Availability.AWAY_MANUAL
    presence.presence_choose(membership=agent, choice="online")
    assert status(agent) == Availability.ONLINE
    with pytest.raises(presence.PresenceError):
        presence.presence_choose(membership=agent, choice="busy")


def test_sweep_takes_silent_pages_offline_and_leaves_api_set_availability(org, agent, settings):
    settings.PRESENCE_OFFLINE_SECONDS = 90
    presence.presence_heartbeat(membership=agent, idle=False)
    api_set = MembershipFactory(organization=org, availability_status=Availability.ONLINE)
    assert presence.presence_sweep(now=timezone.now() + timedelta(seconds=30)) == 0
    assert presence.presence_sweep(now=timezone.now() + timedelta(seconds=120)) == 1
    assert status(agent) == Availability.OFFLINE and status(api_set) == Availability.ONLINE


def test_round_robin_skips_an_online_agent_whose_page_went_quiet(org, settings):
    settings.PRESENCE_OFFLINE_SECONDS = 90
    team = TeamFactory(organization=org, name="Support", conversation_assignment_type="round_robin")
    quiet = MembershipFactory(organization=org, user__email="quiet@acme.test")
    alive = MembershipFactory(organization=org, user__email="alive@acme.test")
    for member in (quiet, alive):
        member.teams.add(team)
        presence.presence_heartbeat(membership=member, idle=False)
    Membership.objects.filter(pk=quiet.pk).update(last_seen_at=timezone.now() - timedelta(minutes=5))
    conversations = [make_conversation(org, team=team) for _ in range(2)]
    owners = {Conversation.objects.get(pk=c.pk).assigned_agent_id for c in conversations}
    assert owners == {alive.pk}
    presence.presence_heartbeat(membership=alive, idle=True)  # idle: away, no more auto-assignments
    assert Conversation.objects.get(pk=make_conversation(org, team=team).pk).assigned_agent_id is None


def test_ui_heartbeat_toggle_and_sign_out(agent, ui_as):
    client = ui_as(agent)
    assert client.post("/presence/heartbeat/", {"idle": "0"}).json() == {
        "status": "online",
        "label": "Online",
    }
    assert client.post("/presence/heartbeat/", {"idle": "1"}).json()["status"] == "away"
    answer = client.post("/presence/", {"status": "away"}, HTTP_ACCEPT="application/json")
    assert answer.json() == {"status": "away_manual", "label": "Away"}
    assert client.post("/presence/", {"status": "nap"}, HTTP_ACCEPT="application/json").status_code == 400
    assert client.post("/presence/", {"status": "online", "next": "https://evil.test/"})["Location"] == "/"
    client.post("/logout/")
    assert status(agent) == Availability.OFFLINE


def test_the_stream_refuses_a_colleagues_agent_topic(org, agent, admin, ui_as):
    refused = ui_as(agent).get(f"/realtime/stream?topics=agent:{admin.pk}")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
