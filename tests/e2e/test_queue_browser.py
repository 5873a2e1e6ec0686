"""Working a queue in headless Chromium: bulk select (shift-click range) + assign + undo, the
three panes (list beside the thread, filters kept, j/k; a conversation opens in place with
history.pushState and back/forward restore list and pane; without JavaScript plain pages), a saved view that brings
its priority back, and the phone width without horizontal overflow. Screenshots at 1440x900 and
390x844 go to var/screenshots/queue-*.png."""

import re

import pytest
from playwright.sync_api import expect

from conversations.models import Conversation
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_conversations_browser import seed_workspace

pytestmark = pytest.mark.browser

OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
# what sticks out, to say why when the page is too wide
WIDEST = """[document.documentElement.scrollWidth, ...Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))]"""


@pytest.fixture
def workspace(e2e_admin):
    return seed_workspace(e2e_admin.organization, e2e_admin)


def test_bulk_select_a_range_assign_and_undo(page, live_server, workspace, e2e_admin, page_errors):
    priya = workspace["priya"]
    login(page, live_server, e2e_admin.user.email)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/inbox/?tab=all")
    boxes = page.locator("#conv-list [data-bulk-check]")
    expect(boxes).to_have_count(13)
    boxes.nth(1).click()
    boxes.nth(4).click(modifiers=["Shift"])  # the range 2..5
    expect(page.locator("[data-bulk-count]")).to_have_text("4 selected")
    ids = [int(boxes.nth(i).get_attribute("value")) for i in range(1, 5)]
    before = dict(Conversation.objects.filter(pk__in=ids).values_list("pk", "assigned_agent_id"))
    page.locator("[data-bulk-op]").select_option(f"agent:{priya.pk}")
    screenshot(page, "queue-bulk-selected", full_page=False)
    page.locator("[data-bulk-apply]").click()
    expect(page.locator("[data-bulk-message]")).to_have_text("Assigned 4 of 4 conversations.")
    assert set(Conversation.objects.filter(pk__in=ids).values_list("assigned_agent_id", flat=True)) == {
        priya.pk
    }
    expect(page.locator("[data-bulk-count]")).to_have_text("Select conversations to change several at once")
    screenshot(page, "queue-bulk-done", full_page=False)
    page.locator("[data-bulk-undo]").click()
    expect(page.locator("[data-bulk-message]")).to_have_text("Undone on 4 conversations.")
    assert dict(Conversation.objects.filter(pk__in=ids).values_list("pk", "assigned_agent_id")) == before
    assert page_errors == []


def test_three_panes_keep_the_filters_with_j_k_and_back_forward(
    page, live_server, workspace, e2e_admin, page_errors
):
    login(page, live_server, e2e_admin.user.email)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/inbox/?tab=all")
    page.locator("#inbox-filters select[name=sort]").select_option("created_at")
    expect(page).to_have_url(re.compile(r"sort=created_at"))
    rows = page.locator("#conv-list .conv-row")
    subjects = [rows.nth(i).locator(".conv-row__subject").inner_text() for i in range(4)]
    rows.nth(0).click()
    expect(page.locator(".cv-header__subject")).to_have_text(subjects[0])
    expect(page).to_have_url(re.compile(r"/inbox/c/.*tab=all.*sort=created_at"))
    pane = page.locator("[data-list-pane]")
    expect(pane).to_be_visible()
    expect(pane.locator(".conv-row.is-current .conv-row__subject")).to_have_text(subjects[0])
    expect(page.locator(".cv-queue__position")).to_have_text("1 of 13")
    screenshot(page, "queue-three-panes", full_page=False)

    # From here on the conversations open in place (history.pushState), in this same document.
    page.evaluate("window.__sameDocument = true")
    page.locator("body").click(position={"x": 700, "y": 400})
    page.keyboard.press("j")
    expect(page.locator(".cv-header__subject")).to_have_text(subjects[1])
    expect(page).to_have_url(re.compile(r"/inbox/c/.*tab=all.*sort=created_at"))
    page.keyboard.press("j")
    expect(page.locator(".cv-header__subject")).to_have_text(subjects[2])
    expect(page.locator(".cv-queue__position")).to_have_text("3 of 13")
    third_url = page.url
    page.keyboard.press("k")
    expect(page.locator(".cv-header__subject")).to_have_text(subjects[1])
    page.go_back()  # popstate: the list with its sort and the conversation of that address
    expect(page).to_have_url(third_url)
    expect(page.locator(".cv-header__subject")).to_have_text(subjects[2])
    expect(pane.locator(".conv-row.is-current .conv-row__subject")).to_have_text(subjects[2])
    page.go_back()
    expect(page.locator(".cv-header__subject")).to_have_text(subjects[1])
    page.go_back()
    expect(page.locator(".cv-header__subject")).to_have_text(subjects[0])
    expect(page.locator(".cv-queue__position")).to_have_text("1 of 13")
    page.go_forward()
    expect(page.locator(".cv-header__subject")).to_have_text(subjects[1])
    page.go_forward()
    expect(page.locator(".cv-header__subject")).to_have_text(subjects[2])
    expect(page).to_have_url(re.compile(r"tab=all.*sort=created_at"))
    assert page.evaluate("window.__sameDocument === true")  # no page load on the way
    screenshot(page, "queue-after-back-forward", full_page=False)
    page.keyboard.press("j")  # the shortcuts of the restored page work
    expect(page.locator(".cv-header__subject")).to_have_text(subjects[3])
    page.keyboard.press("k")
    expect(page.locator(".cv-header__subject")).to_have_text(subjects[2])
    pane.locator(".conv-row").nth(0).click()  # a row of the pane opens beside the list
    expect(page.locator(".cv-header__subject")).to_have_text(subjects[0])
    assert page.evaluate("window.__sameDocument === true")
    assert page.evaluate("document.getElementById('realtime').dataset.realtimeConversation") == (
        page.locator("[data-conversation]").get_attribute("data-conversation")
    )  # the live stream follows the conversation shown

    # the shortcut help lists j (there is a next one) but not k (the first has no previous)
    page.keyboard.press("?")
    help_dialog = page.locator("#shortcuts-dialog")
    expect(help_dialog).to_contain_text("Next conversation of the list")
    expect(help_dialog).not_to_contain_text("Previous conversation of the list")
    page.keyboard.press("Escape")

    # resolving opens the next one of the list; back to the list keeps the sort
    page.locator(".btn--resolve").click()
    expect(page.locator(".cv-header__subject")).to_have_text(subjects[1])
    page.locator(".cv-queue__back").click()
    expect(page).to_have_url(re.compile(r"/inbox/\?tab=all.*sort=created_at"))
    expect(page.locator("#inbox-filters select[name=sort]")).to_have_value("created_at")
    assert page_errors == []


def test_without_javascript_the_panes_are_plain_pages(browser, live_server, workspace, e2e_admin):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, e2e_admin.user.email)
        page.goto(f"{live_server.url}/inbox/?tab=all&sort=created_at")
        rows = page.locator("#conv-list .conv-row")
        subjects = [rows.nth(i).locator(".conv-row__subject").inner_text() for i in range(2)]
        rows.nth(0).click()
        expect(page.locator(".cv-header__subject")).to_have_text(subjects[0])
        page.locator(".cv-queue a[rel=next]").click()
        expect(page.locator(".cv-header__subject")).to_have_text(subjects[1])
        expect(page).to_have_url(re.compile(r"/inbox/c/.*tab=all.*sort=created_at"))
        page.locator("[data-list-pane] .conv-row").nth(0).click()
        expect(page.locator(".cv-header__subject")).to_have_text(subjects[0])
        page.go_back()
        expect(page.locator(".cv-header__subject")).to_have_text(subjects[1])
    finally:
        context.close()


def test_a_saved_view_restores_its_priority(page, live_server, workspace, e2e_admin, page_errors):
    login(page, live_server, e2e_admin.user.email)
    page.goto(f"{live_server.url}/inbox/?tab=all")
    page.locator("#inbox-filters select[name=priority]").select_option("Urgent")
    expect(page).to_have_url(re.compile(r"priority=Urgent"))
    page.get_by_role("button", name="Save current view").click()
    page.locator("#save-view-dialog input[name=name]").fill(
        "Urgent ones that need an answer before the end of the day"
    )
    page.get_by_role("button", name="Save view").click()
    link = page.locator(".inbox-nav__link", has_text="Urgent ones")
    expect(link).to_be_visible()
    page.goto(f"{live_server.url}/inbox/?tab=mine")
    link.click()
    expect(page.locator("#inbox-filters select[name=priority]")).to_have_value("Urgent")
    label = link.locator(".truncate")
    # a search from Mine searches everything, with a chip that narrows it back to the tab
    page.goto(f"{live_server.url}/inbox/?tab=mine")
    page.locator("#inbox-search").fill("refund")
    expect(page.locator("[data-search-scope]")).to_contain_text("All conversations you can see")
    expect(page.locator("#conv-list .conv-row").first).to_be_visible()
    page.goto(f"{live_server.url}/inbox/?tab=mine")
    assert label.evaluate("e => e.scrollWidth > e.clientWidth")  # the long name is cut with an ellipsis
    assert label.evaluate("e => getComputedStyle(e).textOverflow") == "ellipsis"
    assert page_errors == []


def test_phone_width_has_no_horizontal_overflow(page, live_server, workspace, e2e_admin, page_errors):
    login(page, live_server, e2e_admin.user.email)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/inbox/?tab=all")
    assert page.evaluate(OVERFLOW), page.evaluate(WIDEST)
    screenshot(page, "queue-phone-list", full_page=False)
    page.locator("#conv-list .conv-row").first.click()
    expect(page.locator(".cv-header")).to_be_visible()
    screenshot(page, "queue-phone-thread", full_page=False)
    expect(page.locator(".cv-header__subject")).to_be_visible()
    expect(page.locator("[data-list-pane]")).to_be_hidden()  # list and thread are separate screens
    assert page.evaluate(OVERFLOW), page.evaluate(WIDEST)
    screenshot(page, "queue-phone-thread", full_page=False)
    assert page_errors == []
