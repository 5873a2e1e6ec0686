"""Macros on the conversation page: choosing one previews what it will do; Apply puts its reply
in the draft (nothing is sent) and applies the rest at once with an undo that restores status,
priority, tags, agent and team and the draft before; the organization boundary; bad input."""

import pytest
from django.urls import reverse

from conversations.models import Conversation, Message, MessageType, StatusCategory
from conversations.services.conversations import conversation_set_priority, conversation_set_tags
from conversations.services.macros import macro_create
from tests.factories import MembershipFactory, TeamFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, conversation):
    return reverse(f"conversations:{name}", args=[conversation.uuid])


def fresh(conversation) -> Conversation:
    return Conversation.objects.select_related("status").get(pk=conversation.pk)


@pytest.fixture
def refund(org, admin):
    teammate = MembershipFactory(organization=org, user__first_name="Bo", user__last_name="Berg")
    return macro_create(
        organization=org, name="Refund", actor=admin, description="Refund and close",
        actions=[
            {"type": "reply", "value": "Refunded, {{contact.first_name}}."},
            {"type": "note", "value": "Refund issued by {{agent.first_name}}"},
            {"type": "add_tags", "value": ["refund"]},
            {"type": "remove_tags", "value": ["urgent"]},
            {"type": "set_priority", "value": "High"},
            {"type": "assign_agent", "value": teammate.pk},
            {"type": "set_status", "value": "Resolved"},
        ],
    )  # fmt: skip


def test_the_preview_shows_the_reply_the_note_and_each_change(ui_as, agent, conversation, refund):
    response = ui_as(agent).get(url("macro-preview", conversation), {"macro": refund.pk}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Refunded, Ada." in body and "Refund issued by" in body
    assert "Status: Open → Resolved" in body and "Priority: none → High" in body
    assert "Add tags: refund" in body and "Remove tags: urgent" in body and "Agent: nobody → Bo Berg" in body
    assert "Apply to the draft" in body
    assert not Message.objects.filter(
        conversation=conversation, type=MessageType.OUTGOING, private=False
    ).exists()
    assert fresh(conversation).status.category == StatusCategory.OPEN  # a preview changes nothing


def test_the_preview_without_javascript_is_the_page_with_it(ui_as, agent, conversation, refund):
    response = ui_as(agent).get(url("macro-preview", conversation), {"macro": refund.pk})

    body = response.content.decode()
    assert response.status_code == 200 and 'id="cv-composer"' in body and "Status: Open → Resolved" in body


def test_apply_puts_the_reply_in_the_draft_and_applies_the_rest(ui_as, agent, conversation, refund):
    conversation_set_tags(conversation=conversation, actor=None, add=["urgent"])
    client = ui_as(agent)

    response = client.post(url("macro", conversation), {"macro": refund.pk, "message": "Hello."}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Hello.\n\nRefunded, Ada.</textarea>" in body  # the draft, after what the agent had typed
    assert "Undo macro" in body
    assert not Message.objects.filter(
        conversation=conversation, type=MessageType.OUTGOING, private=False
    ).exists()
    conversation = fresh(conversation)
    assert conversation.status.category == StatusCategory.RESOLVED and conversation.priority_name == "High"
    assert list(conversation.tags.values_list("name", flat=True)) == ["refund"]
    assert conversation.assigned_agent.user.first_name == "Bo"
    assert Message.objects.filter(
        conversation=conversation, private=True, text_content__startswith="Refund issued"
    ).exists()


def test_undo_restores_what_the_macro_changed_and_the_draft(ui_as, agent, org, conversation, refund):
    team = TeamFactory(organization=org, name="Billing")
    refund.actions = [*refund.actions, {"type": "assign_team", "value": team.pk}]
    refund.save()
    conversation_set_tags(conversation=conversation, actor=None, add=["urgent"])
    conversation_set_priority(conversation=conversation, priority="Low", actor=None)
    client = ui_as(agent)
    client.post(url("macro", conversation), {"macro": refund.pk, "message": "Hello."}, **HTMX)

    response = client.post(
        url("macro-undo", conversation),
        {"message": "Hello.\n\nRefunded, Ada.", "previous_message": "Hello."},
        **HTMX,
    )

    assert response.status_code == 200
    assert ">Hello.</textarea>" in response.content.decode()
    conversation = fresh(conversation)
    assert conversation.status.category == StatusCategory.OPEN and conversation.priority_name == "Low"
    assert list(conversation.tags.values_list("name", flat=True)) == ["urgent"]
    assert conversation.assigned_agent is None and conversation.assigned_team is None
    again = client.post(url("macro-undo", conversation), {"message": "x"}, **HTMX)
    assert again.status_code == 409 and ">x</textarea>" in again.content.decode()  # once, draft kept


def test_apply_without_javascript_renders_the_page_with_the_draft(ui_as, agent, conversation, refund):
    response = ui_as(agent).post(url("macro", conversation), {"macro": refund.pk})

    assert response.status_code == 200 and "Refunded, Ada.</textarea>" in response.content.decode()


def test_another_organizations_macro_or_conversation_is_404(
    ui_as, agent, other_org, other_admin, conversation, other_conversation, refund
):
    theirs = macro_create(
        organization=other_org,
        name="Theirs",
        actor=other_admin,
        actions=[{"type": "set_priority", "value": "Low"}],
    )
    client = ui_as(agent)

    assert client.get(url("macro-preview", conversation), {"macro": theirs.pk}, **HTMX).status_code == 404
    assert client.post(url("macro", conversation), {"macro": theirs.pk}, **HTMX).status_code == 404
    assert (
        client.get(url("macro-preview", other_conversation), {"macro": refund.pk}, **HTMX).status_code == 404
    )
    assert client.post(url("macro", other_conversation), {"macro": refund.pk}, **HTMX).status_code == 404
    assert client.post(url("macro-undo", other_conversation), **HTMX).status_code == 404
    assert fresh(conversation).priority is None and fresh(other_conversation).priority is None


def test_bad_input(ui_as, agent, conversation, refund):
    client = ui_as(agent)

    assert client.get(url("macro-preview", conversation), {"macro": "x"}, **HTMX).status_code == 404
    assert client.get(url("macro-preview", conversation), **HTMX).content == b""  # "Apply a macro…" again
    assert client.post(url("macro", conversation), {"macro": ""}, **HTMX).status_code == 404
    assert client.get(url("macro", conversation)).status_code == 405
    assert fresh(conversation).status.category == StatusCategory.OPEN


def test_signed_out_or_outside_the_organization_is_refused(client, other_admin, conversation, refund):
    assert client.post(url("macro", conversation), {"macro": refund.pk}).status_code in (302, 403)
    client.force_login(other_admin.user)
    assert client.post(url("macro", conversation), {"macro": refund.pk}, **HTMX).status_code == 404
    assert fresh(conversation).status.category == StatusCategory.OPEN


def test_the_rich_composers_html_draft_gets_the_reply_as_a_paragraph(ui_as, agent, conversation, refund):
    response = ui_as(agent).post(
        url("macro", conversation), {"macro": refund.pk, "message": "<p>Hello.</p>"}, **HTMX
    )

    assert (
        "&lt;p&gt;Hello.&lt;/p&gt;&lt;p&gt;Refunded, Ada.&lt;/p&gt;</textarea>" in response.content.decode()
    )


def test_the_preview_costs_the_same_queries_for_few_actions_or_many(ui_as, org, admin, agent, conversation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    teams = [TeamFactory(organization=org, name=f"Team {n}") for n in range(3)]
    agents = [MembershipFactory(organization=org) for _ in range(3)]
    small = macro_create(
        organization=org, name="One", actor=admin,
        actions=[{"type": "assign_team", "value": teams[0].pk}, {"type": "assign_agent", "value": agents[0].pk},
                 {"type": "set_status", "value": "Resolved"}],
    )  # fmt: skip
    many = macro_create(
        organization=org, name="Many", actor=admin,
        actions=[{"type": "set_status", "value": "Resolved"}, {"type": "set_priority", "value": "Low"}]
        + [{"type": "assign_team", "value": team.pk} for team in teams]
        + [{"type": "assign_agent", "value": member.pk} for member in agents]
        + [{"type": "note", "value": "n {{contact.first_name}}"}, {"type": "reply", "value": "r"}],
    )  # fmt: skip
    client = ui_as(agent)
    client.get(url("macro-preview", conversation), {"macro": small.pk}, **HTMX)  # the session's first request
    counts = []
    for macro in (small, many):
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(url("macro-preview", conversation), {"macro": macro.pk}, **HTMX).status_code == 200
            )
        counts.append(len(queries))

    assert counts[0] == counts[1]
