"""What conversations tell agents: assignments, @mentions in notes (highlighted, sanitized),
replies in their conversations, SLA targets at risk; and replying assigns an unassigned
conversation to the replier (per team)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations.mentions import mention_handles, mentions_highlight
from conversations.models import Conversation, ConversationParticipant, Message
from conversations.services import assignment, bulk, messages, notifications
from helpdesk.models import Notification, NotificationKind, Role
from tests.conversations.factories import make_conversation
from tests.factories import MembershipFactory, TeamFactory


@pytest.fixture
def ana(org):
    return MembershipFactory(
        organization=org, role=Role.AGENT, user__email="ana@acme.test", user__first_name="Ana"
    )


@pytest.fixture
def ben(org):
    return MembershipFactory(
        organization=org, role=Role.AGENT, user__email="ben@acme.test", user__first_name="Ben"
    )


def kinds(member):
    return sorted(Notification.objects.filter(recipient=member).values_list("kind", flat=True))


def note(conversation, author, text, on_commit):
    with on_commit(execute=True):
        return messages.message_create(conversation=conversation, content=text, actor=author, private=True)


def test_handles_are_read_from_text():
    assert mention_handles("@ana and @Ben.  mail bob@x.test, @carl@acme.test.") == [
        "ana",
        "ben",
        "carl@acme.test",
    ]


def test_highlight_wraps_mentions_but_not_inside_links_or_code_and_escapes():
    html = mentions_highlight('Hi @ana <a href="/x">@ana</a> <code>@ana</code> &lt;b&gt;', {"ana"})
    assert html.count('<span class="mention">@ana</span>') == 1
    assert '<a href="/x">@ana</a>' in html and "<code>@ana</code>" in html and "&lt;b&gt;" in html


def test_a_mention_in_a_note_notifies_the_teammate_and_highlights_it(
    org, ana, ben, django_capture_on_commit_callbacks
):
    conversation = make_conversation(org)
    message = note(
        conversation,
        ana,
        "Could you check this, @ben? <script>x</script>",
        django_capture_on_commit_callbacks,
    )

    stored = Message.objects.get(pk=message.pk)
    assert '<span class="mention">@ben</span>' in stored.content and "<script>" not in stored.content
    assert stored.meta["mentions"] == [ben.pk]
    mention = Notification.objects.get(recipient=ben)
    assert mention.kind == NotificationKind.MENTIONED and mention.actor == ana
    assert mention.title.startswith("Ana") and f"#{conversation.reference_number}" in mention.title
    assert mention.link == reverse("conversations:conversation", kwargs={"uuid": conversation.uuid})
    assert ConversationParticipant.objects.filter(conversation=conversation, membership=ben).exists()
    assert kinds(ana) == []  # the author hears nothing


def test_a_mention_in_a_reply_to_the_customer_notifies_nobody_and_unknown_handles_are_ignored(
    org, ana, ben, django_capture_on_commit_callbacks
):
    conversation = make_conversation(org)
    with django_capture_on_commit_callbacks(execute=True):
        messages.message_create(conversation=conversation, content="Thanks @ben", actor=ana)
    note(conversation, ana, "@nobody look", django_capture_on_commit_callbacks)
    assert kinds(ben) == []


def test_participants_hear_of_a_reply_and_a_customer_message_but_not_their_own(
    org, ana, ben, django_capture_on_commit_callbacks
):
    conversation = make_conversation(org)
    with django_capture_on_commit_callbacks(execute=True):
        assignment.conversation_assign_agent(conversation=conversation, agent=ana, actor=ana)
        messages.message_create(conversation=conversation, content="On it", actor=ben)
    assert kinds(ana) == [NotificationKind.REPLIED]
    assert kinds(ben) == []
    with django_capture_on_commit_callbacks(execute=True):
        messages.message_create(
            conversation=conversation, content="Any news?", actor=None, sender_type="contact"
        )
    assert kinds(ana) == [NotificationKind.REPLIED] * 2 and kinds(ben) == [NotificationKind.REPLIED]


def test_assignment_notifies_the_assignee_unless_they_took_it(
    org, ana, ben, admin, django_capture_on_commit_callbacks
):
    first, second = make_conversation(org), make_conversation(org)
    assignment.conversation_assign_agent(conversation=first, agent=ana, actor=admin)
    assignment.conversation_assign_agent(conversation=second, agent=ben, actor=ben)
    assert kinds(ana) == [NotificationKind.ASSIGNED] and kinds(ben) == []
    assert "assigned you" in Notification.objects.get(recipient=ana).title


def test_bulk_assign_makes_one_notification(org, ben, admin):
    conversations = [make_conversation(org) for _ in range(3)]
    bulk.conversations_bulk_assign_agent(
        actor=admin, conversation_ids=[c.pk for c in conversations], agent=ben
    )
    only = Notification.objects.get(recipient=ben)
    assert only.title.endswith("assigned you 3 conversations")


def test_replying_to_an_unassigned_conversation_assigns_it_to_the_replier(
    org, ana, django_capture_on_commit_callbacks
):
    conversation = make_conversation(org)
    with django_capture_on_commit_callbacks(execute=True):
        messages.message_create(conversation=conversation, content="Hello!", actor=ana)
    assert Conversation.objects.get(pk=conversation.pk).assigned_agent == ana


def test_a_note_or_a_team_that_turned_it_off_does_not_assign(org, ana, django_capture_on_commit_callbacks):
    conversation = make_conversation(org)
    note(conversation, ana, "internal", django_capture_on_commit_callbacks)
    assert Conversation.objects.get(pk=conversation.pk).assigned_agent is None
    team = TeamFactory(organization=org, name="Billing", assign_on_reply=False)
    billed = make_conversation(org, team=team)
    with django_capture_on_commit_callbacks(execute=True):
        messages.message_create(conversation=billed, content="Hello!", actor=ana)
    assert Conversation.objects.get(pk=billed.pk).assigned_agent is None


def test_an_assigned_conversation_keeps_its_agent_when_another_replies(
    org, ana, ben, django_capture_on_commit_callbacks
):
    conversation = make_conversation(org)
    assignment.conversation_assign_agent(conversation=conversation, agent=ana, actor=ana)
    with django_capture_on_commit_callbacks(execute=True):
        messages.message_create(conversation=conversation, content="Hello!", actor=ben)
    assert Conversation.objects.get(pk=conversation.pk).assigned_agent == ana


def test_sla_warning_once_per_deadline_to_the_agent_or_else_the_team(org, ana, ben):
    team = TeamFactory(organization=org, name="Support")
    ben.teams.add(team)
    now = timezone.now()
    mine, teams = make_conversation(org), make_conversation(org, team=team)
    assignment.conversation_assign_agent(conversation=mine, agent=ana, actor=ana)
    Conversation.objects.filter(pk__in=[mine.pk, teams.pk]).update(
        sla_at_risk_at=now - timedelta(minutes=1), sla_next_deadline_at=now + timedelta(minutes=10)
    )
    late = make_conversation(org)  # already breached: sla.breached says so, not a warning
    Conversation.objects.filter(pk=late.pk).update(
        sla_at_risk_at=now - timedelta(hours=1), sla_next_deadline_at=now - timedelta(minutes=1)
    )

    assert notifications.sla_warnings_send(now=now) == 2
    assert notifications.sla_warnings_send(now=now) == 0
    assert kinds(ana) == [NotificationKind.SLA_WARNING] and kinds(ben) == [NotificationKind.SLA_WARNING]
    assert "due in 10 min" in Notification.objects.get(recipient=ana).title


def test_agent_suggestions_by_prefix_in_my_organization_only(org, other_org, ana, ben, ui_as):
    MembershipFactory(organization=other_org, user__email="anabel@globex.test", user__first_name="Anabel")
    body = ui_as(ben).get("/agents/suggest/?q=ana").json()
    assert [row["handle"] for row in body["results"]] == ["ana"]
    assert {"id", "name", "handle", "email", "status", "label"} <= set(body["results"][0])


def test_opening_the_conversation_reads_its_notifications(org, ana, admin, ui_as):
    conversation, other = make_conversation(org), make_conversation(org)
    assignment.conversation_assign_agent(conversation=conversation, agent=ana, actor=admin)
    assignment.conversation_assign_agent(conversation=other, agent=ana, actor=admin)
    assert (
        ui_as(ana).get(reverse("conversations:conversation", kwargs={"uuid": conversation.uuid})).status_code
        == 200
    )
    unread = Notification.objects.filter(recipient=ana, read_at__isnull=True)
    assert list(unread.values_list("conversation_id", flat=True)) == [other.pk]
