"""The conversation page and the inbox on a 390x844 phone, in headless Chromium: the page fits
(subject shown, Send whole), the contact/SLA panel is a drawer opened by the header's Details
button (keyboard: Enter opens, Tab stays inside, Esc closes and focus goes back), the inbox
filters fold into one Filters button; toasts never cover the composer or a primary button (phone
and desktop); a composer error goes away once a later action succeeds. Screenshots go to
var/screenshots/phone-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conversations.models import Conversation
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_conversations_browser import seed_workspace

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
FOCUS_IN_DRAWER = "() => !!document.activeElement.closest('#cv-side')"
# The toast stack against the composer and every primary button shown: overlapping area in px².
TOAST_OVERLAP = """() => {
  const stack = document.getElementById('toasts').getBoundingClientRect();
  const area = (r) => Math.max(0, Math.min(stack.right, r.right) - Math.max(stack.left, r.left))
    * Math.max(0, Math.min(stack.bottom, r.bottom) - Math.max(stack.top, r.top));
  return Array.from(document.querySelectorAll('[data-composer], .btn--primary, .cv-header__actions'))
    .map(e => e.getBoundingClientRect()).filter(r => r.width && r.height).reduce((sum, r) => sum + area(r), 0);
}"""


@pytest.fixture
def conversation(e2e_admin):
    seed_workspace(e2e_admin.organization, e2e_admin)
    return Conversation.objects.filter(organization=e2e_admin.organization).order_by("-subject").first()


def new_page(browser, live_server, e2e_admin, viewport):
    # without motion: the drawer is where it ends up at once (boxes measured mid-slide lie)
    context = browser.new_context(viewport=viewport, locale="en-US", reduced_motion="reduce")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server, e2e_admin.user.email)
    return context, page, errors


def test_the_conversation_fits_a_phone_and_its_details_are_a_drawer(
    browser, live_server, e2e_admin, conversation
):
    context, page, errors = new_page(browser, live_server, e2e_admin, PHONE)
    try:
        page.goto(f"{live_server.url}/inbox/c/{conversation.uuid}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        subject = page.locator(".cv-header__subject")
        expect(subject).to_be_visible()
        box = subject.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["width"] > 100
        send = page.locator(".composer__send")
        send.scroll_into_view_if_needed()
        box = send.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        screenshot(page, "phone-conversation", full_page=False)

        drawer = page.locator("#cv-side")
        details = page.get_by_role("button", name="Details", exact=True)
        expect(drawer).to_be_hidden()
        details.focus()
        page.keyboard.press("Enter")
        expect(drawer).to_be_visible()
        expect(details).to_have_attribute("aria-expanded", "true")
        assert page.evaluate(FOCUS_IN_DRAWER)
        box = drawer.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        screenshot(page, "phone-conversation-details", full_page=False)
        for _ in range(40):  # more stops than the drawer holds: focus comes round, never leaves
            page.keyboard.press("Tab")
            assert page.evaluate(FOCUS_IN_DRAWER)
        page.keyboard.press("Escape")
        expect(drawer).to_be_hidden()
        expect(details).to_have_attribute("aria-expanded", "false")
        assert page.evaluate("document.activeElement.matches('[data-details-open]')")

        details.click()  # a change made in the drawer keeps it open (the header is swapped)
        page.locator("#prop-priority").select_option("High")
        expect(page.locator(".toast").last).to_contain_text("Priority")
        conversation.refresh_from_db()
        assert conversation.priority is not None
        expect(drawer).to_be_visible()
        expect(page.get_by_role("button", name="Details", exact=True)).to_have_attribute(
            "aria-expanded", "true"
        )
        page.get_by_role("button", name="Close the details").click()
        expect(drawer).to_be_hidden()
    finally:
        context.close()
    assert errors == []


def test_the_inbox_filters_fold_into_one_button_on_a_phone(browser, live_server, e2e_admin, conversation):
    context, page, errors = new_page(browser, live_server, e2e_admin, PHONE)
    try:
        page.goto(f"{live_server.url}/inbox/?tab=all")
        status = page.locator("#inbox-filters select[name=status]")
        filters = page.locator("[data-filters-toggle]")
        expect(filters).to_be_visible()
        expect(status).to_be_hidden()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "phone-inbox", full_page=False)
        filters.click()
        expect(filters).to_have_attribute("aria-expanded", "true")
        expect(status).to_be_visible()
        status.select_option("resolved")
        expect(filters).to_have_attribute("aria-label", "Filters, 1 set")
        expect(page).to_have_url(re.compile(r"status=resolved"))
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "phone-inbox-filters", full_page=False)
        page.keyboard.press("Escape")
        expect(status).to_be_hidden()
        expect(filters).to_be_focused()

        page.set_viewport_size({"width": 1360, "height": 860})  # a wide screen shows them all
        expect(filters).to_be_hidden()
        expect(status).to_be_visible()
    finally:
        context.close()
    assert errors == []


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1100, "height": 800}, {"width": 1440, "height": 900}])
def test_toasts_never_cover_the_composer_or_a_primary_button(
    browser, live_server, e2e_admin, conversation, viewport
):
    context, page, errors = new_page(browser, live_server, e2e_admin, viewport)
    try:
        page.goto(f"{live_server.url}/inbox/c/{conversation.uuid}/")
        text = page.get_by_role("textbox", name="Message", exact=True)
        text.fill("Thanks, I am on it.")
        page.locator(".composer__send").click()
        expect(page.locator(".toast").last).to_contain_text("Reply sent")
        try:  # placed again once the reply is swapped in (the toast comes first)
            page.wait_for_function(f"({TOAST_OVERLAP})() === 0", timeout=3000)
        finally:
            screenshot(page, f"phone-toast-{viewport['width']}", full_page=False)
        assert page.evaluate(TOAST_OVERLAP) == 0
    finally:
        context.close()
    assert errors == []


def test_a_composer_error_clears_once_a_later_action_succeeds(browser, live_server, e2e_admin, conversation):
    context, page, errors = new_page(browser, live_server, e2e_admin, {"width": 1360, "height": 860})
    try:
        page.goto(f"{live_server.url}/inbox/c/{conversation.uuid}/")
        page.locator(".composer__send").click()  # nothing written: refused
        error = page.locator("#cv-composer .composer__error")
        expect(error).to_be_visible()
        expect(page.get_by_role("textbox", name="Message", exact=True)).to_have_attribute(
            "aria-invalid", "true"
        )
        page.get_by_role("textbox", name="Message", exact=True).fill("Half a reply")
        page.locator("#prop-priority").select_option("Urgent")  # a later action that succeeds
        expect(page.locator(".toast").last).to_contain_text("Priority")
        expect(error).to_have_count(0)
        expect(page.get_by_role("textbox", name="Message", exact=True)).not_to_have_attribute(
            "aria-invalid", "true"
        )
        message = page.get_by_role("textbox", name="Message", exact=True)
        assert message.evaluate("e => e.value ?? e.innerText").strip() == "Half a reply"  # it stays
    finally:
        context.close()
    assert errors == []
