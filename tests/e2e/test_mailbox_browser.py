"""End to end in headless Chromium: an admin connects an email inbox's mailbox (a real Dovecot)
from the inbox's page, tests the connection, and the page fits a 390 px phone. Screenshots go
to var/screenshots/mailbox-*.png."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.browser

OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_an_admin_connects_a_mailbox_and_tests_it(page, live_server, e2e_admin, dovecot, page_errors):
    from conversations.models import Channel, Inbox, Mailbox

    inbox = Inbox.objects.create(
        organization=e2e_admin.organization,
        name="Support mail",
        channel=Channel.EMAIL,
        email="support@acme.test",
    )
    login(page, live_server, e2e_admin.user.email)
    page.goto(f"{live_server.url}/settings/inboxes/{inbox.pk}/")
    page.get_by_role("link", name="Mailbox settings").click()
    expect(page.get_by_role("heading", name="Mailbox of Support mail")).to_be_visible()

    page.get_by_label("IMAP server").fill("127.0.0.1")
    page.get_by_label("IMAP port").fill(str(dovecot.port))
    page.get_by_label("Security", exact=True).select_option("none")
    page.get_by_label("User name", exact=True).fill(dovecot.new_user())
    page.locator("#id_password").fill("secret")
    page.locator("#id_password").press("Enter")  # keyboard submit
    expect(page.get_by_text("The mailbox of Support mail is saved.")).to_be_visible()
    assert page.locator("#id_password").input_value() == ""  # never echoed

    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_text("Connected: 0 message(s) in INBOX.")).to_be_visible()
    screenshot(page, "mailbox-settings")
    assert Mailbox.objects.get(inbox=inbox).password_encrypted

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate(OVERFLOW)
    screenshot(page, "mailbox-settings-phone", full_page=False)
    assert page_errors == []


def test_an_agent_opens_the_full_original_of_a_trimmed_mail(
    page, live_server, e2e_admin, dovecot, page_errors
):
    from conversations.models import Channel, Conversation, Inbox
    from conversations.services import mailboxes
    from tests.conversations.test_email_channel import mail

    inbox = Inbox.objects.create(
        organization=e2e_admin.organization,
        name="Support mail",
        channel=Channel.EMAIL,
        email="support@acme.test",
    )
    user = dovecot.new_user()
    mailbox = mailboxes.mailbox_save(
        inbox=inbox, host="127.0.0.1", port=dovecot.port, security="none", username=user, password="secret"
    )
    quoted = "\n".join(
        f"> An earlier line of the thread, number {n}, quoted by the mail client." for n in range(8)
    )
    dovecot.deliver(
        user, mail(text=f"It is still broken after the update.\n\nOn Mon, Support wrote:\n{quoted}")
    )
    assert mailboxes.mailbox_poll(mailbox_id=mailbox.pk) == 1
    conversation = Conversation.objects.get(inbox=inbox)

    login(page, live_server, e2e_admin.user.email)
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/inbox/c/{conversation.uuid}/")
        original = page.locator("[data-email-original]")
        expect(original.locator("pre")).to_be_hidden()
        original.locator("summary").focus()
        page.keyboard.press("Enter")  # a <details>: the keyboard opens it too
        expect(original.locator("pre")).to_contain_text("number 7, quoted by the mail client")
        screenshot(page, f"mailbox-original-{width}", full_page=False)
        assert page.evaluate(OVERFLOW)
    assert page_errors == []
