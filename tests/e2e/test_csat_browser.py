"""The public CSAT page of the email channel's link, on a 390 px phone: the contact picks a rating
with the keyboard, adds a comment and is thanked; the link then says it has been used."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conversations.models import CsatSurvey
from conversations.services.csat import csat_link_token
from conversations.services.inboxes import inbox_create
from conversations.services.lifecycle import conversation_set_status
from tests.conversations.factories import make_conversation
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.browser


def test_the_contact_rates_on_the_public_page_from_a_phone(browser, live_server, e2e_admin):
    organization = e2e_admin.organization
    inbox = inbox_create(
        organization=organization, name="Support mail", channel="email", email="help@acme.test"
    )
    conversation = make_conversation(
        organization, inbox=inbox, email="pat@example.com", subject="Refund for order 88"
    )
    conversation_set_status(conversation=conversation, status="Resolved", actor=e2e_admin)
    survey = CsatSurvey.objects.get(conversation=conversation)
    url = f"{live_server.url}/csat/{csat_link_token(survey)}"

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url + "?rating=5")
    expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()
    expect(page.get_by_text("Refund for order 88")).to_be_visible()
    great = page.get_by_label("5 · Great")
    expect(great).to_be_checked()  # the email's "5" link preselects it
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "csat-page-phone")

    great.focus()
    page.keyboard.press("ArrowDown")  # radio buttons: arrows move the choice
    expect(page.get_by_label("4 · Good")).to_be_checked()
    page.get_by_label("Anything you would like to tell us?").fill("Refund arrived, thanks.")
    page.get_by_role("button", name="Send my rating").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.get_by_text("4 out of 5")).to_be_visible()
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (4, "Refund arrived, thanks.")

    page.goto(url)
    expect(page.get_by_role("heading", name="This link has been used already")).to_be_visible()
    page.goto(f"{live_server.url}/csat/not-a-real-token")
    expect(page.get_by_role("heading", name="This link is not valid")).to_be_visible()
    assert errors == []
    context.close()
