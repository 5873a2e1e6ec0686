"""End to end in headless Chromium, against the fake Ollama server: "Suggest reply" fills the
draft from the knowledge base and shows its sources to the agent; a rewrite replaces the draft and
Undo brings the one before back; a macro shows its preview, Apply puts its reply INTO THE DRAFT
(nothing is sent) and applies the rest, and Undo restores status, priority and tags. Screenshots
go to var/screenshots/composer-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.chatbots.conftest import WARRANTY
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_chatbots_browser import clean_knowledge  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

QUESTION = "My Widget Pro broke after a year. How many years does the warranty last?"


def _conversation(organization):
    from conversations.services.conversations import conversation_create

    return conversation_create(
        organization=organization, contact_email="tom@example.org", first_name="Tom",
        subject="Widget Pro warranty", content=QUESTION,
    )  # fmt: skip


def expect_draft(page, text: str) -> None:
    """The draft the agent sees: the rich editor's text when it is on the page, else the textarea."""
    page.wait_for_function(
        """(text) => {
          const editor = document.querySelector("[data-rich-editor]");
          const value = editor ? editor.innerText : document.querySelector("[data-composer-text]").value;
          return value.trim() === text;
        }""",
        arg=text,
        timeout=5_000,
    )


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.usefixtures("clean_knowledge")
def test_suggest_reply_with_sources_then_rewrite_and_undo(
    page, live_server, e2e_admin, fake_ollama, page_errors
):
    from conversations.models import Message
    from tests.chatbots.factories import make_document

    warranty = make_document(e2e_admin.organization, WARRANTY, title="Warranty guide", category="support")
    conversation = _conversation(e2e_admin.organization)
    login(page, live_server, e2e_admin.user.email)
    page.goto(f"{live_server.url}/inbox/c/{conversation.uuid}/")

    page.get_by_role("button", name="Suggest reply").click()

    expect_draft(page, "The Widget Pro warranty lasts two years from the date of purchase.")
    sources = page.locator("[data-assist-sources]")
    expect(sources).to_be_visible()
    link = sources.get_by_role("link", name="Warranty guide")
    expect(link).to_have_attribute("href", f"/knowledge/documents/{warranty.pk}/")
    screenshot(page, "composer-suggest-reply", full_page=False)

    fake_ollama.reply_with = "Hi Tom! Good news: your Widget Pro is covered for two years."
    page.locator("[data-ai-menu] summary").click()
    page.get_by_role("menuitem", name="Friendlier").click()
    expect_draft(page, "Hi Tom! Good news: your Widget Pro is covered for two years.")
    expect(page.locator("[data-composer-assist]")).to_contain_text("Rewritten: friendlier")
    screenshot(page, "composer-rewrite", full_page=False)

    page.get_by_role("button", name="Undo rewrite").click()
    expect_draft(page, "The Widget Pro warranty lasts two years from the date of purchase.")
    assert not Message.objects.filter(conversation=conversation, private=False, sender_type="agent").exists()

    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("?")
    dialog = page.locator("#shortcuts-dialog")
    expect(dialog).to_contain_text("Suggest a reply from the knowledge base")
    expect(dialog).to_contain_text("Summarize the conversation as a private note")
    page.keyboard.press("Escape")

    page.set_viewport_size({"width": 390, "height": 800})
    assert _no_horizontal_overflow(page)
    assert page_errors == []


def test_macro_preview_then_apply_into_the_draft_and_undo(page, live_server, e2e_admin, page_errors):
    from conversations.models import Conversation, Message, StatusCategory
    from conversations.services.macros import macro_create

    organization = e2e_admin.organization
    conversation = _conversation(organization)
    macro_create(
        organization=organization, name="Warranty claim", actor=e2e_admin,
        actions=[
            {"type": "reply", "value": "Sorry to hear that, {{contact.first_name}}: we will replace it."},
            {"type": "add_tags", "value": ["warranty"]},
            {"type": "set_priority", "value": "High"},
            {"type": "set_status", "value": "Resolved"},
        ],
    )  # fmt: skip
    login(page, live_server, e2e_admin.user.email)
    page.goto(f"{live_server.url}/inbox/c/{conversation.uuid}/")

    page.get_by_label("Macro").select_option(label="Warranty claim")

    preview = page.locator("[data-macro-preview]")
    expect(preview).to_contain_text("Sorry to hear that, Tom: we will replace it.")
    expect(preview).to_contain_text("Status: Open → Resolved")
    expect(preview).to_contain_text("Priority: none → High")
    expect(preview).to_contain_text("Add tags: warranty")
    screenshot(page, "composer-macro-preview", full_page=False)

    page.get_by_role("button", name="Apply to the draft").click()

    expect_draft(page, "Sorry to hear that, Tom: we will replace it.")
    expect(page.locator("[data-composer-assist]")).to_contain_text("put its reply in the draft")
    stored = Conversation.objects.select_related("status").get(pk=conversation.pk)
    assert stored.status.category == StatusCategory.RESOLVED and stored.priority_name == "High"
    assert not Message.objects.filter(conversation=conversation, private=False, sender_type="agent").exists()
    screenshot(page, "composer-macro-applied", full_page=False)

    page.get_by_role("button", name="Undo macro").click()

    expect_draft(page, "")
    expect(page.locator("[data-composer-assist]")).to_have_count(0)
    stored = Conversation.objects.select_related("status").get(pk=conversation.pk)
    assert stored.status.category == StatusCategory.OPEN and stored.priority is None
    assert not stored.tags.exists()
    page.set_viewport_size({"width": 390, "height": 800})
    page.get_by_role("button", name="Suggest reply").scroll_into_view_if_needed()
    screenshot(page, "composer-phone", full_page=False)
    assert _no_horizontal_overflow(page)
    assert page_errors == []
