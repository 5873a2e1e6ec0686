"""End to end in headless Chromium, against the fake Ollama server: the playground streams an
answer token by token (fetch reading the API's text/event-stream) and shows its sources as
citations, the answer is rated, reviewed and verified in the monitor, and the AI provider page
lists the models. Screenshots of every chatbots page go to var/screenshots/."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.chatbots.conftest import CHARGING, WARRANTY
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.browser

QUESTION = "How long does the warranty last?"


@pytest.fixture
def clean_knowledge():
    """Vectors and keyword indexes of this test's documents go away with it."""
    from knowledge import keyword, vectorstore

    cache.clear()
    yield
    if vectorstore._client is not None:
        client = vectorstore.client()
        for collection in client.list_collections():
            client.delete_collection(getattr(collection, "name", collection))
    vectorstore._collections.clear()
    keyword.forget()
    cache.clear()


@pytest.fixture
def widget_bot(e2e_admin, fake_ollama, clean_knowledge):
    """A bot answering from two small TXT manuals, ingested synchronously."""
    from helpdesk.models import Team
    from tests.chatbots.factories import ChatbotFactory, make_document

    organization = e2e_admin.organization
    warranty = make_document(organization, WARRANTY, title="Warranty guide", category="support")
    charging = make_document(organization, CHARGING, title="Charging guide", category="support")
    team = Team.objects.create(organization=organization, name="Tier 1 support")
    return ChatbotFactory(
        organization=organization,
        name="Widget helper",
        greeting_message="Hi! I answer questions about the Widget Pro: warranty, charging and more.",
        documents=[warranty, charging],
        handoff_team=team,
        confidence_threshold=0.35,
    )


def _ask(page, question: str) -> None:
    page.get_by_label("Your question").fill(question)
    page.get_by_label("Your question").press("Enter")


def test_playground_streams_an_answer_with_citations(
    logged_in_page, live_server, widget_bot, fake_ollama, page_errors
):
    from chatbots.models import ChatMessage, MessageRole

    page = logged_in_page
    page.goto(f"{live_server.url}/chatbots/")
    card = page.locator(f'[data-chatbot="{widget_bot.pk}"]')
    expect(card).to_contain_text("Widget helper")
    expect(card).to_contain_text("Tier 1 support")
    screenshot(page, "chatbots-list")

    card.get_by_role("link", name="Playground").click()
    expect(page.get_by_role("heading", name="Widget helper")).to_be_visible()
    expect(page.locator("[data-greeting]")).to_contain_text("I answer questions about the Widget Pro")

    fake_ollama.delay = 0.15  # per token: slow enough to watch the answer grow
    _ask(page, QUESTION)
    expect(page.locator(".msg--user").last).to_have_text(QUESTION)
    page.wait_for_function(
        "() => { const t = document.querySelector('.msg.is-streaming .msg__text'); "
        "return t && t.textContent.trim().split(/\\s+/).length >= 3; }",
        timeout=20000,
    )
    partial = page.locator(".msg.is-streaming .msg__text").inner_text()
    screenshot(page, "chatbots-playground-streaming")

    answer = page.locator(".msg--bot[data-index]").last
    expect(answer.locator("[data-sources]")).to_be_visible(timeout=20000)
    final = answer.locator(".msg__text").inner_text()
    assert 0 < len(partial) < len(final), (partial, final)  # seen mid-answer: tokens arrived one by one
    assert final.startswith(partial[: max(1, len(partial) - 4)])
    assert "two years" in final

    # [1] in the text is a citation: it opens the passage, which links to the document
    cite = answer.locator("button.cite[data-cite='1']").first
    expect(cite).to_be_visible()
    cite.click()
    source = answer.locator(".source").first
    expect(source.locator(".source__snippet")).to_be_visible()
    expect(source.locator(".source__snippet")).to_contain_text("two years")
    expect(source).to_contain_text("Warranty guide")
    link = source.get_by_role("link", name="Open the document")
    expect(link).to_have_attribute("href", re.compile(r"^/knowledge/documents/\d+/$"))
    expect(answer.locator("[data-confidence]")).to_be_visible()
    expect(answer.locator("[data-notice='retrieval']")).to_have_count(0)

    answer.get_by_role("button", name="Good answer").click()
    expect(answer.get_by_role("button", name="Good answer")).to_have_attribute("aria-pressed", "true")
    page.mouse.move(0, 0)
    screenshot(page, "chatbots-playground")

    stored = ChatMessage.objects.get(role=MessageRole.ASSISTANT)
    assert stored.rating == 1 and "two years" in stored.content
    assert stored.session.created_by == widget_bot.organization.memberships.get()

    # a new session forgets the conversation but keeps the greeting
    page.get_by_role("button", name="New session").click()
    expect(page.locator(".msg--user")).to_have_count(0)
    expect(page.locator("[data-greeting]")).to_be_visible()
    assert page_errors == []


def test_answers_are_shown_as_text_and_retrieval_only_is_explained(
    logged_in_page, live_server, widget_bot, fake_ollama, settings, unreachable_ollama_host, page_errors
):
    page = logged_in_page
    fake_ollama.reply_with = '<img src=x onerror="window.__xss=1"> The warranty lasts two years [1].'
    page.goto(f"{live_server.url}/chatbots/{widget_bot.pk}/playground/")
    _ask(page, QUESTION)
    answer = page.locator(".msg--bot[data-index]").last
    expect(answer.locator(".msg__meta")).to_be_visible(timeout=20000)
    expect(page.locator(".chat__log img")).to_have_count(0)
    assert page.evaluate("window.__xss") is None

    settings.OLLAMA_HOST = unreachable_ollama_host  # Ollama goes away: passages instead of an answer
    cache.clear()
    page.reload()
    expect(page.locator("#ollama-banner[data-ollama='down']")).to_contain_text("is not reachable")
    _ask(page, QUESTION)
    answer = page.locator(".msg--bot[data-index]").last
    expect(answer.locator("[data-notice='retrieval']")).to_contain_text("Retrieval only", timeout=20000)
    expect(answer.locator("[data-sources]")).to_contain_text("Warranty guide")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "chatbots-playground-retrieval-only")
    assert page_errors == []


def test_monitor_settings_training_and_provider_pages(
    logged_in_page, live_server, widget_bot, fake_ollama, page_errors
):
    from chatbots.models import ChatMessage, MessageRole
    from chatbots.services.answering import chat_answer

    membership = widget_bot.organization.memberships.get()
    chat_answer(chatbot=widget_bot, message=QUESTION, membership=membership)
    chat_answer(chatbot=widget_bot, message="What colour is the Widget Pro?", membership=membership)
    page = logged_in_page

    page.goto(f"{live_server.url}/chatbots/monitor/")
    rows = page.locator("tr.monitor-row")
    expect(rows).to_have_count(2)
    screenshot(page, "chatbots-monitor")
    row = rows.filter(has_text=QUESTION)
    row.get_by_role("link", name="Review").click()
    form = page.locator("tr.monitor-edit form")
    expect(form).to_be_visible()
    form.get_by_label("Answer").fill("The Widget Pro warranty lasts two years from the date of purchase.")
    form.get_by_label("Verified: add to the knowledge base").check()
    screenshot(page, "chatbots-monitor-review")
    form.get_by_role("button", name="Save review").click()
    expect(page.locator("tr.monitor-row").filter(has_text=QUESTION)).to_contain_text("Verified")
    verified = ChatMessage.objects.get(role=MessageRole.ASSISTANT, question=QUESTION)
    assert verified.verification_indicator == 1 and verified.verified_item is not None

    page.goto(f"{live_server.url}/chatbots/{widget_bot.pk}/")
    expect(page.get_by_label("Name")).to_have_value("Widget helper")
    slider = page.get_by_label(re.compile("Confidence threshold"))
    slider.fill("0.6")
    expect(page.locator("[data-range-output]").first).to_have_text("60%")
    page.get_by_label("Greeting").fill("Hello from the preview!")
    expect(page.locator("[data-preview-greeting]")).to_have_text("Hello from the preview!")
    page.get_by_placeholder("Filter documents").fill("charg")
    expect(page.locator("[data-doc-option]:visible")).to_have_count(1)
    page.get_by_placeholder("Filter documents").fill("")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "chatbots-settings")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings of Widget helper saved.")).to_be_visible()
    widget_bot.refresh_from_db()
    assert widget_bot.confidence_threshold == 0.6

    page.goto(f"{live_server.url}/chatbots/{widget_bot.pk}/training/")
    page.get_by_role("button", name="Start indexing").click()
    training = page.locator(".training").first
    expect(training).to_have_attribute("data-status", "succeeded", timeout=30000)
    expect(training).to_contain_text("2 of 2 documents indexed")
    screenshot(page, "chatbots-training")

    page.goto(f"{live_server.url}/settings/ai-provider/")
    page.get_by_role("button", name="Test connection").click()
    expect(page.locator("[data-test-result='ok']")).to_contain_text("Connected to Ollama")
    expect(page.locator("#ai-test")).to_contain_text("llama3.2:latest")
    screenshot(page, "chatbots-ai-provider")
    assert page_errors == []


def test_create_the_first_chatbot(
    logged_in_page, live_server, e2e_admin, fake_ollama, clean_knowledge, page_errors
):
    from chatbots.models import Chatbot

    page = logged_in_page
    page.goto(f"{live_server.url}/chatbots/")
    expect(page.get_by_text("Create your first chatbot")).to_be_visible()
    expect(page.get_by_role("link", name="Upload documents")).to_be_visible()
    screenshot(page, "chatbots-list-empty")

    page.get_by_role("link", name="Create a chatbot").click()
    expect(page.get_by_role("heading", name="New chatbot")).to_be_visible()
    expect(page.get_by_text("No processed documents yet")).to_be_visible()
    page.get_by_label("Name").fill("Billing helper")
    expect(page.locator("[data-preview-name]")).to_have_text("Billing helper")
    page.get_by_label("Model").select_option("llama3.2:latest")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "chatbots-new")
    page.get_by_role("button", name="Create chatbot").click()
    expect(page.get_by_text("Billing helper created.")).to_be_visible()
    expect(page.get_by_label("Your question")).to_be_visible()
    bot = Chatbot.objects.get(organization=e2e_admin.organization)
    assert bot.name == "Billing helper" and bot.model == "llama3.2"  # the same model as llama3.2:latest
    assert page_errors == []
