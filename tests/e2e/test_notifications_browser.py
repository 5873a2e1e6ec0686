"""End to end in headless Chromium, two agents in two browser contexts: an @mention in a private
note reaches the mentioned agent live (bell count, toast, menu, list), and presence follows what
the agent does (online while working, away when idle, offline when signed out), pushed to the
colleague's agent list without a reload."""

import pytest
from playwright.sync_api import expect

from conversations.services.conversations import conversation_create
from helpdesk.models import Role
from tests.e2e.conftest import E2E_PASSWORD, login, screenshot
from tests.factories import MembershipFactory

pytestmark = pytest.mark.browser

PUSHED = 5_000  # ms


@pytest.fixture
def bea(e2e_admin):
    colleague = MembershipFactory(
        organization=e2e_admin.organization,
        role=Role.AGENT,
        user__email="bea@acme.test",
        user__first_name="Bea",
        user__last_name="Berg",
    )
    colleague.user.set_password(E2E_PASSWORD)
    colleague.user.save()
    return colleague


def shell_open(page) -> None:
    expect(page.locator("#agent-shell")).to_have_attribute("data-stream-state", "open", timeout=10_000)


def no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_a_mention_notifies_the_other_agent_live(browser, page, live_server, e2e_admin, bea, page_errors):
    conversation = conversation_create(
        organization=e2e_admin.organization, contact_email="tom@example.org", first_name="Tom",
        subject="Refund for order 1042", content="I was charged twice.",
    )  # fmt: skip
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        other = context.new_page()
        other_errors: list[str] = []
        other.on("pageerror", lambda error: other_errors.append(str(error)))
        login(other, live_server, bea.user.email)
        other.goto(f"{live_server.url}/settings/profile/")
        shell_open(other)
        expect(other.locator("[data-bell-count]")).to_be_hidden()

        login(page, live_server, e2e_admin.user.email)
        page.goto(f"{live_server.url}/inbox/c/{conversation.uuid}/")
        page.get_by_text("Private note", exact=True).click()
        composer = page.locator("[data-rich-editor]")
        composer.press_sequentially("Could you check this, @be")
        option = page.locator(".mention-list").get_by_role("option", name="Bea Berg")
        expect(option).to_be_visible(timeout=PUSHED)
        composer.press("Enter")
        expect(composer).to_have_text("Could you check this, @bea ")
        composer.press_sequentially("? The card was charged twice.")
        page.locator("#cv-composer .composer__send").click()
        expect(page.locator(".mention", has_text="@bea").last).to_be_visible(timeout=PUSHED)

        # Bea hears of it at once, without reloading
        expect(other.locator("[data-bell-count]")).to_have_text("1", timeout=PUSHED)
        expect(other.locator("#toasts")).to_contain_text("Ada Admin mentioned you", timeout=PUSHED)
        other.locator(".bell__button").click()
        item = other.locator(".bell__menu .notif", has_text="mentioned you")
        expect(item).to_be_visible(timeout=PUSHED)
        expect(item).to_contain_text("The card was charged twice")
        screenshot(other, "notifications-bell-1440", full_page=False)

        other.set_viewport_size({"width": 390, "height": 844})
        expect(item).to_be_visible()
        no_horizontal_overflow(other)
        screenshot(other, "notifications-bell-390", full_page=False)

        other.goto(f"{live_server.url}/notifications/")
        expect(other.locator(".notif.is-unread")).to_have_count(1)
        no_horizontal_overflow(other)
        screenshot(other, "notifications-list-390")
        other.set_viewport_size({"width": 1440, "height": 900})
        screenshot(other, "notifications-list-1440")

        streams: list[str] = []
        other.on(
            "request",
            lambda request: streams.append(request.url) if "/realtime/stream" in request.url else None,
        )
        other.locator(".notif__button").first.click()  # opens the conversation, marked read
        other.wait_for_url(f"**/inbox/c/{conversation.uuid}/")
        expect(other.locator(".mention", has_text="@bea").last).to_be_visible()
        expect(other.locator("[data-bell-count]")).to_be_hidden()

        # on a conversation page the notifications share the page's one stream (realtime.js)
        shell_open(other)
        page.locator("[data-rich-editor]").fill("@bea one more thing: the second charge is pending.")
        page.locator("#cv-composer .composer__send").click()
        expect(other.locator("[data-bell-count]")).to_have_text("1", timeout=PUSHED)
        expect(other.locator(".msg", has_text="second charge is pending")).to_be_visible(timeout=PUSHED)
        assert len(streams) == 1, streams  # one connection for the page and its notifications
        assert other_errors == []
    finally:
        context.close()
    assert page_errors == []


def test_presence_follows_the_agent_idle_away_and_signed_out_offline(
    browser, page, live_server, e2e_admin, bea, settings, page_errors
):
    settings.PRESENCE_IDLE_SECONDS = 2
    settings.PRESENCE_HEARTBEAT_SECONDS = 1
    login(page, live_server, e2e_admin.user.email)
    page.goto(f"{live_server.url}/settings/agents/")
    shell_open(page)
    badge = page.locator(f'[data-presence-for="{bea.pk}"]')
    expect(badge).to_have_text("Offline")

    context = browser.new_context()
    try:
        other = context.new_page()
        login(other, live_server, bea.user.email)
        other.goto(f"{live_server.url}/settings/profile/")
        expect(badge).to_have_text("Online", timeout=PUSHED)  # her page said so, pushed to Ada's list
        expect(badge).to_have_text("Away", timeout=PUSHED)  # no input for 2 s
        expect(other.locator("[data-my-presence]")).to_have_class("presence-dot presence-dot--away")
        other.mouse.move(200, 200)
        other.mouse.move(260, 240)
        expect(badge).to_have_text("Online", timeout=PUSHED)

        # a manual away from the user menu holds while she works
        other.locator(".avatar-button").click()
        other.get_by_role("button", name="Away").click()
        expect(badge).to_have_text("Away", timeout=PUSHED)
        other.keyboard.press("Escape")
        other.mouse.move(300, 300)
        other.wait_for_timeout(1500)
        expect(badge).to_have_text("Away")

        other.locator("details:has(> .avatar-button)").evaluate("menu => { menu.open = true; }")
        other.get_by_role("menuitem", name="Sign out").click()
        expect(badge).to_have_text("Offline", timeout=PUSHED)
    finally:
        context.close()
    assert page_errors == []
