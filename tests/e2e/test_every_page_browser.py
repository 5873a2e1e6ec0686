"""Every agent and admin page reachable from the navigation, in headless Chromium: each fits a
390x844 phone without horizontal scrolling, and none asks the browser for anything outside this
server (no CDN, font, analytics or image host). The pages are found by following the links of the
top navigation, the settings sub-navigation and the pages they lead to (one page per URL shape:
one conversation, one contact, one chatbot…), so a page added later is checked without editing
this list. Also: a bulk assign of 50 conversations through the list (shift-click range and
"select all matching") with its count and undo, checked in the database."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from conversations.models import Conversation
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_chatbots_browser import clean_knowledge, widget_bot  # noqa: F401 (fixtures)
from tests.e2e.test_conversations_browser import seed_workspace

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Not pages to look at: signing out, downloads, raw endpoints and the admin site (its own product).
NOT_PAGES = re.compile(
    r"^/(logout|login|admin|realtime|media|static|api/(v1|schema))(/|$)"
    r"|\.(csv|js|json|txt|pdf)$|/(download|delete|export|retry|read|read-all|menu|status|live)/$"
)
# What sticks out, to say why a page is too wide.
WIDEST = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(-4).map(e => e.tagName.toLowerCase() + '.' + String(e.className).split(' ')[0]
  + ' right=' + Math.round(e.getBoundingClientRect().right))"""
# Tab bars wrap (or become a select) on a phone instead of scrolling sideways.
SCROLLING_TABS = """() => Array.from(document.querySelectorAll('.tabs'))
  .filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.getAttribute('aria-label') || t.className)"""
LINKS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"


def shape(path: str) -> str:
    """One page per kind: /inbox/c/<uuid>/ and /contacts/<n>/ stand for all their siblings."""
    path = re.sub(r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=/|$)", "/<uuid>", path)
    return re.sub(r"/\d+(?=/|$)", "/<n>", path)


def start_pages(page, base: str) -> list[str]:
    """The top navigation's areas, the settings pages, notifications and the API docs."""
    page.goto(f"{base}/inbox/")
    starts = [f"{base}/inbox/?tab=all"]  # first: its rows lead to a conversation
    starts += page.eval_on_selector_all("nav.nav a[href]", "links => links.map(a => a.href)")
    page.goto(f"{base}/settings/")
    starts += page.eval_on_selector_all(".subnav a[href]", "links => links.map(a => a.href)")
    starts += [f"{base}/notifications/", f"{base}/api/docs/", f"{base}/api/redoc/"]
    return starts


def visit_every_page(page, base: str, check) -> list[str]:
    """Open the start pages and the pages they lead to (three levels, one per URL shape), calling
    ``check(path)`` on each once it has loaded; returns the paths visited."""
    seen: set[str] = set()
    visited: list[str] = []
    level = start_pages(page, base)
    for _ in range(3):
        following: list[str] = []
        for url in level:
            parts = urlsplit(url)
            if parts.netloc != urlsplit(base).netloc or NOT_PAGES.search(parts.path):
                continue
            if shape(parts.path) in seen:
                continue
            seen.add(shape(parts.path))
            response = page.goto(base + parts.path + (f"?{parts.query}" if parts.query else ""))
            assert response is not None and response.status == 200, (
                f"{parts.path}: {response and response.status}"
            )
            page.wait_for_load_state("load")
            visited.append(parts.path)
            check(parts.path)
            if not parts.path.startswith("/api/"):
                following += page.evaluate(LINKS)
        level = following
    return visited


@pytest.fixture
def every_kind_of_row(e2e_admin, widget_bot):  # noqa: F811 (a fixture)
    """Conversations, contacts, teams, a chatbot with its two documents, a Q&A item, a
    notification: so each page has a row to open and its detail page is reached."""
    from helpdesk.models import NotificationKind
    from helpdesk.services.notifications import NotificationDraft, notifications_send
    from tests.chatbots.factories import make_kb_item

    workspace = seed_workspace(e2e_admin.organization, e2e_admin)
    make_kb_item(e2e_admin.organization, "How do I reset my password?", "Use the link we email you.")
    conversation = Conversation.objects.filter(organization=e2e_admin.organization).first()
    notifications_send(
        organization=e2e_admin.organization, recipients=[e2e_admin], actor=workspace["agent"],
        draft=NotificationDraft(
            kind=NotificationKind.ASSIGNED, title="Sam assigned you a conversation",
            link=f"/inbox/c/{conversation.uuid}/", conversation_id=conversation.pk,
        ),
    )  # fmt: skip
    return workspace


def test_every_page_fits_a_phone(browser, live_server, e2e_admin, every_kind_of_row, page_errors):
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    too_wide: dict[str, object] = {}

    def fits(path: str) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        tabs = page.evaluate(SCROLLING_TABS)
        if width > PHONE["width"] or tabs:
            too_wide[path] = (width, page.evaluate(WIDEST), tabs)
            screenshot(page, "too-wide" + shape(path).replace("/", "-").rstrip("-"), full_page=False)

    try:
        login(page, live_server, e2e_admin.user.email)
        visited = visit_every_page(page, live_server.url, fits)
    finally:
        context.close()
    print("visited:", *visited, sep="\n  ")
    assert too_wide == {}
    for expected in ("/inbox/", "/contacts/", "/knowledge/", "/chatbots/", "/reports/", "/notifications/"):
        assert expected in visited
    assert any(path.startswith("/inbox/c/") for path in visited)  # a conversation
    assert any(re.match(r"^/contacts/\d+/$", path) for path in visited)  # a contact
    assert any(re.match(r"^/chatbots/\d+/", path) for path in visited)  # a chatbot's pages
    assert any(path.startswith("/reports/") and path != "/reports/" for path in visited)  # report tabs
    assert sum(path.startswith("/settings/") for path in visited) >= 10


def test_no_page_asks_for_anything_outside_this_server(browser, live_server, e2e_admin, every_kind_of_row):
    context = browser.new_context(viewport={"width": 1360, "height": 860}, locale="en-US")
    outside: list[str] = []

    def record(request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname not in LOCAL_HOSTS:
            outside.append(f"{request.frame.url if request.frame else '?'} -> {request.url}")

    context.on("request", record)
    page = context.new_page()
    try:
        login(page, live_server, e2e_admin.user.email)
        visited = visit_every_page(page, live_server.url, lambda path: None)
        page.set_viewport_size(PHONE)  # the phone layout may load other assets
        for path in ("/inbox/", visited[0]):
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
    finally:
        context.close()
    assert len(visited) >= 30
    assert outside == []


def test_bulk_assign_of_50_conversations_with_the_count_and_undo(
    browser, live_server, e2e_admin, page_errors
):
    from conversations.services import defaults
    from tests.conversations.factories import make_conversation
    from tests.factories import MembershipFactory

    organization = e2e_admin.organization
    defaults.ensure(organization)
    priya = MembershipFactory(
        organization=organization, role="agent", user__first_name="Priya", user__last_name="Shah"
    )
    for number in range(50):
        make_conversation(organization, subject=f"Order {number:02d} is late")
    ids = set(Conversation.objects.filter(organization=organization).values_list("pk", flat=True))
    context = browser.new_context(viewport={"width": 1360, "height": 860}, locale="en-US")
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        login(page, live_server, e2e_admin.user.email)
        page.goto(f"{live_server.url}/inbox/?tab=all")
        boxes = page.locator("#conv-list [data-bulk-check]")
        shown = boxes.count()
        assert 1 < shown < 50  # one page of the list
        boxes.first.click()
        boxes.last.click(modifiers=["Shift"])  # the whole range shown
        expect(page.locator("[data-bulk-count]")).to_have_text(f"{shown} selected")
        page.get_by_role("button", name="Select all 50 matching").click()
        expect(page.locator("[data-bulk-count]")).to_contain_text("50")
        page.locator("[data-bulk-op]").select_option(f"agent:{priya.pk}")
        page.locator("[data-bulk-apply]").click()
        # 50 conversations' events on a shared 2-core machine: give the answer time
        expect(page.locator("[data-bulk-message]")).to_have_text(
            "Assigned 50 of 50 conversations.", timeout=30_000
        )
        assert set(Conversation.objects.filter(pk__in=ids).values_list("assigned_agent_id", flat=True)) == {
            priya.pk
        }
        page.locator("[data-bulk-undo]").click()
        expect(page.locator("[data-bulk-message]")).to_have_text(
            "Undone on 50 conversations.", timeout=30_000
        )
        assert set(Conversation.objects.filter(pk__in=ids).values_list("assigned_agent_id", flat=True)) == {
            None
        }
    finally:
        context.close()
    assert page_errors == []
