"""Bulk actions: one service call changes many conversations exactly as the single changes do
(activity, events), in a bounded number of queries, never across organizations, with undo; the
inbox's bulk endpoint (checked ids or every conversation matching the filters)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations.errors import ConversationError, NotFound
from conversations.models import Conversation, Message, MessageType, Priority
from conversations.services import bulk
from conversations.services.bulk_merge import conversations_bulk_merge
from conversations.services.bulk_undo import conversations_bulk_undo
from conversations.services.catalog import status_by_name
from tests.conversations.factories import make_conversation
from tests.factories import MembershipFactory, TeamFactory

BULK = reverse("conversations:bulk")
UNDO = reverse("conversations:bulk-undo")


def _activity(conversation, action):
    return Message.objects.filter(conversation=conversation, type=MessageType.ACTIVITY, meta__action=action)


def test_bulk_priority_changes_each_like_the_single_change(
    org, agent, capture_events, django_capture_on_commit_callbacks
):
    conversations = [make_conversation(org, subject=f"S{i}") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        result = bulk.conversations_bulk_set_priority(
            actor=agent, conversation_ids=[c.pk for c in conversations], priority="Urgent"
        )
    assert (result.changed, result.selected) == (3, 3)
    for conversation in conversations:
        conversation.refresh_from_db()
        assert conversation.priority == Priority.URGENT
        assert _activity(conversation, "priority_changed").get().text_content.endswith("to Urgent")
    updated = [p for name, p in capture_events if name == "conversation.updated"]
    assert sorted(p["id"] for p in updated) == sorted(c.pk for c in conversations)
    assert all(p["changes"] == {"priority": "Urgent"} for p in updated)
    assert sum(1 for name, _ in capture_events if name == "ticket.updated") == 3


@pytest.mark.parametrize("count", [5, 40])
def test_bulk_queries_do_not_grow_with_the_selection(org, agent, count):
    ids = [make_conversation(org).pk for _ in range(count)]
    with CaptureQueriesContext(connection) as queries:
        bulk.conversations_bulk_assign_agent(actor=agent, conversation_ids=ids, agent=agent)
    assert len(queries) <= 12, [q["sql"] for q in queries]
    assert Conversation.objects.filter(assigned_agent=agent).count() == count
    with CaptureQueriesContext(connection) as queries:
        bulk.conversations_bulk_set_priority(actor=agent, conversation_ids=ids, priority="High")
    assert len(queries) <= 12


def test_another_organizations_ids_refuse_the_whole_change(org, other_org, agent):
    mine = make_conversation(org)
    theirs = make_conversation(other_org)
    with pytest.raises(NotFound, match="1 of the selected conversations were not found"):
        bulk.conversations_bulk_set_priority(
            actor=agent, conversation_ids=[mine.pk, theirs.pk], priority="Low"
        )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.priority is None and theirs.priority is None


def test_an_agent_of_another_organization_cannot_be_assigned(org, other_org, agent):
    conversation = make_conversation(org)
    stranger = MembershipFactory(organization=other_org)
    with pytest.raises(NotFound):
        bulk.conversations_bulk_assign_agent(actor=agent, conversation_ids=[conversation.pk], agent=stranger)


def test_a_disabled_member_cannot_change_conversations(org, agent):
    conversation = make_conversation(org)
    agent.is_active = False
    agent.save()
    with pytest.raises(ConversationError, match="Only agents"):
        bulk.conversations_bulk_set_priority(actor=agent, conversation_ids=[conversation.pk], priority="Low")


def test_status_snooze_tags_team_and_merge(org, agent):
    a, b = make_conversation(org, email="ada@example.com"), make_conversation(org, email="ada@example.com")
    ids = [a.pk, b.pk]
    resolved = status_by_name(organization=org, name="Resolved")
    assert bulk.conversations_bulk_set_status(actor=agent, conversation_ids=ids, status=resolved).changed == 2
    assert set(Conversation.objects.filter(pk__in=ids).values_list("status__name", flat=True)) == {"Resolved"}
    assert bulk.conversations_bulk_snooze(actor=agent, conversation_ids=ids, snoozed_until="1h").changed == 2
    assert all(c.snoozed_until for c in Conversation.objects.filter(pk__in=ids))
    result = bulk.conversations_bulk_tag(actor=agent, conversation_ids=ids, add=["vip"])
    assert result.changed == 2 and {c.tags.get().name for c in Conversation.objects.filter(pk__in=ids)} == {
        "vip"
    }
    bulk.conversations_bulk_tag(actor=agent, conversation_ids=ids, remove=["VIP"])
    assert not Conversation.tags.through.objects.filter(conversation_id__in=ids).exists()
    team = TeamFactory(organization=org, name="Billing")
    assert bulk.conversations_bulk_assign_team(actor=agent, conversation_ids=ids, team=team).changed == 2
    assert conversations_bulk_merge(actor=agent, conversation_ids=ids).changed == 1
    b.refresh_from_db()
    assert b.merged_into_id == a.pk


def test_merge_needs_one_contact(org, agent):
    ids = [make_conversation(org).pk, make_conversation(org).pk]
    with pytest.raises(ConversationError, match="same contact"):
        conversations_bulk_merge(actor=agent, conversation_ids=ids)
    assert not Conversation.objects.filter(merged_into__isnull=False).exists()


def test_undo_restores_each_previous_value(org, agent):
    high = make_conversation(org)
    bulk.conversations_bulk_set_priority(actor=agent, conversation_ids=[high.pk], priority="High")
    none = make_conversation(org)
    result = bulk.conversations_bulk_set_priority(
        actor=agent, conversation_ids=[high.pk, none.pk], priority="Urgent"
    )
    conversations_bulk_undo(actor=agent, result={"action": result.action, "previous": result.previous})
    high.refresh_from_db()
    none.refresh_from_db()
    assert (high.priority, none.priority) == (Priority.HIGH, None)


# --- the inbox's bulk endpoint ---------------------------------------------------------------------


@pytest.fixture
def signed_in(client, agent):
    client.force_login(agent.user)
    session = client.session
    session["organization_id"] = agent.organization_id
    session.save()
    return client


def test_checked_ids_are_changed_and_undone(signed_in, org, agent):
    conversations = [make_conversation(org) for _ in range(3)]
    response = signed_in.post(
        BULK, {"ids": [c.pk for c in conversations[:2]], "op": "agent:me", "list": "tab=all"}
    )
    assert response.status_code == 302
    assert Conversation.objects.filter(assigned_agent=agent).count() == 2
    page = signed_in.get(response["Location"])
    assert "Assigned 2 of 2 conversations." in page.content.decode()
    assert signed_in.post(UNDO, {"list": "tab=all"}).status_code == 302
    assert not Conversation.objects.filter(assigned_agent=agent).exists()


def test_all_matching_takes_the_lists_filters(signed_in, org, agent):
    urgent = [make_conversation(org) for _ in range(3)]
    bulk.conversations_bulk_set_priority(
        actor=agent, conversation_ids=[c.pk for c in urgent], priority="Urgent"
    )
    other = make_conversation(org)
    response = signed_in.post(
        BULK,
        {
            "all_matching": "1",
            "op": "status:" + str(status_by_name(organization=org, name="Resolved").pk),
            "list": "tab=all&priority=Urgent",
        },
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="conv-list",
    )
    assert response.status_code == 200
    assert "Status changed on 3 of 3 conversations." in response.content.decode()
    assert 'id="bulk-notice"' in response.content.decode()
    assert Conversation.objects.filter(status__name="Resolved").count() == 3
    other.refresh_from_db()
    assert other.status.name == "Open"


def test_ids_of_another_organization_are_refused_with_a_message(signed_in, org, other_org):
    mine, theirs = make_conversation(org), make_conversation(other_org)
    response = signed_in.post(
        BULK,
        {"ids": [mine.pk, theirs.pk], "op": "priority:Low", "list": "tab=all"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="conv-list",
    )
    assert response.status_code == 200
    assert "were not found; nothing was changed" in response.content.decode()
    assert not Conversation.objects.filter(priority__isnull=False).exists()


def test_the_list_with_bulk_selection_costs_a_fixed_number_of_queries(
    signed_in, org, django_assert_max_num_queries
):
    for _ in range(30):
        make_conversation(org)
    with django_assert_max_num_queries(27) as small:
        response = signed_in.get(reverse("conversations:inbox"), {"tab": "all"})
    assert response.content.decode().count("data-bulk-check") == 25
    assert "Select all 30 matching" in response.content.decode()
    for _ in range(30):
        make_conversation(org, tags=["a", "b"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        signed_in.get(reverse("conversations:inbox"), {"tab": "all"})


# --- saved views keep every filter ----------------------------------------------------------------


def test_saving_keeps_every_filter_and_opening_shows_them(signed_in, org, agent):
    make_conversation(org, tags=["vip"])
    inbox = make_conversation(org).inbox
    signed_in.post(
        reverse("conversations:view-create"),
        {
            "name": "A very long name for urgent VIP conversations of the billing inbox",
            "tab": "all",
            "status": "resolved",
            "priority": "Urgent",
            "assignee": "me",
            "inbox": str(inbox.pk),
            "tag": "vip",
            "q": "refund",
        },
    )
    view = agent.organization.savedview_set.get() if hasattr(agent.organization, "savedview_set") else None
    from conversations.models import SavedView

    view = SavedView.objects.get()
    assert view.filters == {
        "status": ["Resolved"],
        "priority": ["Urgent"],
        "assignee": "me",
        "inbox_id": [inbox.pk],
        "tags": ["vip"],
        "text": "refund",
    }
    page = signed_in.get(reverse("conversations:inbox"), {"tab": f"view-{view.pk}"}).content.decode()
    assert '<option value="Urgent" selected>' in page
    assert '<option value="resolved" selected>' in page
    assert '<option value="vip" selected>' in page
    assert 'value="refund"' in page
    # "Any priority" chosen in the bar of the view overrides the view's priority while paging
    response = signed_in.get(reverse("conversations:inbox"), {"tab": f"view-{view.pk}", "priority": ""})
    assert "priority=&" in response.context["query"] + "&"
    assert '<option value="" selected>Any priority' in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_events_of_a_bulk_change_are_dispatched_together_after_the_commit(
    org, agent, count, capture_events, django_capture_on_commit_callbacks
):
    ids = [make_conversation(org).pk for _ in range(count)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        bulk.conversations_bulk_assign_agent(actor=agent, conversation_ids=ids, agent=agent)
    batches = [c for c in callbacks if c.__name__ == "dispatch_all"]
    assert len(batches) == 1  # one batch, not two event callbacks per conversation
    # and what its subscribers queued: one real-time push each, and one refresh of the reports'
    # rollup for all of them (its flush and its job), not one per conversation
    assert len(callbacks) == 1 + count + 2
    assert sorted(p["id"] for name, p in capture_events if name == "conversation.updated") == sorted(ids)


def test_an_agent_or_team_of_another_organization_answers_404_and_changes_nothing(signed_in, org, other_org):
    mine = make_conversation(org)
    stranger = MembershipFactory(organization=other_org)
    their_team = TeamFactory(organization=other_org, name="Theirs")
    for op in (f"agent:{stranger.pk}", f"team:{their_team.pk}"):
        response = signed_in.post(BULK, {"ids": [mine.pk], "op": op, "list": "tab=all"})
        assert response.status_code == 404, op
    mine.refresh_from_db()
    assert mine.assigned_agent_id is None and mine.assigned_team_id is None


def test_bad_input_is_a_message_not_a_500(signed_in, org):
    mine = make_conversation(org)
    for data in (
        {"ids": [mine.pk], "op": "explode"},
        {"ids": ["x"], "op": "priority:Low"},
        {"ids": [mine.pk], "op": "priority:Whenever"},
        {"ids": [mine.pk], "op": "snooze:soon"},
        {"ids": [mine.pk], "op": "tag-add", "tag": ""},
        {"ids": [mine.pk], "op": "status:999999"},
    ):
        response = signed_in.post(
            BULK, {**data, "list": "tab=all"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="conv-list"
        )
        assert response.status_code == 200, data
        assert 'role="alert"' in response.content.decode(), data
    mine.refresh_from_db()
    assert mine.priority is None


def test_a_bulk_change_reads_the_webhooks_once_and_delivers_each_event(
    org, agent, django_capture_on_commit_callbacks
):
    from helpdesk.models import Webhook, WebhookDelivery

    Webhook.objects.create(
        organization=org, url="https://hooks.example.com/p", events=["conversation.updated"]
    )
    ids = [make_conversation(org).pk for _ in range(6)]
    with django_capture_on_commit_callbacks() as callbacks:
        bulk.conversations_bulk_assign_agent(actor=agent, conversation_ids=ids, agent=agent)
    (dispatch_all,) = [c for c in callbacks if c.__name__ == "dispatch_all"]
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks():
        dispatch_all()  # the subscribers run; the deliveries' sending stays queued
    lookups = [q for q in queries.captured_queries if '"helpdesk_webhook"."is_active"' in q["sql"]]
    assert len(lookups) == 1  # once for the batch, not once per conversation
    deliveries = WebhookDelivery.objects.filter(organization=org, event="conversation.updated")
    assert sorted(d.payload["id"] for d in deliveries) == sorted(ids)
