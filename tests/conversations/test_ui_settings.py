"""Conversation settings pages: inboxes, statuses, tags, canned responses, macros, SLA policies
and business hours. Admins manage them; agents read tags, canned responses and macros and get
403 elsewhere, with nothing changed; another organization's ids answer 404."""

import pytest
from django.urls import reverse

from conversations.models import BusinessHours, CannedResponse, Inbox, Macro, SLAPolicy, Status, Tag
from conversations.services import defaults
from conversations.services.canned import canned_create
from conversations.services.catalog import status_create, tag_create
from conversations.services.macros import macro_create
from tests.conversations.factories import (
    BusinessHoursFactory,
    InboxFactory,
    SLAPolicyFactory,
    make_conversation,
)


@pytest.fixture
def as_member(client):
    def sign_in(membership):
        client.force_login(membership.user)
        session = client.session
        session["organization_id"] = membership.organization_id
        session.save()
        return client

    return sign_in


@pytest.fixture(autouse=True)
def builtins(org, other_org):
    defaults.ensure(org)
    defaults.ensure(other_org)


ADMIN_PAGES = [
    "settings-inboxes",
    "settings-inbox-create",
    "settings-statuses",
    "settings-sla",
    "settings-sla-create",
    "settings-business-hours",
    "settings-business-hours-create",
    "settings-canned-create",
    "settings-macro-create",
]
READABLE_PAGES = ["settings-tags", "settings-canned", "settings-macros"]


@pytest.mark.parametrize("name", ADMIN_PAGES + READABLE_PAGES)
def test_admin_sees_every_page(as_member, admin, name):
    assert as_member(admin).get(reverse(f"conversations:{name}")).status_code == 200


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_agents_cannot_open_admin_pages(as_member, agent, name):
    assert as_member(agent).get(reverse(f"conversations:{name}")).status_code == 403


@pytest.mark.parametrize("name", READABLE_PAGES)
def test_agents_read_tags_canned_responses_and_macros_without_edit_buttons(
    as_member, org, admin, agent, name
):
    tag_create(organization=org, name="billing")
    canned_create(organization=org, title="Greeting", content="Hello", actor=admin)
    macro_create(
        organization=org, name="Close it", actions=[{"type": "set_status", "value": "Closed"}], actor=admin
    )
    response = as_member(agent).get(reverse(f"conversations:{name}"))
    body = response.content.decode()
    assert response.status_code == 200
    assert any(text in body for text in ("billing", "Greeting", "Close it"))
    assert "Edit" not in body and "Rename" not in body and "/delete/" not in body


def test_agent_writes_are_refused_and_change_nothing(as_member, org, agent):
    tag = tag_create(organization=org, name="keep")
    status = status_create(organization=org, name="Waiting")
    inbox = InboxFactory(organization=org, name="Keep me")
    client = as_member(agent)
    attempts = [
        ("settings-tags", [], {"name": "new"}),
        ("settings-tag", [tag.pk], {"name": "renamed"}),
        ("settings-tag-delete", [tag.pk], {}),
        ("settings-statuses", [], {"name": "Mine", "category": "open"}),
        ("settings-status-delete", [status.pk], {}),
        ("settings-inbox", [inbox.pk], {"name": "Hijacked", "channel": "api", "enabled": "on"}),
        ("settings-inbox-delete", [inbox.pk], {}),
        ("settings-canned-create", [], {"title": "x", "content": "y"}),
        (
            "settings-macro-create",
            [],
            {"name": "x", "action-0-type": "set_priority", "action-0-priority": "Low"},
        ),
        ("settings-sla-create", [], {"name": "x", "first_response_minutes": 5, "position": 0}),
        ("settings-business-hours-create", [], {"name": "x", "timezone": "UTC"}),
    ]
    for name, args, data in attempts:
        assert client.post(reverse(f"conversations:{name}", args=args), data).status_code == 403, name
    assert list(Tag.objects.filter(organization=org).values_list("name", flat=True)) == ["keep"]
    assert Status.objects.filter(organization=org, is_builtin=False).get().name == "Waiting"
    assert Inbox.objects.get(pk=inbox.pk).name == "Keep me"
    assert not CannedResponse.objects.exists() and not Macro.objects.exists()
    assert not SLAPolicy.objects.exists() and not BusinessHours.objects.exists()


def test_settings_navigation_by_role(as_member, admin, agent):
    admin_page = as_member(admin).get(reverse("conversations:settings-tags")).content.decode()
    for label in (
        "Inboxes",
        "Statuses",
        "Tags",
        "Canned responses",
        "Macros",
        "SLA policies",
        "Business hours",
    ):
        assert label in admin_page, label
    agent_page = as_member(agent).get(reverse("conversations:settings-tags")).content.decode()
    sidebar = agent_page.split('class="subnav"')[1].split("</nav>")[0]
    assert "Tags" in sidebar and "Canned responses" in sidebar and "Macros" in sidebar
    assert "Inboxes" not in sidebar and "SLA policies" not in sidebar and "Business hours" not in sidebar


# ---------- inboxes ----------


def test_inbox_create_edit_and_delete(as_member, org, admin):
    client = as_member(admin)
    response = client.post(
        reverse("conversations:settings-inbox-create"),
        {"name": "Support mail", "channel": "email", "email": "Help@Acme.test", "enabled": "on"},
    )
    assert response.status_code == 302
    inbox = Inbox.objects.get(organization=org, name="Support mail")
    assert (inbox.channel, inbox.email, inbox.enabled) == ("email", "help@acme.test", True)

    response = client.post(
        reverse("conversations:settings-inbox-create"), {"name": "No address", "channel": "email"}
    )
    assert response.status_code == 400 and "needs its email address" in response.content.decode()

    client.post(reverse("conversations:settings-inbox", args=[inbox.pk]), {"name": "Mail", "channel": "email",
                                                                          "email": "help@acme.test"})  # fmt: skip
    assert Inbox.objects.get(pk=inbox.pk).enabled is False
    client.post(reverse("conversations:settings-inbox-delete", args=[inbox.pk]))
    assert not Inbox.objects.filter(pk=inbox.pk).exists()


def test_an_inbox_with_conversations_cannot_be_deleted(as_member, org, admin, conversation):
    response = as_member(admin).post(
        reverse("conversations:settings-inbox-delete", args=[conversation.inbox_id])
    )
    assert response.status_code == 302
    assert Inbox.objects.filter(pk=conversation.inbox_id).exists()


# ---------- statuses ----------


def test_custom_status_crud_and_builtins_are_read_only(as_member, org, admin):
    client = as_member(admin)
    client.post(
        reverse("conversations:settings-statuses"), {"name": "Waiting on customer", "category": "snoozed"}
    )
    status = Status.objects.get(organization=org, name="Waiting on customer")
    assert status.category == "snoozed" and not status.is_builtin
    response = client.post(
        reverse("conversations:settings-statuses"), {"name": "waiting on customer", "category": "open"}
    )
    assert response.status_code == 400 and "exists already" in response.content.decode()

    client.post(
        reverse("conversations:settings-status", args=[status.pk]), {"name": "Pending", "category": "open"}
    )
    assert Status.objects.get(pk=status.pk).name == "Pending"

    builtin = Status.objects.get(organization=org, name="Open")
    client.post(
        reverse("conversations:settings-status", args=[builtin.pk]), {"name": "Hacked", "category": "closed"}
    )
    client.post(reverse("conversations:settings-status-delete", args=[builtin.pk]))
    builtin.refresh_from_db()
    assert (builtin.name, builtin.category) == ("Open", "open")
    page = client.get(reverse("conversations:settings-statuses")).content.decode()
    assert "Built in" in page

    client.post(reverse("conversations:settings-status-delete", args=[status.pk]))
    assert not Status.objects.filter(pk=status.pk).exists()


# ---------- tags ----------


def test_tag_create_rename_delete(as_member, org, admin):
    client = as_member(admin)
    client.post(reverse("conversations:settings-tags"), {"name": "billing"})
    tag = Tag.objects.get(organization=org, name="billing")
    assert client.post(reverse("conversations:settings-tags"), {"name": "Billing"}).status_code == 400
    client.post(reverse("conversations:settings-tag", args=[tag.pk]), {"name": "invoices"})
    assert Tag.objects.get(pk=tag.pk).name == "invoices"
    client.post(reverse("conversations:settings-tag-delete", args=[tag.pk]))
    assert not Tag.objects.filter(pk=tag.pk).exists()


# ---------- canned responses ----------


def test_canned_response_create_edit_delete_with_placeholder_help(as_member, org, admin):
    client = as_member(admin)
    form = client.get(reverse("conversations:settings-canned-create")).content.decode()
    assert "{{contact.first_name}}" in form and "data-insert" in form
    client.post(
        reverse("conversations:settings-canned-create"),
        {"title": "Greeting", "content": "Hi {{contact.first_name}},\nthanks!"},
    )
    canned = CannedResponse.objects.get(organization=org)
    assert canned.title == "Greeting" and "{{contact.first_name}}" in canned.content
    edit = client.get(reverse("conversations:settings-canned-edit", args=[canned.pk])).content.decode()
    assert "Hi {{contact.first_name}},\nthanks!" in edit  # edited as plain text
    assert (
        client.post(
            reverse("conversations:settings-canned-create"), {"title": "greeting", "content": "x"}
        ).status_code
        == 400
    )
    client.post(reverse("conversations:settings-canned-delete", args=[canned.pk]))
    assert not CannedResponse.objects.exists()


# ---------- macros ----------


def test_macro_builder_saves_the_listed_actions(as_member, org, admin):
    client = as_member(admin)
    response = client.post(
        reverse("conversations:settings-macro-create"),
        {
            "name": "Refund approved",
            "description": "Standard refund",
            "action-0-type": "reply",
            "action-0-text": "Refunded, {{contact.first_name}}.",
            "action-1-type": "add_tags",
            "action-1-tags": "refund, billing",
            "action-2-type": "",
            "action-3-type": "set_status",
            "action-3-status": "Snoozed",
            "action-3-snooze": "2d",
            "action-4-type": "assign_agent",
            "action-4-agent": "me",
        },
    )
    assert response.status_code == 302
    macro = Macro.objects.get(organization=org)
    assert macro.actions == [
        {"type": "reply", "value": "Refunded, {{contact.first_name}}."},
        {"type": "add_tags", "value": ["refund", "billing"]},
        {"type": "set_status", "value": "Snoozed", "snoozed_until": "2d"},
        {"type": "assign_agent", "value": "me"},
    ]
    edit = client.get(reverse("conversations:settings-macro", args=[macro.pk])).content.decode()
    assert "Refunded, {{contact.first_name}}." in edit and 'value="refund, billing"' in edit
    assert "macros" in client.get(reverse("conversations:settings-macros")).content.decode()


def test_invalid_macro_is_shown_again_with_the_error(as_member, org, admin):
    response = as_member(admin).post(
        reverse("conversations:settings-macro-create"),
        {"name": "Broken", "action-0-type": "reply", "action-0-text": "   "},
    )
    assert response.status_code == 400
    assert "needs text" in response.content.decode()
    assert not Macro.objects.exists()


# ---------- SLA policies and business hours ----------


def test_sla_policy_create_with_conditions_and_business_hours(as_member, org, admin):
    hours = BusinessHoursFactory(organization=org, name="Office")
    inbox = InboxFactory(organization=org, name="VIP line")
    client = as_member(admin)
    response = client.post(
        reverse("conversations:settings-sla-create"),
        {
            "name": "VIP",
            "first_response_minutes": "30",
            "resolution_minutes": "480",
            "priorities": ["High", "Urgent"],
            "inboxes": [str(inbox.pk)],
            "business_hours": str(hours.pk),
            "position": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    policy = SLAPolicy.objects.get(organization=org)
    assert policy.conditions == {"priority": ["High", "Urgent"], "inbox_id": [inbox.pk]}
    assert (policy.first_response_minutes, policy.next_response_minutes, policy.resolution_minutes) == (
        30,
        None,
        480,
    )
    assert policy.business_hours == hours
    listing = client.get(reverse("conversations:settings-sla")).content.decode()
    assert "Priority High or Urgent" in listing and "VIP line" in listing and "8h" in listing


def test_sla_policy_needs_a_target(as_member, org, admin):
    response = as_member(admin).post(
        reverse("conversations:settings-sla-create"), {"name": "Empty", "position": "0"}
    )
    assert response.status_code == 400 and "at least one target" in response.content.decode()
    assert not SLAPolicy.objects.exists()


def test_business_hours_grid_holidays_and_timezone(as_member, org, admin):
    client = as_member(admin)
    data = {
        "name": "Paris office",
        "timezone": "Europe/Paris",
        "holidays_text": "2025-12-25 Christmas\n2026-01-01",
        "monday-open": "on", "monday-from": "09:00", "monday-to": "12:30", "monday-from2": "14:00", "monday-to2": "18:00",
        "friday-open": "on", "friday-from": "09:00", "friday-to": "16:00",
        "sunday-from": "10:00", "sunday-to": "12:00",  # not ticked: closed
    }  # fmt: skip
    assert client.post(reverse("conversations:settings-business-hours-create"), data).status_code == 302
    hours = BusinessHours.objects.get(organization=org)
    assert hours.timezone == "Europe/Paris"
    assert hours.hours == {
        "monday": [{"open": "09:00", "close": "12:30"}, {"open": "14:00", "close": "18:00"}],
        "friday": [{"open": "09:00", "close": "16:00"}],
    }
    assert hours.holidays == [{"date": "2025-12-25", "name": "Christmas"}, {"date": "2026-01-01", "name": ""}]
    page = client.get(reverse("conversations:settings-business-hours-edit", args=[hours.pk])).content.decode()
    assert 'name="monday-from2" value="14:00"' in page and "2025-12-25 Christmas" in page


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"monday-open": "on", "monday-from": "17:00", "monday-to": "09:00"}, "closing time must be after"),
        ({"holidays_text": "Christmas"}, "start with a date"),
    ],
)
def test_invalid_business_hours_are_refused(as_member, org, admin, extra, message):
    response = as_member(admin).post(
        reverse("conversations:settings-business-hours-create"), {"name": "Bad", "timezone": "UTC", **extra}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BusinessHours.objects.exists()


# ---------- the organization boundary ----------


def test_another_organizations_settings_objects_are_404_and_unchanged(
    as_member, other_org, other_admin, admin
):
    inbox = InboxFactory(organization=other_org, name="Theirs")
    status = status_create(organization=other_org, name="Theirs")
    tag = tag_create(organization=other_org, name="theirs")
    canned = canned_create(organization=other_org, title="Theirs", content="x", actor=other_admin)
    macro = macro_create(
        organization=other_org,
        name="Theirs",
        actions=[{"type": "set_priority", "value": "Low"}],
        actor=other_admin,
    )
    policy = SLAPolicyFactory(organization=other_org, name="Theirs")
    hours = BusinessHoursFactory(organization=other_org, name="Theirs")
    client = as_member(admin)
    for name, pk in [
        ("settings-inbox", inbox.pk),
        ("settings-inbox-delete", inbox.pk),
        ("settings-status", status.pk),
        ("settings-status-delete", status.pk),
        ("settings-tag", tag.pk),
        ("settings-tag-delete", tag.pk),
        ("settings-canned-edit", canned.pk),
        ("settings-canned-delete", canned.pk),
        ("settings-macro", macro.pk),
        ("settings-macro-delete", macro.pk),
        ("settings-sla-policy", policy.pk),
        ("settings-sla-delete", policy.pk),
        ("settings-business-hours-edit", hours.pk),
        ("settings-business-hours-delete", hours.pk),
    ]:
        assert (
            client.post(reverse(f"conversations:{name}", args=[pk]), {"name": "Mine"}).status_code == 404
        ), name
    assert Inbox.objects.get(pk=inbox.pk).name == "Theirs"
    assert Status.objects.get(pk=status.pk).name == "Theirs"
    assert Tag.objects.get(pk=tag.pk).name == "theirs"
    assert CannedResponse.objects.filter(pk=canned.pk).exists() and Macro.objects.filter(pk=macro.pk).exists()
    assert SLAPolicy.objects.get(pk=policy.pk).name == "Theirs"
    assert BusinessHours.objects.get(pk=hours.pk).name == "Theirs"


def test_status_used_by_conversations_cannot_be_deleted(as_member, org, admin):
    status = status_create(organization=org, name="Escalated")
    conversation = make_conversation(org)
    conversation.status = status
    conversation.save()
    as_member(admin).post(reverse("conversations:settings-status-delete", args=[status.pk]))
    assert Status.objects.filter(pk=status.pk).exists()
