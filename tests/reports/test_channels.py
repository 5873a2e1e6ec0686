"""The inboxes and tags tables on hand-built conversations with known answers: a conversation
counts for its inbox and under each of its tags, the untagged ones under "No tag", the filters
narrow the rows, and the tables cost the same queries for more rows."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conversations.models import Inbox, Tag
from reports.filters import filters_parse
from reports.selectors.channels import inboxes_report, tags_report
from tests.conversations.factories import InboxFactory
from tests.reports.builders import conversation_at, survey

NOW = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
MONDAY = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
WEEK = {"from": "2026-01-08", "to": "2026-01-14"}


def filters(org, **params):
    return filters_parse(organization=org, params={**WEEK, **params}, now=NOW)


def rows(report, key="name"):
    return {row[key]: row for row in report["results"]}


@pytest.fixture
def desk(org):
    """Email: two conversations (resolved in 2 h and 4 h, tagged billing+refund and billing);
    web: one open conversation with no tag, replied to in 10 minutes; a CSAT of 5 on the first."""
    email = InboxFactory(organization=org, name="Support mail", channel="email")
    web = InboxFactory(organization=org, name="Site chat", channel="web")
    billing = Tag.objects.create(organization=org, name="billing")
    refund = Tag.objects.create(organization=org, name="refund")
    Tag.objects.create(organization=org, name="unused")
    first = conversation_at(org, MONDAY, resolved_at=MONDAY + timedelta(hours=2), inbox=email)
    second = conversation_at(org, MONDAY, resolved_at=MONDAY + timedelta(hours=4), inbox=email)
    third = conversation_at(org, MONDAY, first_reply_at=MONDAY + timedelta(minutes=10), inbox=web)
    first.tags.set([billing, refund])
    second.tags.set([billing])
    survey(first, MONDAY + timedelta(hours=2), 5)
    return {"email": email, "web": web, "billing": billing, "refund": refund, "third": third}


def test_each_inbox_counts_its_conversations(org, desk):
    by_name = rows(inboxes_report(filters(org)))

    mail, chat = by_name["Support mail"], by_name["Site chat"]
    assert (mail["opened"], mail["resolved"], mail["backlog"]) == (2, 2, 0)
    assert mail["resolution"] == {"median_seconds": 3 * 3600.0, "p90_seconds": 3.8 * 3600.0, "count": 2}
    assert mail["csat"]["average"] == 5 and mail["csat"]["answered"] == 1
    assert (mail["channel"], mail["channel_label"]) == ("email", "Email")
    assert (chat["opened"], chat["resolved"], chat["backlog"]) == (1, 0, 1)
    assert chat["first_response"]["median_seconds"] == 600.0
    assert chat["csat"]["average"] is None
    # The organization's default inbox had nothing: a row of zeros.
    others = [row for name, row in by_name.items() if name not in ("Support mail", "Site chat")]
    assert others and all(row["opened"] == 0 for row in others)


def test_a_conversation_counts_under_each_of_its_tags(org, desk):
    by_name = rows(tags_report(filters(org)))

    assert by_name["billing"]["opened"] == 2 and by_name["billing"]["resolved"] == 2
    assert by_name["billing"]["resolution"]["median_seconds"] == 3 * 3600.0
    assert (
        by_name["refund"]["opened"] == 1 and by_name["refund"]["resolution"]["median_seconds"] == 2 * 3600.0
    )
    assert by_name["refund"]["csat"]["average"] == 5 and by_name["billing"]["csat"]["answered"] == 1
    assert by_name["No tag"]["opened"] == 1 and by_name["No tag"]["tag_id"] is None
    assert by_name["unused"]["opened"] == 0
    # The per-tag sum is more than the conversations: one had two tags.
    assert sum(row["opened"] for row in by_name.values()) == 4


def test_filters_narrow_the_rows(org, desk):
    by_inbox = rows(inboxes_report(filters(org, tag="billing")))
    assert by_inbox["Support mail"]["opened"] == 2 and by_inbox["Site chat"]["opened"] == 0

    tagged = tags_report(filters(org, tag="refund"))["results"]
    assert [(row["name"], row["opened"]) for row in tagged] == [("refund", 1)]

    by_tag = rows(tags_report(filters(org, inbox_id=str(desk["web"].pk))))
    assert by_tag["No tag"]["opened"] == 1 and by_tag["billing"]["opened"] == 0

    only = inboxes_report(filters(org, inbox_id=str(desk["email"].pk)))["results"]
    assert [row["name"] for row in only] == ["Support mail"]


def test_rows_sort_by_a_measure(org, desk):
    names = [row["name"] for row in tags_report(filters(org), order_by="-opened")["results"]]
    assert names[0] == "billing" and names[-1] == "unused"


def test_a_disabled_inbox_without_activity_is_left_out(org, desk):
    Inbox.objects.filter(pk=desk["web"].pk).update(enabled=False)
    quiet = InboxFactory(organization=org, name="Old inbox", enabled=False)

    by_name = rows(inboxes_report(filters(org)))

    assert "Site chat" in by_name and by_name["Site chat"]["enabled"] is False
    assert quiet.name not in by_name


def _count(report, org):
    with CaptureQueriesContext(connection) as captured:
        report(filters(org))
    return len(captured)


@pytest.mark.parametrize("report", [inboxes_report, tags_report])
def test_the_queries_do_not_grow_with_rows(org, desk, report):
    few = _count(report, org)
    for index in range(6):
        inbox = InboxFactory(organization=org, name=f"More {index}")
        tag = Tag.objects.create(organization=org, name=f"more-{index}")
        for _ in range(2):
            conversation = conversation_at(org, MONDAY, resolved_at=MONDAY + timedelta(hours=1), inbox=inbox)
            conversation.tags.set([tag, desk["billing"]])
            survey(conversation, MONDAY + timedelta(hours=1), 4)

    assert _count(report, org) == few
