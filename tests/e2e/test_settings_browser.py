"""End to end in headless Chromium: sign in through the form, create an API key in Settings (shown
once), use it against the API, revoke it through the confirm dialog; plus the shell's keyboard
shortcuts and a screenshot of every core page for a human to look at (var/screenshots/)."""

import json
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from helpdesk import navigation
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.browser


def api_get(live_server, path: str, key: str) -> tuple[int, dict]:
    """A plain HTTP client with no cookies: only the key can authenticate it."""
    request = urllib.request.Request(f"{live_server.url}{path}", headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_login_then_create_an_api_key_that_works_and_revoke_it(page, live_server, e2e_admin, page_errors):
    page.goto(f"{live_server.url}/login/")
    screenshot(page, "login")
    page.get_by_label("Email").fill("admin@acme.test")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Wrong email or password")).to_be_visible()
    screenshot(page, "login-error")

    login(page, live_server, "admin@acme.test")
    screenshot(page, "after-login")  # the first registered area, or the getting-started page

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Organization", exact=True)).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="API keys").click()
    expect(page.get_by_text("No API keys yet")).to_be_visible()
    screenshot(page, "api-keys-empty")

    page.get_by_label("Name").fill("Browser key")
    page.get_by_label("Write").check()
    page.get_by_role("button", name="Create key").click()
    secret = page.locator("#full-key")
    expect(secret).to_be_visible()
    expect(page.get_by_text("won't be shown again")).to_be_visible()
    full_key = secret.inner_text().strip()
    assert re.fullmatch(r"pk_[0-9a-f]{16}\.[0-9a-f]{48}", full_key), full_key
    screenshot(page, "api-key-created")

    status, body = api_get(live_server, "/api/v1/agents/me", full_key)
    assert status == 200, body
    assert body["email"] == "admin@acme.test"

    page.goto(f"{live_server.url}/settings/api-keys/")
    expect(page.locator("#full-key")).to_have_count(0)
    expect(page.get_by_role("cell", name="Browser key")).to_be_visible()

    page.get_by_role("button", name="Revoke").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    screenshot(page, "confirm-dialog", full_page=False)
    dialog.get_by_role("button", name="Revoke key").click()
    expect(page.get_by_text("revoked. Requests using it now get 401")).to_be_visible()
    expect(page.get_by_role("cell", name="Revoked")).to_be_visible()
    screenshot(page, "api-key-revoked")
    assert api_get(live_server, "/api/v1/agents/me", full_key)[0] == 401
    assert page_errors == []


@pytest.fixture
def without_landing_areas():
    """Hide the apps' areas (Inbox, …) so home shows its getting-started page; restored after."""
    saved = dict(navigation._nav_items)
    for item in navigation.nav_items():
        if item.landing:
            navigation.unregister(item.key)
    yield
    navigation._nav_items.clear()
    navigation._nav_items.update(saved)


def test_home_without_areas_shows_getting_started(without_landing_areas, logged_in_page, live_server):
    page = logged_in_page
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name=re.compile("Welcome to Parley"))).to_be_visible()
    expect(page.get_by_text("0 of 4 done")).to_be_visible()
    screenshot(page, "home")


def test_keyboard_shortcuts(logged_in_page, live_server, page_errors):
    page = logged_in_page
    page.keyboard.press("?")
    dialog = page.locator("#shortcuts-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Go to Settings")).to_be_visible()
    screenshot(page, "shortcuts", full_page=False)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.keyboard.press("g")
    page.keyboard.press("s")
    page.wait_for_url(re.compile(r"/settings/organization/$"))
    assert page_errors == []


SETTINGS_PAGES = {
    "settings-organization": "/settings/organization/",
    "settings-agents": "/settings/agents/",
    "settings-teams-empty": "/settings/teams/",
    "settings-team-new": "/settings/teams/new/",
    "settings-webhooks-empty": "/settings/webhooks/",
    "settings-webhook-new": "/settings/webhooks/new/",
    "settings-profile": "/settings/profile/",
}


def test_settings_pages_render_without_errors(logged_in_page, live_server, page_errors):
    page = logged_in_page
    for name, path in SETTINGS_PAGES.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        expect(page.locator(".subnav__link[aria-current=page]")).to_have_count(1)
        screenshot(page, name)
    assert page_errors == []


def test_invite_agent_and_create_team(logged_in_page, live_server, page_errors):
    page = logged_in_page
    page.goto(f"{live_server.url}/settings/teams/new/")
    page.get_by_label("Name").fill("Support")
    page.get_by_label("Emoji").fill("🎧")
    page.get_by_label("Assignment", exact=True).select_option("round_robin")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_text("Team 🎧 Support created.")).to_be_visible()
    screenshot(page, "settings-teams")

    page.goto(f"{live_server.url}/settings/agents/")
    page.get_by_label("Email").fill("sam@acme.test")
    page.get_by_label("Name optional").fill("Sam Agent")
    page.get_by_label("🎧 Support").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to sam@acme.test")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Sam Agent"))).to_be_visible()
    screenshot(page, "settings-agents-invited")
    assert page_errors == []


def test_webhook_send_test_updates_the_log(
    logged_in_page, live_server, e2e_admin, webhook_receiver, page_errors
):
    organization = e2e_admin.organization
    organization.allowed_outbound_hosts = ["127.0.0.1"]
    organization.save()
    page = logged_in_page
    page.goto(f"{live_server.url}/settings/webhooks/new/")
    page.get_by_label("Endpoint URL").fill(webhook_receiver.url)
    page.get_by_label("ticket.created").check()
    page.get_by_role("button", name="Create webhook").click()
    expect(page.get_by_text("Webhook created.")).to_be_visible()
    page.get_by_role("button", name="Send test").click()
    expect(page.locator(".toast")).to_contain_text("Test delivery queued")
    expect(page.locator("#deliveries").get_by_text("webhook.test")).to_be_visible()
    expect(page.locator("#deliveries").get_by_text("Succeeded")).to_be_visible(timeout=10_000)
    screenshot(page, "settings-webhook")
    assert len(webhook_receiver.requests) == 1
    assert page_errors == []


def test_organization_switcher_and_user_menu(logged_in_page, live_server, e2e_admin, page_errors):
    from helpdesk.models import Role
    from tests.factories import MembershipFactory, OrganizationFactory

    globex = OrganizationFactory(name="Globex", slug="globex-e2e")
    MembershipFactory(organization=globex, user=e2e_admin.user, role=Role.AGENT)
    page = logged_in_page
    page.goto(f"{live_server.url}/settings/teams/")
    page.get_by_label("Switch organization").click()
    expect(page.get_by_role("menuitem", name="Globex")).to_be_visible()
    screenshot(page, "org-switcher", full_page=False)
    page.get_by_role("menuitem", name="Globex").click()
    expect(page.get_by_text("Switched to Globex.")).to_be_visible()
    assert page.url.endswith("/settings/teams/")
    expect(page.locator("summary.switcher")).to_contain_text("Globex")
    # an agent of Globex: the admin pages left the sub-navigation
    expect(page.get_by_role("link", name="API keys")).to_have_count(0)

    page.get_by_label("Account menu").click()
    expect(page.get_by_role("menuitem", name="Sign out")).to_be_visible()
    screenshot(page, "user-menu", full_page=False)
    page.get_by_role("menuitem", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login/"))
    assert page_errors == []


def test_not_found_page(logged_in_page, live_server):
    page = logged_in_page
    response = page.goto(f"{live_server.url}/settings/teams/987654/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    screenshot(page, "not-found")


def test_narrow_screen_layout(logged_in_page, live_server, page_errors):
    page = logged_in_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/settings/agents/")
    expect(page.get_by_role("heading", name="Agents", exact=True)).to_be_visible()
    # nothing wider than the screen except scrollable tables
    screenshot(page, "mobile-agents")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, overflow
    assert page_errors == []
