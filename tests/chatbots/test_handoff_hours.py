"""The hand-off notice follows the team's business hours, or the organization's default ones
when the team has none (or there is no team); with neither, a person is always "coming
shortly". The clock is fixed. Admins set the default in ``account/settings``."""

from datetime import datetime

import pytest

from chatbots.services.handoff import conversation_request_human
from conversations.models import Message
from tests.conversations.factories import BusinessHoursFactory, make_conversation
from tests.factories import TeamFactory

WEDNESDAY_10 = datetime.fromisoformat("2026-12-02T10:00:00+00:00")
SATURDAY_10 = datetime.fromisoformat("2026-12-05T10:00:00+00:00")
FRIDAY_18_UTC = datetime.fromisoformat("2026-12-04T18:00:00+00:00")


def notice_after_handoff(conversation, now) -> str:
    conversation_request_human(conversation=conversation, now=now)
    return (
        Message.objects.exclude(type="activity")
        .get(conversation=conversation, sender_type="system", private=False)
        .text_content
    )


@pytest.fixture
def office(org):
    return BusinessHoursFactory(organization=org, name="Office")


@pytest.mark.parametrize(
    ("now", "expected"),
    [(WEDNESDAY_10, "shortly"), (SATURDAY_10, "back on Monday at 09:00 (UTC)")],
)
def test_the_organizations_default_hours_serve_a_conversation_without_a_team(org, office, now, expected):
    org.default_business_hours = office
    org.save()
    conversation = make_conversation(org, content="Is anyone there?")

    assert expected in notice_after_handoff(conversation, now)


def test_a_team_without_hours_uses_the_default_in_its_time_zone(org):
    org.default_business_hours = BusinessHoursFactory(organization=org, timezone="Europe/Paris")
    org.save()
    conversation = make_conversation(org, content="Hello?", team=TeamFactory(organization=org))

    notice = notice_after_handoff(conversation, FRIDAY_18_UTC)  # 19:00 in Paris

    assert "back on Monday at 09:00 (Europe/Paris)" in notice and "email" in notice


def test_the_teams_own_hours_win_over_the_default(org, office):
    org.default_business_hours = office
    org.save()
    always = BusinessHoursFactory(organization=org, is_always_open=True, hours={})
    conversation = make_conversation(
        org, content="Hello?", team=TeamFactory(organization=org, business_hours=always)
    )

    notice = notice_after_handoff(conversation, SATURDAY_10)

    assert "away" not in notice and "as soon as one is free" in notice  # open, nobody online


def test_without_any_hours_a_person_is_always_coming(org):
    conversation = make_conversation(org, content="Hello?")

    assert "shortly" in notice_after_handoff(conversation, SATURDAY_10)


def test_admins_set_and_clear_the_default_in_account_settings(org, office, admin_api, agent_api):
    set_response = admin_api.patch(
        "/api/v1/account/settings", {"default_business_hours_id": office.pk}, format="json"
    )

    assert set_response.status_code == 200, set_response.content
    assert set_response.json()["default_business_hours_id"] == office.pk
    org.refresh_from_db()
    assert org.default_business_hours == office
    assert agent_api.get("/api/v1/account/settings").json()["default_business_hours_id"] == office.pk
    refused = agent_api.patch("/api/v1/account/settings", {"default_business_hours_id": None}, format="json")
    assert refused.status_code == 403
    cleared = admin_api.patch("/api/v1/account/settings", {"default_business_hours_id": None}, format="json")
    assert cleared.json()["default_business_hours_id"] is None


@pytest.mark.parametrize("value", ["abc", -1, 10**20])
def test_a_bad_default_is_400(org, admin_api, value):
    response = admin_api.patch(
        "/api/v1/account/settings", {"default_business_hours_id": value}, format="json"
    )

    assert response.status_code == 400 and "default_business_hours_id" in response.json()["fields"]


def test_another_organizations_hours_cannot_be_the_default(org, other_org, admin_api):
    foreign = BusinessHoursFactory(organization=other_org)

    response = admin_api.patch(
        "/api/v1/account/settings", {"default_business_hours_id": foreign.pk}, format="json"
    )

    assert response.status_code == 400 and "default_business_hours_id" in response.json()["fields"]
    org.refresh_from_db()
    assert org.default_business_hours_id is None
