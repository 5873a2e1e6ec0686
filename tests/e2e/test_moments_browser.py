"""In Chromium: parley.js refreshes ``{% when %}`` moments with the words of helpdesk.timefmt,
and a moment that passes a day shows the date the server wrote in the organization's zone."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from helpdesk import timefmt
from helpdesk.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.browser

SECONDS = [-90_000, -86_399, -7_200, -3_599, -61, -59, -30, -5, -4, 0, 30, 59, 60, 61, 3_599, 3_600, 86_399]


def test_the_refresher_words_moments_like_the_server(logged_in_page, live_server, e2e_admin):
    organization = e2e_admin.organization
    organization.timezone = "Asia/Kolkata"
    organization.save(update_fields=["timezone"])
    recent = MembershipFactory(organization=organization, user__email="recent@acme.test")
    Membership.objects.filter(pk=recent.pk).update(last_active_at=timezone.now() - timedelta(minutes=3))
    page = logged_in_page

    page.goto(live_server.url + "/settings/agents/")

    now = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    for seconds in SECONDS:
        expected = timefmt.relative_text(now - timedelta(seconds=seconds), now)
        assert page.evaluate("s => window.Parley.relativeText(s)", seconds) == expected, seconds

    moment = page.locator('tr:has-text("recent@acme.test") time[data-relative]')
    expect(moment).to_have_text("3 min ago")
    assert moment.get_attribute("title").endswith("(Asia/Kolkata)")
    assert moment.get_attribute("datetime").endswith("+05:30")

    # A day later the refresher shows the date and time the server wrote for that case.
    day_later = moment.evaluate(
        """element => {
            element.setAttribute("datetime", new Date(Date.now() - 25 * 3600 * 1000).toISOString());
            window.Parley.refreshMoments(element.parentElement);
            return element.dataset.relative;
        }"""
    )
    expect(moment).to_have_text(day_later)
