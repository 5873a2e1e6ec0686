"""The reports' rollup (``ConversationFacts``) follows each change made through the services, by
their events after the commit: reopen and re-resolve, tags, reassignment, CSAT after the
resolution, merge, deletion; and the rebuild command writes the same rows as the events did."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from conversations.models import Inbox, SenderType
from conversations.services.assignment import conversation_assign_agent
from conversations.services.conversations import conversation_set_tags
from conversations.services.csat import csat_answer
from conversations.services.lifecycle import conversation_set_status
from conversations.services.merge import conversation_merge
from conversations.services.messages import message_create
from helpdesk.models import Role
from reports.facts import conversation_facts_rebuild
from reports.filters import filters_parse
from reports.models import ConversationFacts
from reports.selectors.channels import tags_report
from reports.selectors.overview import overview_report
from reports.selectors.people import agents_report
from tests.conversations.factories import make_conversation
from tests.factories import MembershipFactory

TODAY = {"preset": "today"}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as if committed: its events (and the refresh jobs they queue) dispatch."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


def facts_of(conversation) -> dict:
    return model_to_dict(ConversationFacts.objects.get(pk=conversation.pk))


def figures(org) -> dict:
    return overview_report(filters_parse(organization=org, params=TODAY))["figures"]


def test_a_new_conversation_gets_its_row(org, committed):
    conversation = committed(make_conversation, org)

    row = facts_of(conversation)
    assert row["organization"] == org.pk
    assert row["opened_at"] == conversation.created_at
    assert row["first_reply_at"] is None and not row["is_resolved"]
    assert figures(org)["opened"] == 1


def test_reply_resolve_reopen_and_resolve_again(org, agent, committed):
    conversation = committed(make_conversation, org)
    committed(message_create, conversation=conversation, content="On it", actor=agent)
    assert facts_of(conversation)["agent_wrote"] is True
    assert facts_of(conversation)["first_response_seconds"] is not None

    committed(conversation_set_status, conversation=conversation, status="Resolved", actor=agent)
    row = facts_of(conversation)
    assert row["is_resolved"] and row["resolution_count"] == 1 and row["resolution_seconds"] is not None
    assert figures(org)["resolved"] == 1

    conversation.refresh_from_db()
    committed(
        message_create,
        conversation=conversation,
        content="Still broken",
        actor=None,
        sender_type=SenderType.CONTACT,
    )
    row = facts_of(conversation)
    assert not row["is_resolved"] and row["resolved_at"] is None
    assert figures(org)["resolved"] == 0 and figures(org)["backlog"] == 1

    conversation.refresh_from_db()
    committed(conversation_set_status, conversation=conversation, status="Resolved", actor=agent)
    assert facts_of(conversation)["resolution_count"] == 2
    assert figures(org)["resolved"] == 1


def test_reassignment_moves_the_conversation_between_agents(org, agent, committed):
    other = MembershipFactory(organization=org, role=Role.AGENT, user__email="other@acme.test")
    conversation = committed(make_conversation, org)
    committed(conversation_assign_agent, conversation=conversation, agent=agent, actor=None)
    conversation.refresh_from_db()
    committed(conversation_assign_agent, conversation=conversation, agent=other, actor=None)

    rows = {
        row["agent_id"]: row["opened"]
        for row in agents_report(filters_parse(organization=org, params=TODAY))["results"]
    }
    assert rows[other.pk] == 1
    assert rows[agent.pk] == 0
    assert facts_of(conversation)["assigned_agent"] == other.pk


def test_a_tag_change_moves_the_conversation_between_tags(org, agent, committed):
    conversation = committed(make_conversation, org, tags=["billing"])
    committed(conversation_set_tags, conversation=conversation, actor=agent, tags=["refund"])

    rows = {
        row["name"]: row["opened"]
        for row in tags_report(filters_parse(organization=org, params=TODAY))["results"]
    }
    assert rows == {"billing": 0, "refund": 1}
    by_tag = filters_parse(organization=org, params={**TODAY, "tag": "refund"})
    assert overview_report(by_tag)["figures"]["opened"] == 1


def test_csat_answered_after_the_resolution(org, agent, committed):
    conversation = committed(make_conversation, org)
    Inbox.objects.filter(organization=org).update(csat_enabled=True)  # the default inbox, made above
    conversation.refresh_from_db()
    committed(conversation_set_status, conversation=conversation, status="Resolved", actor=agent)
    survey = conversation.csat_surveys.get()
    assert facts_of(conversation)["csat_bad"] is False

    committed(csat_answer, survey=survey, rating=2)

    assert facts_of(conversation)["csat_bad"] is True
    assert figures(org)["csat"]["average"] == 2


def test_a_rated_answer_changes_the_strict_rule(org, committed):
    from chatbots.services.sessions import chat_rate
    from tests.reports.builders import bot_answer

    conversation = committed(make_conversation, org)
    answer = bot_answer(conversation, at=conversation.created_at)
    assert facts_of(conversation)["thumbs_down"] is False

    committed(chat_rate, session=answer.session, index=answer.index, rate=-1)

    assert facts_of(conversation)["thumbs_down"] is True
    committed(chat_rate, session=answer.session, index=answer.index, rate=1)
    row = facts_of(conversation)
    assert row["thumbs_up"] is True and row["thumbs_down"] is False


def test_merge_leaves_the_duplicate_out(org, agent, committed):
    target = committed(make_conversation, org, email="same@example.com")
    source = committed(make_conversation, org, email="same@example.com")
    assert figures(org)["opened"] == 2

    committed(conversation_merge, source=source, target=target, actor=agent)

    assert facts_of(source)["merged"] is True
    assert facts_of(target)["merged"] is False
    assert figures(org)["opened"] == 1


def test_a_deleted_conversation_takes_its_row(org, committed):
    conversation = committed(make_conversation, org)
    committed(make_conversation, org)

    conversation.delete()

    assert not ConversationFacts.objects.filter(pk=conversation.pk).exists()
    assert figures(org)["opened"] == 1


def test_the_rebuild_writes_the_rows_the_events_wrote(org, other_org, agent, committed):
    first = committed(make_conversation, org, tags=["billing"], email="one@example.com")
    Inbox.objects.filter(organization=org).update(csat_enabled=True)
    second = committed(make_conversation, org, email="one@example.com")
    committed(make_conversation, other_org)
    committed(message_create, conversation=first, content="Hello", actor=agent)
    committed(conversation_assign_agent, conversation=first, agent=agent, actor=None)
    first.refresh_from_db()
    committed(conversation_set_status, conversation=first, status="Resolved", actor=agent)
    committed(csat_answer, survey=first.csat_surveys.get(), rating=5)
    committed(conversation_merge, source=second, target=first, actor=agent)
    incremental = sorted(
        map(model_to_dict, ConversationFacts.objects.all()), key=lambda row: row["conversation"]
    )
    assert len(incremental) == 3

    ConversationFacts.objects.all().delete()
    output = StringIO()
    call_command("reports_facts_rebuild", stdout=output)

    rebuilt = sorted(map(model_to_dict, ConversationFacts.objects.all()), key=lambda row: row["conversation"])
    assert rebuilt == incremental
    assert "3 of 3 conversations" in output.getvalue()


def test_the_rebuild_of_one_organization_leaves_the_others(org, other_org, committed):
    committed(make_conversation, org)
    theirs = committed(make_conversation, other_org)
    ConversationFacts.objects.all().delete()

    assert conversation_facts_rebuild(organization_ids=[org.pk]) == 1

    assert list(ConversationFacts.objects.values_list("organization", flat=True)) == [org.pk]
    assert not ConversationFacts.objects.filter(pk=theirs.pk).exists()


def test_the_rebuild_of_missing_rows_writes_only_those(org, committed):
    kept = committed(make_conversation, org)
    lost = committed(make_conversation, org)
    ConversationFacts.objects.filter(pk=lost.pk).delete()
    output = StringIO()

    call_command("reports_facts_rebuild", missing=True, stdout=output)

    assert "1 of 1 conversations" in output.getvalue()
    assert set(ConversationFacts.objects.values_list("pk", flat=True)) == {kept.pk, lost.pk}


def test_the_rebuild_command_refuses_an_unknown_organization(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown organization: nobody"):
        call_command("reports_facts_rebuild", organization=["nobody"], stdout=StringIO())
    assert not ConversationFacts.objects.exists()


def test_a_bulk_change_refreshes_its_conversations_with_one_write(org, agent, committed):
    """Many conversations changed at once: one refresh job writes every row (not one job, with its
    queries, per conversation's event), and each row follows the change."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conversations.services.bulk import conversations_bulk_assign_agent

    conversations = [committed(make_conversation, org) for _ in range(12)]
    with CaptureQueriesContext(connection) as queries:
        committed(
            conversations_bulk_assign_agent,
            actor=agent,
            conversation_ids=[conversation.pk for conversation in conversations],
            agent=agent,
        )
    upserts = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('INSERT INTO "reports_conversationfacts"')
    ]
    assert len(upserts) == 1
    assert {facts_of(conversation)["assigned_agent"] for conversation in conversations} == {agent.pk}
    rows = {
        row["agent_id"]: row["opened"]
        for row in agents_report(filters_parse(organization=org, params=TODAY))["results"]
    }
    assert rows[agent.pk] == 12


def test_migrate_fills_the_rows_of_conversations_from_before_the_rollup(org, committed):
    """An upgrade (``make run`` migrates) keeps its reports: conversations without a row get one."""
    kept = committed(make_conversation, org)
    older = committed(make_conversation, org)
    ConversationFacts.objects.filter(pk=older.pk).delete()

    call_command("migrate", verbosity=0, interactive=False)

    assert set(ConversationFacts.objects.values_list("pk", flat=True)) == {kept.pk, older.pk}
    assert figures(org)["opened"] == 2
