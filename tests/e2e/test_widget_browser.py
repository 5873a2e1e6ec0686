"""The chat widget end to end, across two real origins: a plain HTML page served on its own
loopback port embeds the snippet; the visitor writes; an agent in a second browser context sees
the conversation appear live, opens it and replies; the visitor sees the reply live, with the
agent's name; a reload keeps the conversation. Screenshots (desktop and a 390 px phone) go to
var/screenshots/."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from conversations.models import Conversation
from conversations.services.domains import domain_bind, domain_update
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_chatbots_browser import clean_knowledge, widget_bot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

HOST_PORTS = range(18850, 18860)  # this test's share of the loopback ports


class HostPage:
    """A customer's site: one static page, nothing of ours but the snippet."""

    def __init__(self, html: str):
        page = html.encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        for port in HOST_PORTS:
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            pytest.skip("no free port for the host page")
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def snippet_page(token: str, server: str) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Outdoor Gear</title>
<style>body{{font-family:Georgia,serif;margin:0;background:#fef3c7}} header{{background:#78350f;color:#fff;padding:24px}}
main{{padding:24px;max-width:720px}} button{{all:unset}} div{{color:red !important}}</style>
<script>window.novaChatSettings = {{ websiteToken: "{token}", position: "bottom_right" }};</script>
<script src="{server}/widget.js" async></script></head>
<body><header><h1>Acme Outdoor Gear</h1></header><main><h2>Tents for every season</h2>
<p>Free returns within 30 days. Questions? Our team is one click away.</p></main></body></html>"""


@pytest.fixture
def host_site(live_server, e2e_admin):
    organization = e2e_admin.organization
    domain = domain_bind(organization=organization, website_url="http://127.0.0.1/", label="Acme Outdoor")
    host = HostPage("")
    domain_update(
        domain=domain,
        allowed_origins=[host.url],
        color="#0f766e",
        greeting="Hi! Ask us anything about your order.",
    )
    host.stop()
    host = HostPage(snippet_page(domain.website_token, live_server.url))
    yield host, domain
    host.stop()


def test_visitor_and_agent_talk_live_across_origins(browser, live_server, e2e_admin, host_site):
    host, domain = host_site
    # the agent, in a second browser context, watches the inbox
    agent_context = browser.new_context(viewport={"width": 1360, "height": 860})
    agent = agent_context.new_page()
    login(agent, live_server, e2e_admin.user.email)
    agent.goto(f"{live_server.url}/inbox/?tab=all")
    expect(agent.locator("#conv-list")).to_be_visible()

    visitor_context = browser.new_context(viewport={"width": 1280, "height": 800})
    visitor = visitor_context.new_page()
    errors: list[str] = []
    visitor.on("pageerror", lambda error: errors.append(str(error)))
    visitor.goto(host.url)

    launcher = visitor.get_by_role("button", name="Chat with us")
    expect(launcher).to_be_visible()
    launcher.click()
    dialog = visitor.get_by_role("dialog", name="Acme Outdoor")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Ask us anything about your order")
    visitor.get_by_label("Your name").fill("Jamie Rivera")
    visitor.get_by_label("Your email").fill("jamie@example.com")
    visitor.get_by_label("Your message").fill("Where is my order #4471? It was due yesterday.")
    visitor.get_by_label("Your message").press("Enter")
    expect(dialog.locator(".me")).to_contain_text("order #4471")

    conversation = Conversation.objects.get(inbox=domain.inbox)
    assert conversation.contact.email == "jamie@example.com"

    # it appears in the agent's inbox without a reload; the agent opens it, and the visitor's
    # next message arrives live in the open conversation
    expect(agent.locator("#conv-list")).to_contain_text("Jamie Rivera", timeout=20_000)
    agent.goto(f"{live_server.url}/inbox/c/{conversation.uuid}/")
    expect(agent.locator(".msg--in").last).to_contain_text("order #4471")
    visitor.get_by_label("Your message").fill("Hello? Anyone there?")
    visitor.get_by_label("Your message").press("Enter")
    expect(dialog.locator(".me")).to_have_count(2)
    expect(dialog.get_by_role("alert")).to_have_text("")
    expect(agent.locator(".msg--in").last).to_contain_text("Anyone there", timeout=20_000)

    # the visitor asks for a person: the product's notice shows in the panel, the button goes
    visitor.get_by_role("button", name="Talk to a person").click()
    expect(dialog.locator(".them", has_text="person")).to_be_visible()
    expect(visitor.get_by_role("button", name="Talk to a person")).to_be_hidden()
    composer = agent.locator("[data-rich-editor]")
    composer.click()
    composer.fill("Hi Jamie, your parcel left our warehouse this morning.")
    composer.press("Control+Enter")
    expect(agent.locator(".msg--out").last).to_contain_text("left our warehouse")

    reply = dialog.locator(".them", has_text="left our warehouse")
    expect(reply).to_be_visible(timeout=20_000)
    expect(reply.locator(".who")).to_contain_text("Ada")
    screenshot(visitor, "widget-desktop", full_page=False)

    # the host page's CSS does not reach inside; a reload keeps the conversation
    assert (
        visitor.evaluate(
            "() => getComputedStyle(document.querySelector('[data-parley-widget]').shadowRoot"
            ".querySelector('.them .body')).color"
        )
        != "rgb(255, 0, 0)"
    )
    visitor.reload()
    visitor.get_by_role("button", name="Chat with us").click()
    expect(visitor.get_by_role("dialog").locator(".them", has_text="left our warehouse")).to_be_visible()
    visitor.keyboard.press("Escape")
    expect(visitor.get_by_role("dialog")).to_be_hidden()
    composer.fill("Tracking number: 1Z999AA10123456784.")
    composer.press("Control+Enter")
    expect(visitor.get_by_role("button", name="Chat with us")).to_contain_text(
        "1 unread message", timeout=20_000
    )

    # on a phone, the open panel takes the whole screen
    phone_context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone = phone_context.new_page()
    phone.goto(host.url)
    phone.get_by_role("button", name="Chat with us").click()
    panel = phone.get_by_role("dialog")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box["width"] == 390 and box["x"] == 0
    screenshot(phone, "widget-phone", full_page=False)
    assert errors == []
    for context in (visitor_context, agent_context, phone_context):
        context.close()


def test_the_domain_settings_page_previews_the_widget(logged_in_page, live_server, e2e_admin, page_errors):
    page = logged_in_page
    page.goto(f"{live_server.url}/settings/domains/")
    page.get_by_label("Website address").fill("https://shop.example.com")
    page.get_by_label("Label").fill("Shop")
    page.get_by_role("button", name="Bind domain").click()
    expect(page.get_by_role("heading", name="Shop", exact=True)).to_be_visible()
    expect(page.locator("#snippet")).to_contain_text("window.novaChatSettings")

    page.get_by_label("Greeting").fill("Welcome to the shop!")
    page.get_by_role("button", name="Save widget").click()
    page.get_by_role("button", name="Chat with us").click()
    expect(page.get_by_role("dialog", name="Shop")).to_contain_text("Welcome to the shop!")
    screenshot(page, "widget-settings", full_page=False)
    assert page_errors == []


def test_the_bot_answers_in_the_widget_with_sources_and_is_rated(
    browser,
    live_server,
    e2e_admin,
    host_site,
    widget_bot,  # noqa: F811 (the fixture imported above)
    fake_ollama,
):
    from chatbots.models import ChatMessage
    from chatbots.services.inbox_bots import inbox_bot_set

    host, domain = host_site
    inbox_bot_set(organization=e2e_admin.organization, inbox=domain.inbox, chatbot=widget_bot, is_active=True)
    fake_ollama.delay = 0.05
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    visitor = context.new_page()
    visitor.goto(host.url)
    visitor.get_by_role("button", name="Chat with us").click()
    dialog = visitor.get_by_role("dialog")
    visitor.get_by_label("Your email").fill("sam@example.com")
    visitor.get_by_label("Your message").fill("How long does the warranty last?")
    visitor.get_by_label("Your message").press("Enter")

    answer = dialog.locator(".them[data-sender-type='bot']")
    expect(answer).to_be_visible(timeout=30_000)
    expect(answer.locator(".sources")).to_contain_text("[1]")
    answer.get_by_role("button", name="Helpful", exact=True).click()
    expect(answer.get_by_role("button", name="Helpful", exact=True)).to_have_attribute("aria-pressed", "true")
    screenshot(visitor, "widget-bot-answer", full_page=False)
    assert ChatMessage.objects.filter(message__conversation__inbox=domain.inbox, rating=1).count() == 1
    context.close()


def test_the_visitor_rates_the_resolved_conversation_and_the_agent_sees_it(
    browser, live_server, e2e_admin, host_site
):
    from conversations.models import CsatSurvey

    host, domain = host_site
    visitor_context = browser.new_context(viewport={"width": 1280, "height": 800})
    visitor = visitor_context.new_page()
    errors: list[str] = []
    visitor.on("pageerror", lambda error: errors.append(str(error)))
    visitor.goto(host.url)
    visitor.get_by_role("button", name="Chat with us").click()
    dialog = visitor.get_by_role("dialog")
    visitor.get_by_label("Your email").fill("robin@example.com")
    visitor.get_by_label("Your message").fill("Can I change the delivery address?")
    visitor.get_by_label("Your message").press("Enter")
    expect(dialog.locator(".me")).to_contain_text("delivery address")
    conversation = Conversation.objects.get(inbox=domain.inbox)

    # the agent resolves it on the conversation page; the open widget asks at once
    agent_context = browser.new_context(viewport={"width": 1360, "height": 860})
    agent = agent_context.new_page()
    login(agent, live_server, e2e_admin.user.email)
    agent.goto(f"{live_server.url}/inbox/c/{conversation.uuid}/")
    agent.locator("#prop-status").select_option(label="Resolved")
    question = dialog.locator(".csat")
    expect(question).to_contain_text("How did we do?", timeout=20_000)

    # a reload still shows the pending question (from the conversation payload), once
    visitor.reload()
    visitor.get_by_role("button", name="Chat with us").click()
    dialog = visitor.get_by_role("dialog")
    question = dialog.locator(".csat")
    expect(question).to_have_count(1)
    send = question.get_by_role("button", name="Send rating")
    expect(send).to_be_disabled()
    four = question.get_by_role("button", name="4 out of 5, Good")
    screenshot(visitor, "widget-csat-question", full_page=False)
    four.focus()
    visitor.keyboard.press("Enter")  # keyboard works: the buttons are real buttons
    expect(four).to_have_attribute("aria-pressed", "true")
    question.get_by_label("Anything to add? (optional)").fill("Quick answer, thanks!")
    send.click()
    expect(dialog.locator(".csat")).to_contain_text("Thank you for your feedback!")
    screenshot(visitor, "widget-csat", full_page=False)

    survey = CsatSurvey.objects.get(conversation=conversation)
    assert (survey.rating, survey.comment) == (4, "Quick answer, thanks!")
    # the agent's open page shows the rating without a reload
    rating = agent.locator("#cv-csat")
    expect(rating).to_contain_text("4/5", timeout=20_000)
    expect(rating).to_contain_text("Quick answer, thanks!")
    expect(agent.get_by_role("img", name="Rated 4 out of 5")).to_be_visible()
    screenshot(agent, "conversation-csat", full_page=False)

    # answered: a reload does not ask again
    visitor.reload()
    visitor.get_by_role("button", name="Chat with us").click()
    expect(visitor.get_by_role("dialog").locator(".me")).to_contain_text("delivery address")
    expect(visitor.get_by_role("dialog").locator(".csat")).to_have_count(0)
    assert errors == []
    for context in (visitor_context, agent_context):
        context.close()
