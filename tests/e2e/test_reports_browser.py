"""The Reports overview in a browser: charts drawn (SVG with tooltips and data tables), a preset
applied with the keyboard, the CSV of a table downloaded, and the page and the Bot tab on a 390 px
phone without horizontal overflow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conversations.models import Conversation, Tag
from conversations.services.messages import message_create
from tests.conversations.factories import make_conversation
from tests.e2e.conftest import screenshot
from tests.reports.builders import bot_answer, status, survey

pytestmark = pytest.mark.browser


@pytest.fixture
def busy_week(e2e_admin):
    organization = e2e_admin.organization
    now = timezone.now()
    for day in range(7):
        for number in range(day % 3 + 1):
            conversation = make_conversation(organization, subject=f"Question {day}-{number}")
            opened = now - timedelta(days=day, hours=number * 2 + 1)
            message_create(conversation=conversation, content="Looking into it", actor=e2e_admin)
            Conversation.objects.filter(pk=conversation.pk).update(
                created_at=opened,
                first_reply_at=opened + timedelta(minutes=10 + 5 * number),
                resolved_at=opened + timedelta(hours=3) if number else None,
                status=status(organization, "Resolved" if number else "Open"),
                resolution_count=1 if number else 0,
            )
            if number:
                survey(conversation, opened + timedelta(hours=3), 5 - number)
    bot_answer(conversation, at=now - timedelta(hours=1), mode="fallback", question="Do you ship to Norway?")
    return organization


def test_overview_charts_and_csv(logged_in_page, live_server, busy_week, page_errors):
    page = logged_in_page
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()
    expect(page.get_by_role("img", name="Conversations opened and resolved per day")).to_be_visible()
    expect(page.get_by_role("img", name="CSAT answers by rating")).to_be_visible()
    expect(page.get_by_role("img", name="Conversations opened by weekday and hour")).to_be_visible()
    assert page.locator("svg.chart circle title").count() >= 30

    page.get_by_text("Last 7 days").click()
    page.wait_for_url("**preset=7d**")
    expect(page.get_by_label("Last 7 days")).to_be_checked()
    screenshot(page, "reports-overview")

    page.locator("details.data-table summary").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Conversations opened and resolved per day as CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("parley-overview-series-")
    lines = open(download.path(), encoding="utf-8").read().splitlines()
    assert lines[0] == "Date,Opened,Resolved"
    first_day = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=6)
    in_range = Conversation.objects.filter(organization=busy_week, created_at__gte=first_day).count()
    assert sum(int(line.split(",")[1]) for line in lines[1:]) == in_range > 0
    assert page_errors == []


def test_reports_on_a_phone(browser, live_server, busy_week, e2e_admin):
    from tests.e2e.conftest import login

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, live_server, e2e_admin.user.email)
    for path, name in (("/reports/", "reports-overview-phone"), ("/reports/bot/", "reports-bot-phone")):
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", name="Reports")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        screenshot(page, name)
    expect(page.get_by_text("Do you ship to Norway?")).to_be_visible()
    context.close()


def test_inboxes_and_tags_tabs(logged_in_page, live_server, busy_week, page_errors):
    """The Tags tab sorted from its column heading with the keyboard, its CSV downloaded; the
    Inboxes tab shows each inbox's channel."""
    billing = Tag.objects.create(organization=busy_week, name="billing")
    refund = Tag.objects.create(organization=busy_week, name="refund")
    for index, conversation in enumerate(Conversation.objects.filter(organization=busy_week)):
        conversation.tags.set([billing, refund][: index % 3])
    page = logged_in_page
    page.goto(f"{live_server.url}/reports/tags/?preset=7d")
    expect(page.get_by_role("heading", name="Tags")).to_be_visible()
    page.get_by_role("link", name="Opened").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**order_by=-opened**")  # a measure sorts the most first
    expect(page.locator('th[aria-sort="descending"]')).to_have_text("Opened ▼")
    screenshot(page, "reports-tags")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the tags table as CSV").click()
    lines = open(download_info.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0].startswith("Tag,Opened") and any(line.startswith("billing,") for line in lines)

    page.goto(f"{live_server.url}/reports/inboxes/?preset=7d")
    expect(page.get_by_role("heading", name="Inboxes")).to_be_visible()
    expect(page.locator("table.report-table tbody th").first).to_contain_text("API")
    screenshot(page, "reports-inboxes")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/reports/inboxes/", "/reports/tags/"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    screenshot(page, "reports-tags-phone")
    assert page_errors == []
