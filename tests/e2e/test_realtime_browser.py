"""End to end in headless Chromium: the agent UI is pushed over SSE, with no polling. A new
conversation appears in the inbox list and another agent's reply and typing show in the open
conversation, without a reload and without a periodic request."""

import pytest
from playwright.sync_api import expect

from conversations.services.conversations import conversation_create
from helpdesk.models import Role
from tests.e2e.conftest import E2E_PASSWORD, login
from tests.factories import MembershipFactory

pytestmark = pytest.mark.browser

PUSHED = 5_000  # ms: well under the 10 s fallback poll, so only a push can be this quick


def stream_open(page) -> None:
    expect(page.locator("#realtime")).to_have_attribute("data-realtime-state", "open", timeout=10_000)


def test_the_inbox_list_updates_without_reload_when_a_conversation_arrives(
    page, live_server, e2e_admin, page_errors
):
    login(page, live_server, e2e_admin.user.email)
    page.goto(f"{live_server.url}/inbox/?tab=unassigned")
    stream_open(page)
    list_requests = []
    page.on(
        "request", lambda request: list_requests.append(request.url) if "/inbox/?" in request.url else None
    )
    page.wait_for_timeout(1500)
    assert list_requests == []  # nothing polls while nothing happens

    conversation_create(
        organization=e2e_admin.organization, contact_email="noor@example.com", first_name="Noor",
        subject="Is there a student discount?", content="Hello! Do you offer discounts for students?",
    )  # fmt: skip
    expect(page.locator("#conv-list .conv-row", has_text="Is there a student discount?")).to_be_visible(
        timeout=PUSHED
    )
    assert len(list_requests) == 1  # one refresh for the burst of events
    assert page_errors == []


def test_another_agents_typing_and_reply_show_in_the_open_conversation(
    browser, page, live_server, e2e_admin, page_errors
):
    colleague = MembershipFactory(
        organization=e2e_admin.organization,
        role=Role.AGENT,
        user__email="bea@acme.test",
        user__first_name="Bea",
    )
    colleague.user.set_password(E2E_PASSWORD)
    colleague.user.save()
    conversation = conversation_create(
        organization=e2e_admin.organization, contact_email="tom@example.org", first_name="Tom",
        subject="Where is my order?", content="It has not arrived yet.",
    )  # fmt: skip
    url = f"{live_server.url}/inbox/c/{conversation.uuid}/"
    login(page, live_server, e2e_admin.user.email)
    page.goto(url)
    stream_open(page)

    context = browser.new_context()
    try:
        other = context.new_page()
        login(other, live_server, colleague.user.email)
        other.goto(url)
        stream_open(other)
        other.locator("[data-rich-editor]").press_sequentially("Hi Tom, it left")
        expect(page.locator("#cv-typing")).to_have_text("Bea is typing…", timeout=PUSHED)
        expect(other.locator("#cv-typing")).to_be_hidden()  # not one's own typing
        other.locator("[data-rich-editor]").fill("Hi Tom, it left our warehouse this morning.")
        other.get_by_role("button", name="Send").click()
        expect(page.locator(".msg--out").last).to_contain_text("left our warehouse", timeout=PUSHED)
        expect(page.locator("#cv-typing")).to_be_hidden()
    finally:
        context.close()
    assert page_errors == []
