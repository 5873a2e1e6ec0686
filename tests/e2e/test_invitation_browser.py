"""An admin invites a new agent from Settings → Agents; the agent opens the emailed one-time link
in their own browser, chooses a password and lands in the product; the link is refused after."""

import re

import pytest
from django.core import mail

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.browser


def test_invited_agent_sets_a_password_from_the_email_link(logged_in_page, live_server, browser, page_errors):
    page = logged_in_page
    page.goto(f"{live_server.url}/settings/agents/")
    page.get_by_label("Email").fill("sam@acme.test")
    page.get_by_label("Name optional").fill("Sam Agent")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to sam@acme.test").wait_for()
    link = re.search(r"https?://\S+/invitation/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("/invitation/", 1)[1]

    context = browser.new_context(viewport={"width": 390, "height": 844})
    invited = context.new_page()
    invited.goto(f"{live_server.url}/invitation/{path}")
    for width, height in ((1440, 900), (390, 844)):
        invited.set_viewport_size({"width": width, "height": height})
        screenshot(invited, f"invitation-{width}")
        assert invited.evaluate("document.documentElement.scrollWidth") <= width
    invited.get_by_label("New password", exact=True).fill("a-long-and-uncommon-passphrase")
    invited.get_by_label("New password confirmation").fill("a-long-and-uncommon-passphrase")
    invited.get_by_role("button", name="Set password and join").click()
    invited.get_by_text("Welcome to Acme.").wait_for()

    invited.goto(f"{live_server.url}/invitation/{path}")
    assert invited.get_by_text("This link cannot be used").is_visible()
    screenshot(invited, "invitation-spent-390")
    context.close()
    assert page_errors == []
