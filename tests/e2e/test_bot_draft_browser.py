"""End to end in headless Chromium: an agent watching a conversation sees the bot's answer token
by token while it streams (``message.delta``), and the stored answer takes its place."""

import pytest
from playwright.sync_api import expect

from chatbots.services.conversation_bot import publish_delta
from conversations.services.conversations import conversation_create
from conversations.services.messages import message_create
from tests.e2e.conftest import login

pytestmark = pytest.mark.browser

PUSHED = 5_000


def test_the_agent_sees_the_bots_answer_stream_in(page, live_server, e2e_admin, page_errors):
    conversation = conversation_create(
        organization=e2e_admin.organization, contact_email="tom@example.org", first_name="Tom",
        subject="Warranty", content="How long is the warranty?",
    )  # fmt: skip
    question = conversation.messages.get(sender_type="contact")
    login(page, live_server, e2e_admin.user.email)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/inbox/c/{conversation.uuid}/")
    expect(page.locator("#realtime")).to_have_attribute("data-realtime-state", "open", timeout=10_000)
    expect(page.locator("#cv-bot-draft")).to_be_hidden()

    for token in ["The warranty ", "lasts <b>two</b> ", "years."]:
        publish_delta(
            conversation=conversation, data={"reply_to": str(question.uuid), "index": 1, "token": token}
        )

    draft = page.locator("#cv-bot-draft")
    expect(draft).to_be_visible(timeout=PUSHED)
    expect(draft.locator("[data-bot-draft-text]")).to_have_text(
        "The warranty lasts <b>two</b> years.", timeout=PUSHED
    )  # text, never markup
    box = draft.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # fits a phone

    message_create(
        conversation=conversation, content="The warranty lasts two years.", actor=None, sender_type="bot"
    )
    expect(draft).to_be_hidden(timeout=PUSHED)
    expect(page.locator(".cv-scroll")).to_contain_text("The warranty lasts two years.", timeout=PUSHED)
    assert page_errors == []
