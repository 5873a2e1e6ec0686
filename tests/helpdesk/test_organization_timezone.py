"""Organization.timezone (issue 10): an IANA name, edited on the settings page, in the Django admin
and through ``account/settings``; reports read it first. Migration helpdesk 0009 gives an existing
organization the zone of its default business hours (what reports used before)."""

from __future__ import annotations

import importlib
import zoneinfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from helpdesk.models import Organization
from helpdesk.models.organization import default_time_zone
from reports.filters import organization_timezone
from tests.conversations.factories import BusinessHoursFactory
from tests.factories import OrganizationFactory
from tests.helpdesk.test_ui_settings import _organization_form
from tests.isolation import assert_error_shape

migration = importlib.import_module("helpdesk.migrations.0009_organization_timezone")


def test_a_new_organization_gets_the_servers_time_zone(db):
    assert OrganizationFactory().timezone == "UTC"
    with override_settings(TIME_ZONE="Europe/Paris"):
        assert default_time_zone() == "Europe/Paris"
        assert OrganizationFactory().timezone == "Europe/Paris"


def test_the_model_refuses_an_unknown_zone(org):
    org.timezone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError) as refused:
        org.full_clean()
    assert "timezone" in refused.value.message_dict


def test_a_stale_zone_name_reads_as_utc(org):
    Organization.objects.filter(pk=org.pk).update(timezone="Nowhere/Gone")
    org.refresh_from_db()
    assert org.zone == zoneinfo.ZoneInfo("UTC")


# --- the settings page ---------------------------------------------------------------------------


def test_the_admin_sets_the_time_zone_on_the_settings_page(ui_as, admin, org):
    client = ui_as(admin)
    page = client.get(reverse("settings:organization")).content.decode()
    assert "Time zone" in page and '<option value="Asia/Kolkata">Asia/Kolkata</option>' in page

    response = client.post(reverse("settings:organization"), _organization_form(timezone="Asia/Kolkata"))

    assert response.status_code == 302
    org.refresh_from_db()
    assert org.timezone == "Asia/Kolkata"
    page = client.get(reverse("settings:organization")).content.decode()
    assert '<option value="Asia/Kolkata" selected>Asia/Kolkata</option>' in page


@pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "", "../../etc/passwd", "localtime"])
def test_an_unknown_time_zone_is_a_form_error(ui_as, admin, org, bad):
    response = ui_as(admin).post(reverse("settings:organization"), _organization_form(timezone=bad))

    assert response.status_code == 400
    assert response.context["form"].errors["timezone"]
    org.refresh_from_db()
    assert org.timezone == "UTC"


# --- the API -------------------------------------------------------------------------------------


def test_the_api_reads_and_changes_the_time_zone(admin_api, agent_api, org):
    assert agent_api.get("/api/v1/account/settings").json()["timezone"] == "UTC"

    response = admin_api.patch("/api/v1/account/settings", {"timezone": "Asia/Kolkata"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["timezone"] == "Asia/Kolkata"
    org.refresh_from_db()
    assert org.timezone == "Asia/Kolkata"


@pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "", None, 5, "x" * 300, "localtime"])
def test_the_api_refuses_an_unknown_time_zone(admin_api, org, bad):
    response = admin_api.patch("/api/v1/account/settings", {"timezone": bad}, format="json")

    body = assert_error_shape(response, 400)
    assert "timezone" in body["fields"]
    org.refresh_from_db()
    assert org.timezone == "UTC"


# --- the Django admin ----------------------------------------------------------------------------


def test_the_django_admin_edits_the_time_zone(client, org, django_user_model):
    superuser = django_user_model.objects.create_superuser(email="root@acme.test", password="pw-123456789")
    client.force_login(superuser)
    url = reverse("admin:helpdesk_organization_change", args=[org.pk])

    page = client.get(url).content.decode()

    assert 'name="timezone"' in page


# --- reports -------------------------------------------------------------------------------------


def test_reports_read_the_organizations_zone_before_the_business_hours(org):
    org.default_business_hours = BusinessHoursFactory(organization=org, timezone="Asia/Tokyo")
    org.timezone = "Asia/Kolkata"
    org.save()

    assert organization_timezone(org) == zoneinfo.ZoneInfo("Asia/Kolkata")

    org.timezone = ""  # an organization without a zone of its own: the business hours' one
    assert organization_timezone(org) == zoneinfo.ZoneInfo("Asia/Tokyo")


# --- migration 0009 ------------------------------------------------------------------------------


def test_the_migration_keeps_the_zone_reports_used(org, other_org):
    org.default_business_hours = BusinessHoursFactory(organization=org, timezone="Asia/Tokyo")
    org.save()
    bare = OrganizationFactory()
    other_org.default_business_hours = BusinessHoursFactory(organization=other_org, timezone="Not/AZone")
    other_org.save()

    migration.zone_of_default_hours(apps, None)

    zones = dict(Organization.objects.values_list("pk", "timezone"))
    assert zones[org.pk] == "Asia/Tokyo"
    assert zones[bare.pk] == "UTC"
    assert zones[other_org.pk] == "UTC"  # an unknown name is not copied
