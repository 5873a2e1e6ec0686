"""End to end in headless Chromium: an agent works the inbox (keyboard included), opens a
conversation, replies, adds a private note, assigns it, resolves it; new conversations appear
without a reload. Screenshots of the inbox (15 realistic conversations) and of a conversation go
to var/screenshots/ for a human to look at."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conversations.models import Conversation, Message, MessageType, StatusCategory
from conversations.services import canned, catalog, defaults, macros, sla
from conversations.services.assignment import conversation_assign_agent, conversation_assign_team
from conversations.services.contacts import contact_note_create
from conversations.services.conversations import conversation_create, conversation_mark_seen
from conversations.services.lifecycle import conversation_set_status
from conversations.services.messages import message_create
from helpdesk.models import Role
from tests.e2e.conftest import E2E_PASSWORD, login, screenshot
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.browser

# (first, last, email, subject, priority, tags, minutes ago, [(sender, text)], state)
SEED = [
    (
        "Maria",
        "Gonzalez",
        "maria.gonzalez@example.com",
        "Charged twice for my March invoice",
        "High",
        ["billing"],
        4,
        [
            (
                "contact",
                "Hi, I was charged twice for invoice INV-2291 (49.00 EUR each). Can you refund one of them?",
            )
        ],
        "open",
    ),
    (
        "Tom",
        "Becker",
        "tom.becker@example.org",
        "Can't log in after password reset",
        "Urgent",
        ["bug"],
        18,
        [
            ("contact", "I reset my password an hour ago and now the login page just reloads."),
            ("agent", "Sorry about that, Tom. Could you tell me which browser you use?"),
            ("contact", "Firefox 128 on Windows. Same thing in Edge."),
        ],
        "mine",
    ),
    (
        "Aiko",
        "Tanaka",
        "aiko@tanaka-design.jp",
        "Where is my order #48213?",
        "Medium",
        ["shipping"],
        42,
        [("contact", "The tracking page has said 'label created' for six days now.")],
        "team",
    ),
    (
        "Liam",
        "O'Connor",
        "liam.oconnor@example.ie",
        "Feature request: export reports to CSV",
        "Low",
        ["feature-request"],
        95,
        [("contact", "It would save us hours if the monthly report could be exported to CSV.")],
        "open",
    ),
    (
        "Fatima",
        "Zahra",
        "fatima.zahra@example.com",
        "API returns 502 on /v2/orders",
        "Urgent",
        ["bug", "api"],
        130,
        [
            ("contact", "Since 09:40 UTC every POST to /v2/orders answers 502 Bad Gateway."),
            ("note", "Infra confirms a bad deploy on the orders service, rollback in progress."),
        ],
        "mine",
    ),
    (
        "Jonas",
        "Weber",
        "jonas.weber@example.de",
        "Refund for damaged headphones",
        "Medium",
        ["refund"],
        200,
        [("contact", "The headphones arrived with a cracked headband. Photos attached in my next mail.")],
        "team",
    ),
    (
        "Chloe",
        "Martin",
        "chloe.martin@example.fr",
        "How do I add a teammate?",
        None,
        ["onboarding"],
        260,
        [
            ("contact", "We just upgraded to the Business plan. How do I invite my colleague?"),
            ("agent", "Go to Settings → Agents and click Invite agent. They get an email right away."),
        ],
        "replied",
    ),
    (
        "Ravi",
        "Patel",
        "ravi@patel-consulting.in",
        "Invoice needs our VAT number",
        "Low",
        ["billing"],
        380,
        [("contact", "Please reissue invoice INV-2270 with our VAT number IN29AAACP1234Z1ZV.")],
        "open",
    ),
    (
        "Emma",
        "Johansson",
        "emma.j@example.se",
        "App crashes when uploading photos",
        "High",
        ["bug", "mobile"],
        520,
        [("contact", "The iOS app closes as soon as I pick more than three photos.")],
        "team",
    ),
    (
        "Lucas",
        "Silva",
        "lucas.silva@example.com.br",
        "Change my delivery address",
        "Medium",
        ["shipping"],
        700,
        [
            ("contact", "I moved last week; can you change the address on order #48190?"),
            ("agent", "Done! The courier has the new address."),
        ],
        "snoozed",
    ),
    (
        "Nina",
        "Petrova",
        "nina.petrova@example.com",
        "Cancel my subscription",
        "Medium",
        ["billing", "churn"],
        900,
        [("contact", "Please cancel at the end of this billing period.")],
        "open",
    ),
    (
        "Oliver",
        "Smith",
        "oliver.smith@example.co.uk",
        "Discount code SPRING20 not working",
        "Low",
        [],
        1300,
        [("contact", "The checkout says the code has expired but your email says it is valid until Friday.")],
        "mine",
    ),
    (
        "Sofia",
        "Rossi",
        "sofia.rossi@example.it",
        "Two-factor codes never arrive",
        "High",
        ["security"],
        1700,
        [("contact", "I don't receive SMS codes any more, so I'm locked out.")],
        "open",
    ),
    (
        "Daniel",
        "Kim",
        "daniel.kim@example.com",
        "Bulk pricing for 200 seats",
        "Medium",
        ["sales", "vip"],
        2300,
        [("contact", "We're evaluating Parley for 200 agents. Is there volume pricing?")],
        "team",
    ),
    (
        "Grace",
        "Lee",
        "grace.lee@example.com",
        "Thanks for the quick fix!",
        None,
        [],
        3100,
        [("contact", "Everything works again, thank you!")],
        "resolved",
    ),
]


class Clock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


def settle(conversation, clock):
    """Activity entries take the real clock (their model default): move the new ones to the
    seeded time."""
    Message.objects.filter(
        conversation=conversation, type=MessageType.ACTIVITY, created_at__gt=clock.now
    ).update(created_at=clock.now)


def seed_workspace(organization, admin):
    """A realistic organization: agents, teams, SLA, canned responses, a macro and 15
    conversations of different ages, states and priorities."""
    defaults.ensure(organization)
    agent = MembershipFactory(
        organization=organization, role=Role.AGENT, user__email="sam@acme.test", user__first_name="Sam",
        user__last_name="Rivera",
    )  # fmt: skip
    agent.user.set_password(E2E_PASSWORD)
    agent.user.save()
    priya = MembershipFactory(
        organization=organization, role=Role.AGENT, user__email="priya@acme.test", user__first_name="Priya",
        user__last_name="Shah",
    )  # fmt: skip
    billing = TeamFactory(organization=organization, name="Billing", emoji="💳")
    technical = TeamFactory(organization=organization, name="Technical", emoji="🛠")
    agent.teams.add(billing, technical)
    priya.teams.add(billing)
    admin.teams.add(technical)
    sla.sla_policy_create(
        organization=organization, name="Urgent issues", first_response_minutes=30, next_response_minutes=60,
        resolution_minutes=240, conditions={"priority": ["Urgent"]}, position=0,
    )  # fmt: skip
    sla.sla_policy_create(
        organization=organization, name="Standard", first_response_minutes=240, next_response_minutes=480,
        resolution_minutes=2880, position=10,
    )  # fmt: skip
    canned.canned_create(
        organization=organization, title="Greeting", actor=admin,
        content="Hi {{contact.first_name}},\n\nThanks for reaching out! I'm looking into this now.\n\n{{agent.first_name}}",
    )  # fmt: skip
    canned.canned_create(
        organization=organization, title="Refund approved", actor=admin,
        content="Hi {{contact.first_name}}, your refund is approved and will reach your account in 3-5 days.",
    )  # fmt: skip
    canned.canned_create(
        organization=organization, title="Password reset steps", actor=admin,
        content="Open the login page, click 'Forgot password' and follow the link we email you.",
    )  # fmt: skip
    macros.macro_create(
        organization=organization, name="Refund approved", actor=admin,
        actions=[{"type": "reply", "value": "Your refund is approved, {{contact.first_name}}."},
                 {"type": "add_tags", "value": ["refund"]}, {"type": "set_status", "value": "Resolved"}],
    )  # fmt: skip
    catalog.tags_get_or_create(organization=organization, names=["billing", "refund", "bug", "vip"])

    original_now = timezone.now
    real_now = original_now()
    clock = Clock(real_now)
    timezone.now = clock  # services and auto_now fields follow it: conversations of different ages
    conversations = []
    try:
        for first, last, email, subject, priority, tags, minutes_ago, messages, state in reversed(SEED):
            clock.now = real_now - timedelta(minutes=minutes_ago + 10 * len(messages))
            sender, text = messages[0]
            conversation = conversation_create(
                organization=organization, contact_email=email, first_name=first, last_name=last, subject=subject,
                content=text, priority=priority, tags=tags,
            )  # fmt: skip
            settle(conversation, clock)
            for sender, text in messages[1:]:
                clock.now += timedelta(minutes=7)
                message_create(
                    conversation=conversation, content=text, actor=agent if sender != "contact" else None,
                    sender_type="contact" if sender == "contact" else "agent", private=sender == "note",
                )  # fmt: skip
            clock.now = real_now - timedelta(minutes=minutes_ago)
            if state == "mine":
                conversation_assign_agent(conversation=conversation, agent=agent, actor=admin)
            elif state == "team":
                team = billing if {"billing", "refund", "sales", "shipping"} & set(tags) else technical
                conversation_assign_team(conversation=conversation, team=team, actor=admin, auto_assign=False)
            elif state == "replied":
                conversation_assign_agent(conversation=conversation, agent=priya, actor=priya)
            elif state == "snoozed":
                conversation_assign_agent(conversation=conversation, agent=agent, actor=agent)
                conversation_set_status(
                    conversation=conversation, status="Snoozed", actor=agent, snoozed_until="2d"
                )
            elif state == "resolved":
                conversation_set_status(conversation=conversation, status="Resolved", actor=admin)
            settle(conversation, clock)
            conversations.append(conversation)
        contact_note_create(
            contact=Conversation.objects.get(subject__startswith="Charged twice").contact, author=priya,
            note="Long-time customer since 2019; prefers email over phone.",
        )  # fmt: skip
    finally:
        timezone.now = original_now
    for conversation in conversations[::3]:  # the admin has already read some of them
        conversation_mark_seen(conversation=conversation, membership=admin)
    return {"agent": agent, "priya": priya, "billing": billing, "technical": technical}


@pytest.fixture
def workspace(e2e_admin):
    return seed_workspace(e2e_admin.organization, e2e_admin)


def test_agent_works_a_conversation_end_to_end(page, live_server, workspace, page_errors):
    agent = workspace["agent"]
    login(page, live_server, agent.user.email)
    page.goto(f"{live_server.url}/inbox/?tab=mine")
    rows = page.locator("#conv-list .conv-row")
    expect(rows).to_have_count(3)  # Tom, Fatima, Oliver are assigned to Sam (the snoozed one is not open)

    # keyboard: j selects the first row, j the second, Enter opens it
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("j")
    page.keyboard.press("j")
    selected = page.locator("#conv-list .conv-row.is-selected")
    expect(selected).to_have_count(1)
    subject = selected.locator(".conv-row__subject").inner_text()
    page.keyboard.press("Enter")
    expect(page.locator(".cv-header__subject")).to_have_text(subject)

    # an empty reply is refused inline, with a toast
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".composer__error")).to_contain_text("needs some text")
    expect(page.locator("#toasts .toast--error")).to_be_visible()

    # reply with Ctrl+Enter
    composer = page.locator("[data-rich-editor]")
    composer.click()
    composer.fill("Thanks for the details, we're on it and will update you within the hour.")
    composer.press("Control+Enter")
    expect(page.locator(".msg--out").last).to_contain_text("we're on it")
    expect(composer).to_have_text("")

    # private note: Esc leaves the composer, "n" comes back to it in note mode
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    composer = page.locator("[data-rich-editor]")
    expect(composer).to_be_focused()
    expect(page.locator("[data-composer]")).to_have_class(re.compile(r"\bis-note\b"))
    composer.fill("Checked the logs: session cookie is dropped after the reset.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".msg--note").last).to_contain_text("session cookie is dropped")

    # assign to a colleague from the side panel (once the note's request has settled)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.get_by_label("Assignee").select_option(label="Priya Shah")
    expect(page.locator(".activity").last).to_contain_text("assigned the conversation to Priya Shah")

    # resolve from the header: the list's next conversation opens, with a toast saying so
    worked_url = page.url
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator("#cv-alert")).to_contain_text("here is the next one")
    expect(page.locator(".cv-header__subject")).not_to_have_text(subject)
    page.goto(worked_url)
    expect(page.locator(".cv-header .badge").first).to_have_text("Resolved")
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()
    screenshot(page, "conversation-worked", full_page=False)

    conversation = Conversation.objects.get(subject=subject)
    assert conversation.status.category == StatusCategory.RESOLVED
    assert conversation.assigned_agent_id == workspace["priya"].pk
    texts = list(
        conversation.messages.exclude(type=MessageType.ACTIVITY).values_list("private", "text_content")
    )
    assert (False, "Thanks for the details, we're on it and will update you within the hour.") in texts
    assert (True, "Checked the logs: session cookie is dropped after the reset.") in texts
    assert page_errors == []


def test_inbox_and_conversation_screenshots(page, live_server, workspace, e2e_admin, page_errors):
    login(page, live_server, e2e_admin.user.email)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/inbox/?tab=all")
    expect(page.locator("#conv-list .conv-row")).to_have_count(13)  # open ones: Lucas snoozed, Grace resolved
    screenshot(page, "inbox", full_page=False)

    page.locator("#conv-list .conv-row", has_text="Charged twice").click()
    expect(page.locator(".cv-header__subject")).to_have_text("Charged twice for my March invoice")
    composer = page.locator("[data-rich-editor]")
    composer.fill("Hi Maria, I can see both charges. ")
    composer.press("End")
    composer.press("/")  # "/" opens the canned responses, filtered as you type
    filter_box = page.locator("[data-canned-filter]")
    expect(filter_box).to_be_focused()
    filter_box.press_sequentially("ref")
    expect(page.locator("[data-canned-url]:visible")).to_have_count(1)
    screenshot(page, "conversation-canned", full_page=False)
    filter_box.press("Enter")
    expect(composer).to_have_text(
        "Hi Maria, I can see both charges. Hi Maria, your refund is approved and will reach your account in 3-5 days."
    )
    expect(composer).to_be_focused()
    page.locator("[data-canned] summary").click()
    page.get_by_role("menuitem", name="Greeting").click()
    expect(composer).to_have_text(
        re.compile(r"3-5 days\.\s+Hi Maria,\s+Thanks for reaching out!"), use_inner_text=True
    )
    screenshot(page, "conversation", full_page=False)

    page.goto(f"{live_server.url}/inbox/?tab=all")
    page.locator("#conv-list .conv-row", has_text="Can't log in").click()
    expect(page.locator(".msg--note")).to_have_count(0)
    screenshot(page, "conversation-thread", full_page=False)
    assert page_errors == []


def test_new_conversations_appear_without_a_reload(page, live_server, workspace, e2e_admin, page_errors):
    login(page, live_server, e2e_admin.user.email)
    page.goto(f"{live_server.url}/inbox/?tab=unassigned")
    before = page.locator("#conv-list .conv-row").count()
    conversation_create(
        organization=e2e_admin.organization, contact_email="newcomer@example.com", first_name="Noor",
        subject="Is there a student discount?", content="Hello! Do you offer discounts for students?",
    )  # fmt: skip
    expect(page.locator("#conv-list .conv-row", has_text="Is there a student discount?")).to_be_visible(
        timeout=20_000
    )
    assert page.locator("#conv-list .conv-row").count() == before + 1
    assert page_errors == []


def test_reply_from_the_contact_appears_in_the_open_conversation(
    page, live_server, workspace, e2e_admin, page_errors
):
    login(page, live_server, e2e_admin.user.email)
    conversation = Conversation.objects.get(subject__startswith="Where is my order")
    page.goto(f"{live_server.url}/inbox/c/{conversation.uuid}/")
    message_create(
        conversation=conversation,
        content="Any news? It still hasn't moved.",
        actor=None,
        sender_type="contact",
    )
    expect(page.locator(".msg--in").last).to_contain_text("still hasn't moved", timeout=20_000)
    assert Message.objects.filter(conversation=conversation, type=MessageType.INCOMING).count() == 2
    assert page_errors == []


def test_contacts_and_settings_pages(page, live_server, workspace, e2e_admin, page_errors):
    login(page, live_server, e2e_admin.user.email)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/contacts/")
    expect(page.locator("#contact-results tbody tr")).to_have_count(15)
    page.get_by_placeholder("Search by name, email, phone or company").fill("tanaka")
    expect(page.locator("#contact-results tbody tr")).to_have_count(1)
    screenshot(page, "contacts", full_page=False)
    page.locator("#contact-results a", has_text="Aiko Tanaka").click()
    expect(page.get_by_role("heading", name="Aiko Tanaka")).to_be_visible()
    screenshot(page, "contact", full_page=False)

    page.goto(f"{live_server.url}/settings/macros/new/")
    page.get_by_label("Name").fill("Escalate to Technical")
    page.locator("[data-macro-type]").first.select_option("assign_team")
    expect(page.get_by_label("Team", exact=True).first).to_be_visible()
    page.get_by_role("button", name="Add an action").click()
    page.locator("[data-macro-type]").nth(1).select_option("note")
    page.locator("textarea[name='action-1-text']").fill("Escalated by {{agent.first_name}}")
    screenshot(page, "settings-macro-builder", full_page=True)
    page.get_by_role("button", name="Create macro").click()
    expect(page.get_by_text("Macro “Escalate to Technical” saved.")).to_be_visible()
    screenshot(page, "settings-macros", full_page=False)

    for path, name in [
        ("/settings/business-hours/new/", "settings-business-hours"),
        ("/settings/sla-policies/", "settings-sla-policies"),
        ("/settings/statuses/", "settings-statuses"),
        ("/settings/canned-responses/new/", "settings-canned-form"),
    ]:
        page.goto(f"{live_server.url}{path}")
        screenshot(page, name, full_page=True)
    assert page_errors == []
