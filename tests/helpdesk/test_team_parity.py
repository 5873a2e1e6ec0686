"""The team settings page and ``/api/v1/teams`` save through the same services: the same settings
give the same team, and a taken name or an unknown time zone is refused by both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpdesk.models import Team

SETTINGS = {
    "emoji": "💳",
    "conversation_assignment_type": "round_robin",
    "max_auto_assigned_conversations": 5,
    "timezone": "Europe/Paris",
}


def _stored(team: Team) -> dict:
    team.refresh_from_db()
    return {name: getattr(team, name) for name in SETTINGS}


def test_page_and_api_create_the_same_team(ui_as, admin, admin_api, org):
    api = admin_api.post("/api/v1/teams", {"name": "By API", **SETTINGS}, format="json")
    page = ui_as(admin).post(reverse("settings:team-create"), {"name": "By page", **SETTINGS})

    assert api.status_code == 201, api.content
    assert page.status_code == 302
    assert _stored(Team.objects.get(name="By API")) == _stored(Team.objects.get(name="By page")) == SETTINGS


@pytest.mark.parametrize("via", ["api", "ui"])
@pytest.mark.parametrize(
    ("change", "field"), [({"name": "BILLING"}, "name"), ({"timezone": "Mars/Olympus"}, "timezone")]
)
def test_refusals_change_nothing(via, change, field, ui_as, admin, admin_api, org):
    Team.objects.create(organization=org, name="Billing")
    team = Team.objects.create(organization=org, name="Tier 1", **SETTINGS)
    before = _stored(team)
    if via == "api":
        response = admin_api.patch(f"/api/v1/teams/{team.pk}", change, format="json")
        assert response.status_code in (400, 409)
        assert field in response.json()["fields"]
    else:
        data = {"name": "Tier 1", **SETTINGS, **change}
        response = ui_as(admin).post(reverse("settings:team", args=[team.pk]), data)
        assert response.status_code == 400
        assert field in response.context["form"].errors
    assert _stored(team) == before and Team.objects.get(pk=team.pk).name == "Tier 1"
