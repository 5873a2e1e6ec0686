"""The UI and the API save SLA settings through the same services and shape checks
(``conversations.validators``): the same settings give the same rows, and a refusal changes
nothing in either."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conversations.models import BusinessHours, SLAPolicy
from tests.conversations.factories import BusinessHoursFactory, InboxFactory

GRID = {"monday": [{"open": "09:00", "close": "12:30"}, {"open": "14:00", "close": "18:00"}]}
GRID_FORM = {
    "monday-open": "on", "monday-from": "09:00", "monday-to": "12:30", "monday-from2": "14:00", "monday-to2": "18:00",
}  # fmt: skip
HOURS_COMPARED = ("description", "timezone", "is_always_open", "hours", "holidays")
POLICY_COMPARED = (
    "description", "first_response_minutes", "next_response_minutes", "resolution_minutes", "conditions",
    "business_hours_id", "position", "is_active",
)  # fmt: skip


def _values(row, names) -> dict:
    row.refresh_from_db()
    return {name: getattr(row, name) for name in names}


def test_api_and_ui_create_the_same_business_hours(ui_as, admin, admin_api, org):
    api = admin_api.post(
        "/api/v1/business-hours",
        {"name": "API", "timezone": "Europe/Paris", "hours": {"Monday": GRID["monday"]},
         "holidays": ["2025-12-25", {"date": "2026-01-01", "name": "New year"}]},
        format="json",
    )  # fmt: skip
    ui = ui_as(admin).post(
        reverse("conversations:settings-business-hours-create"),
        {
            "name": "UI",
            "timezone": "Europe/Paris",
            "holidays_text": "2025-12-25\n2026-01-01 New year",
            **GRID_FORM,
        },
    )

    assert api.status_code == 201, api.content
    assert ui.status_code == 302
    from_api = _values(BusinessHours.objects.get(name="API"), HOURS_COMPARED)
    assert from_api == _values(BusinessHours.objects.get(name="UI"), HOURS_COMPARED)
    assert from_api["hours"] == GRID
    assert from_api["holidays"] == [
        {"date": "2025-12-25", "name": ""},
        {"date": "2026-01-01", "name": "New year"},
    ]


@pytest.mark.parametrize("via", ["api", "ui"])
@pytest.mark.parametrize(
    ("api_change", "form_change", "message"),
    [
        ({"hours": {"monday": {"open": "18:00", "close": "09:00"}}},
         {"monday-open": "on", "monday-from": "18:00", "monday-to": "09:00"}, "closing time must be after"),
        ({"holidays": ["2025-13-40"]}, {"holidays_text": "2025-13-40 Nowhere"}, "is not a YYYY-MM-DD date"),
        ({"hours": {}}, {}, "at least one open day"),
    ],
)  # fmt: skip
def test_refused_business_hours_change_nothing(
    via, api_change, form_change, message, ui_as, admin, admin_api, org
):
    item = BusinessHoursFactory(organization=org, name="Office")
    before = _values(item, HOURS_COMPARED)
    if via == "api":
        response = admin_api.patch(f"/api/v1/business-hours/{item.pk}", api_change, format="json")
        assert response.status_code == 400
        assert message in str(response.json()["fields"])
    else:
        data = {"name": "Office", "timezone": "UTC", **form_change}
        response = ui_as(admin).post(
            reverse("conversations:settings-business-hours-edit", args=[item.pk]), data
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    assert _values(item, HOURS_COMPARED) == before


def test_api_and_ui_create_the_same_policy(ui_as, admin, admin_api, org):
    hours = BusinessHoursFactory(organization=org, name="Office")
    inbox = InboxFactory(organization=org, name="VIP line")
    api = admin_api.post(
        "/api/v1/sla-policies",
        {"name": "API", "first_response_minutes": 30, "resolution_minutes": 480, "position": 1,
         "conditions": {"priority": ["high", "URGENT"], "inbox_id": [inbox.pk]}, "business_hours_id": hours.pk},
        format="json",
    )  # fmt: skip
    ui = ui_as(admin).post(
        reverse("conversations:settings-sla-create"),
        {"name": "UI", "first_response_minutes": "30", "resolution_minutes": "480", "position": "1",
         "priorities": ["High", "Urgent"], "inboxes": [str(inbox.pk)], "business_hours": str(hours.pk),
         "is_active": "on"},
    )  # fmt: skip

    assert api.status_code == 201, api.content
    assert ui.status_code == 302
    from_api = _values(SLAPolicy.objects.get(name="API"), POLICY_COMPARED)
    assert from_api == _values(SLAPolicy.objects.get(name="UI"), POLICY_COMPARED)
    assert from_api["conditions"] == {"priority": ["High", "Urgent"], "inbox_id": [inbox.pk]}


@pytest.mark.parametrize("via", ["api", "ui"])
def test_a_policy_without_targets_is_refused(via, ui_as, admin, admin_api, org):
    if via == "api":
        response = admin_api.post("/api/v1/sla-policies", {"name": "Empty"}, format="json")
        assert response.status_code == 400
        assert "at least one target" in str(response.json())
    else:
        response = ui_as(admin).post(
            reverse("conversations:settings-sla-create"), {"name": "Empty", "position": "0"}
        )
        assert response.status_code == 400
        assert "at least one target" in response.content.decode()
    assert not SLAPolicy.objects.exists()


def test_a_patch_keeps_a_policy_with_one_target(admin_api, org):
    policy = SLAPolicy.objects.create(organization=org, name="Gold", first_response_minutes=30)
    cleared = admin_api.patch(
        f"/api/v1/sla-policies/{policy.pk}", {"first_response_minutes": None}, format="json"
    )
    assert cleared.status_code == 400
    moved = admin_api.patch(
        f"/api/v1/sla-policies/{policy.pk}",
        {"first_response_minutes": None, "resolution_minutes": 60},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert _values(policy, ("first_response_minutes", "resolution_minutes")) == {
        "first_response_minutes": None,
        "resolution_minutes": 60,
    }


def test_another_organizations_business_hours_and_inboxes_are_refused(admin_api, org, other_org):
    policy = SLAPolicy.objects.create(organization=org, name="Gold", first_response_minutes=30)
    foreign_hours = BusinessHoursFactory(organization=other_org)
    foreign_inbox = InboxFactory(organization=other_org)
    before = _values(policy, POLICY_COMPARED)

    hours = admin_api.patch(
        f"/api/v1/sla-policies/{policy.pk}", {"business_hours_id": foreign_hours.pk}, format="json"
    )
    inbox = admin_api.patch(
        f"/api/v1/sla-policies/{policy.pk}", {"conditions": {"inbox_id": [foreign_inbox.pk]}}, format="json"
    )
    huge = admin_api.patch(
        f"/api/v1/sla-policies/{policy.pk}", {"conditions": {"inbox_id": [2**64]}}, format="json"
    )

    assert hours.status_code == 404 and "business_hours_id" in hours.json()["fields"]
    assert inbox.status_code == 400 and "conditions" in inbox.json()["fields"]
    assert huge.status_code == 400 and "conditions" in huge.json()["fields"]
    assert _values(policy, POLICY_COMPARED) == before
