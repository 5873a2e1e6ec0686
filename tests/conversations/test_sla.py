"""SLA policies applied to conversations: deadlines, at-risk and breached, the beat check, the
overview endpoint, and the settings API."""

from datetime import UTC, datetime, timedelta

import pytest

from conversations.models import SLABreach
from conversations.services import assignment, conversations, lifecycle, messages, sla, sla_breaches
from conversations.services.sla import sla_status_of
from tests.conversations.factories import BusinessHoursFactory, SLAPolicyFactory, make_conversation
from tests.factories import MembershipFactory, TeamFactory


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def office(org):
    return BusinessHoursFactory(organization=org)


def test_team_policy_deadlines_count_business_hours_only(org, office, clock):
    policy = SLAPolicyFactory(organization=org, first_response_minutes=60, resolution_minutes=480)
    team = TeamFactory(organization=org, sla_policy=policy, business_hours=office)
    clock.set(utc(2025, 1, 17, 16, 30))  # Friday 16:30, office closes at 17:00

    conversation = make_conversation(org, team=team)

    conversation.refresh_from_db()
    assert conversation.sla_policy == policy
    assert conversation.first_response_deadline_at == utc(2025, 1, 20, 9, 30)  # Monday
    # 480 min = 30 on Friday + 450 from Monday 09:00 → Monday 16:30
    assert conversation.resolution_deadline_at == utc(2025, 1, 20, 16, 30)
    assert conversation.sla_next_deadline_at == utc(2025, 1, 20, 9, 30)
    # at risk with 30 min left (20 % of 60 is less than 30): 30 business minutes after creation
    assert conversation.sla_at_risk_at == utc(2025, 1, 17, 17, 0)


def test_policy_by_condition_follows_priority_changes(org, admin, clock):
    urgent = SLAPolicyFactory(
        organization=org,
        name="Urgent",
        position=0,
        conditions={"priority": ["Urgent"]},
        first_response_minutes=15,
        next_response_minutes=None,
        resolution_minutes=None,
    )
    default = SLAPolicyFactory(
        organization=org,
        name="Default",
        position=1,
        conditions={},
        first_response_minutes=240,
        next_response_minutes=None,
        resolution_minutes=None,
    )
    conversation = make_conversation(org, priority="Low")
    assert conversation.sla_policy == default
    assert conversation.first_response_deadline_at == clock.now + timedelta(minutes=240)

    conversations.conversation_set_priority(conversation=conversation, priority="Urgent", actor=admin)

    conversation.refresh_from_db()
    assert conversation.sla_policy == urgent
    assert conversation.first_response_deadline_at == conversation.created_at + timedelta(minutes=15)


def test_inactive_or_non_matching_policies_apply_nothing(org):
    SLAPolicyFactory(organization=org, conditions={"channel": ["email"]})
    SLAPolicyFactory(organization=org, conditions={}, is_active=False)
    conversation = make_conversation(org)
    assert conversation.sla_policy is None
    assert conversation.sla_next_deadline_at is None


def test_first_reply_meets_the_first_response_target_and_next_response_starts_on_contact_reply(
    org, admin, clock
):
    SLAPolicyFactory(
        organization=org, first_response_minutes=60, next_response_minutes=30, resolution_minutes=600
    )
    conversation = make_conversation(org)
    created = clock.now

    clock.advance(minutes=20)
    messages.message_create(conversation=conversation, content="On it!", actor=admin)
    conversation.refresh_from_db()
    assert conversation.first_reply_at == clock.now
    assert conversation.next_response_deadline_at is None
    assert conversation.sla_next_deadline_at == created + timedelta(minutes=600)  # only resolution pending

    clock.advance(minutes=40)
    messages.message_create(
        conversation=conversation, content="Still broken", actor=None, sender_type="contact"
    )
    conversation.refresh_from_db()
    assert conversation.waiting_since == clock.now
    assert conversation.next_response_deadline_at == clock.now + timedelta(minutes=30)
    assert conversation.sla_next_deadline_at == clock.now + timedelta(minutes=30)

    clock.advance(minutes=10)
    messages.message_create(conversation=conversation, content="Fixed", actor=admin)
    conversation.refresh_from_db()
    assert conversation.next_response_met_at == clock.now
    assert conversation.waiting_since is None


def test_resolving_stops_the_clocks(org, admin):
    SLAPolicyFactory(organization=org)
    conversation = make_conversation(org)
    assert conversation.sla_next_deadline_at is not None
    lifecycle.conversation_set_status(conversation=conversation, status="Resolved", actor=admin)
    conversation.refresh_from_db()
    assert conversation.sla_next_deadline_at is None
    assert sla_status_of(conversation) is None


def test_status_moves_from_on_track_to_at_risk_to_breached(org, clock):
    SLAPolicyFactory(
        organization=org, first_response_minutes=100, next_response_minutes=None, resolution_minutes=None
    )
    conversation = make_conversation(org)
    start = clock.now
    assert sla_status_of(conversation, now=start + timedelta(minutes=69)) == "on_track"
    # 30 minutes (more than 20 % of 100) left → at risk from minute 70
    assert sla_status_of(conversation, now=start + timedelta(minutes=70)) == "at_risk"
    assert sla_status_of(conversation, now=start + timedelta(minutes=100)) == "breached"


def test_breach_check_records_each_miss_once_and_emits_sla_breached(
    org, clock, capture_events, django_capture_on_commit_callbacks
):
    SLAPolicyFactory(
        organization=org, first_response_minutes=60, next_response_minutes=None, resolution_minutes=120
    )
    conversation = make_conversation(org)
    clock.advance(minutes=61)

    with django_capture_on_commit_callbacks(execute=True):
        assert sla_breaches.sla_check_due() == 1
        assert sla_breaches.sla_check_due() == 0  # idempotent

    breaches = SLABreach.objects.filter(conversation=conversation)
    assert [b.metric for b in breaches] == ["first_response"]
    breached_events = [payload for name, payload in capture_events if name == "sla.breached"]
    assert len(breached_events) == 1
    assert breached_events[0]["metric"] == "first_response"
    assert breached_events[0]["uuid"] == str(conversation.uuid)
    assert conversation.messages.filter(type="activity", meta__action="sla_breached").count() == 1

    clock.advance(minutes=60)
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_breaches.sla_check_due() == 1  # now the resolution target too
    assert SLABreach.objects.filter(conversation=conversation).count() == 2


def test_breach_check_ignores_resolved_conversations(org, admin, clock):
    SLAPolicyFactory(organization=org, first_response_minutes=10)
    conversation = make_conversation(org)
    lifecycle.conversation_set_status(conversation=conversation, status="Closed", actor=admin)
    clock.advance(hours=5)
    assert sla_breaches.sla_check_due() == 0
    assert not SLABreach.objects.exists()


def test_sla_task_runs_the_check(org, clock):
    from conversations import tasks

    SLAPolicyFactory(organization=org, first_response_minutes=5)
    make_conversation(org)
    clock.advance(minutes=10)
    assert tasks.sla_check.delay().get() == 1


def test_sla_status_endpoint_counts_and_lists_conversations(org, admin_api, clock):
    SLAPolicyFactory(
        organization=org, first_response_minutes=100, next_response_minutes=None, resolution_minutes=None
    )
    breached = make_conversation(org, subject="late")
    clock.advance(minutes=40)
    at_risk = make_conversation(org, subject="soon")
    clock.advance(minutes=40)
    on_track = make_conversation(org, subject="fresh")
    make_conversation(org, subject="also fresh")
    clock.advance(minutes=30)  # ages: 110 min (breached), 70 (at risk from 70), 30 and 30 (on track)

    response = admin_api.get("/api/v1/sla/status")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["on_track"], body["at_risk"], body["breached"]) == (2, 1, 1)
    assert [c["uuid"] for c in body["conversations"]["breached"]] == [str(breached.uuid)]
    assert [c["uuid"] for c in body["conversations"]["at_risk"]] == [str(at_risk.uuid)]
    assert str(on_track.uuid) in {c["uuid"] for c in body["conversations"]["on_track"]}

    listed = admin_api.get("/api/v1/conversations/all?order_by=next_sla_deadline_at").json()["results"]
    assert listed[0]["uuid"] == str(breached.uuid)
    assert listed[0]["sla_status"] == "breached"
    assert listed[1]["sla_status"] == "at_risk"


def test_sla_status_filters_and_bad_parameters(org, admin_api, admin):
    SLAPolicyFactory(organization=org)
    team = TeamFactory(organization=org)
    conversation = make_conversation(org)
    make_conversation(org)
    assignment.conversation_assign_team(conversation=conversation, team=team, actor=admin)
    body = admin_api.get(f"/api/v1/sla/status?team_id={team.pk}").json()
    assert body["on_track"] + body["at_risk"] + body["breached"] == 1
    assert admin_api.get("/api/v1/sla/status?limit=abc").status_code == 400


# --- settings API ------------------------------------------------------------------------------


def test_business_hours_crud_and_validation(admin_api, org):
    body = {
        "name": "Paris office",
        "timezone": "Europe/Paris",
        "hours": {
            "Monday": {"open": "09:00", "close": "18:00"},
            "tuesday": [{"open": "09:00", "close": "18:00"}],
        },
        "holidays": [{"date": "2025-12-25", "name": "Noël"}],
    }
    created = admin_api.post("/api/v1/business-hours", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["hours"]["monday"] == [{"open": "09:00", "close": "18:00"}]
    pk = created.json()["id"]

    bad = admin_api.put(
        f"/api/v1/business-hours/{pk}",
        {"hours": {"monday": {"open": "18:00", "close": "09:00"}}},
        format="json",
    )
    assert bad.status_code == 400
    assert (
        admin_api.put(f"/api/v1/business-hours/{pk}", {"timezone": "Nowhere/Land"}, format="json").status_code
        == 400
    )
    updated = admin_api.put(f"/api/v1/business-hours/{pk}", {"is_always_open": True}, format="json")
    assert updated.status_code == 200 and updated.json()["is_always_open"] is True
    assert admin_api.get("/api/v1/business-hours").json()["count"] == 1
    assert admin_api.delete(f"/api/v1/business-hours/{pk}").status_code == 204


def test_sla_policy_crud_and_validation(admin_api, org):
    office = BusinessHoursFactory(organization=org)
    created = admin_api.post(
        "/api/v1/sla-policies",
        {
            "name": "Gold",
            "first_response_minutes": 30,
            "conditions": {"priority": ["high"]},
            "business_hours_id": office.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["conditions"] == {"priority": ["High"]}
    assert created.json()["business_hours_id"] == office.pk
    pk = created.json()["id"]
    assert admin_api.post("/api/v1/sla-policies", {"name": "Empty"}, format="json").status_code == 400
    assert (
        admin_api.post(
            "/api/v1/sla-policies",
            {"name": "X", "first_response_minutes": 5, "conditions": {"weather": "rain"}},
            format="json",
        ).status_code
        == 400
    )
    assert (
        admin_api.put(f"/api/v1/sla-policies/{pk}", {"resolution_minutes": 0}, format="json").status_code
        == 400
    )
    assert (
        admin_api.put(f"/api/v1/sla-policies/{pk}", {"is_active": False}, format="json").json()["is_active"]
        is False
    )
    assert admin_api.delete(f"/api/v1/sla-policies/{pk}").status_code == 204


def test_agents_read_sla_settings_but_only_admins_change_them(agent_api, org):
    policy = SLAPolicyFactory(organization=org)
    assert agent_api.get("/api/v1/sla-policies").status_code == 200
    assert (
        agent_api.put(f"/api/v1/sla-policies/{policy.pk}", {"name": "Mine"}, format="json").status_code == 403
    )
    policy.refresh_from_db()
    assert policy.name != "Mine"


def test_deleting_a_policy_clears_its_deadlines(org):
    policy = SLAPolicyFactory(organization=org)
    conversation = make_conversation(org)
    sla.sla_policy_delete(policy=policy)
    conversation.refresh_from_db()
    assert conversation.sla_policy is None and conversation.sla_next_deadline_at is None


def test_team_api_takes_business_hours_and_policy_of_the_same_organization(admin_api, org, other_org):
    office = BusinessHoursFactory(organization=org)
    policy = SLAPolicyFactory(organization=org)
    foreign_policy = SLAPolicyFactory(organization=other_org)
    created = admin_api.post(
        "/api/v1/teams",
        {"name": "Tier 1", "business_hours_id": office.pk, "sla_policy_id": policy.pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert (created.json()["business_hours_id"], created.json()["sla_policy_id"]) == (office.pk, policy.pk)
    team_id = created.json()["id"]

    refused = admin_api.put(f"/api/v1/teams/{team_id}", {"sla_policy_id": foreign_policy.pk}, format="json")
    assert refused.status_code == 400
    assert admin_api.get(f"/api/v1/teams/{team_id}").json()["sla_policy_id"] == policy.pk
    cleared = admin_api.put(f"/api/v1/teams/{team_id}", {"sla_policy_id": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["sla_policy_id"] is None


def test_agent_of_team_membership_is_irrelevant_to_policy(org, admin):
    """A team's policy applies whoever the agent is."""
    policy = SLAPolicyFactory(organization=org, first_response_minutes=5)
    team = TeamFactory(organization=org, sla_policy=policy)
    member = MembershipFactory(organization=org)
    conversation = make_conversation(org, agent=member, team=team)
    assert conversation.sla_policy == policy
