"""Organization settings page: the admin picks the default business hours (the organization's
own schedules only), the same setting as ``account/settings`` ``default_business_hours_id``."""

from django.urls import reverse

from tests.conversations.factories import BusinessHoursFactory
from tests.helpdesk.test_ui_settings import _organization_form


def test_the_admin_picks_and_clears_the_default_business_hours(ui_as, admin, org, other_org):
    office = BusinessHoursFactory(organization=org, name="Office")
    BusinessHoursFactory(organization=other_org, name="Globex nights")
    client = ui_as(admin)

    page = client.get(reverse("settings:organization")).content.decode()
    assert "Default business hours" in page and "Office" in page and "Globex nights" not in page

    assert (
        client.post(
            reverse("settings:organization"), _organization_form(default_business_hours=office.pk)
        ).status_code
        == 302
    )
    org.refresh_from_db()
    assert org.default_business_hours == office
    page = client.get(reverse("settings:organization")).content.decode()
    assert f'<option value="{office.pk}" selected>Office</option>' in page
    assert (
        client.post(
            reverse("settings:organization"), _organization_form(default_business_hours="")
        ).status_code
        == 302
    )
    org.refresh_from_db()
    assert org.default_business_hours is None


def test_another_organizations_hours_are_refused(ui_as, admin, org, other_org):
    foreign = BusinessHoursFactory(organization=other_org)

    response = ui_as(admin).post(
        reverse("settings:organization"), _organization_form(default_business_hours=foreign.pk)
    )

    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    org.refresh_from_db()
    assert org.default_business_hours_id is None
