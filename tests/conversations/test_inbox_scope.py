"""The inbox's search scope and the supervisors' filters: a search from any tab searches
everything the member may see (a chip says so, and narrows it back to the tab); team and
creation-date filters for admins, kept by a saved view."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations.models import Conversation, SavedView
from conversations.services.assignment import conversation_assign_agent, conversation_assign_team
from conversations.services.catalog import status_by_name
from conversations.services.lifecycle import conversation_set_status
from helpdesk.models import Role
from tests.conversations.factories import make_conversation
from tests.factories import MembershipFactory, TeamFactory

INBOX = reverse("conversations:inbox")


@pytest.fixture
def sign_in(client):
    def sign_in(membership):
        client.force_login(membership.user)
        session = client.session
        session["organization_id"] = membership.organization_id
        session.save()
        return client

    return sign_in


def subjects(response):
    return sorted(c.subject for c in response.context["rows"])


def test_a_search_from_mine_searches_everything_with_a_chip(sign_in, org, agent):
    other = MembershipFactory(organization=org, role=Role.AGENT)
    mine = make_conversation(org, subject="Refund for order 1")
    conversation_assign_agent(conversation=mine, agent=agent, actor=agent)
    theirs = make_conversation(org, subject="Refund for order 2")
    conversation_assign_agent(conversation=theirs, agent=other, actor=other)
    done = make_conversation(org, subject="Refund for order 3")
    conversation_set_status(
        conversation=done, status=status_by_name(organization=org, name="Resolved"), actor=agent
    )
    make_conversation(org, subject="Something else")
    client = sign_in(agent)

    response = client.get(INBOX, {"tab": "mine", "q": "refund"})
    assert subjects(response) == ["Refund for order 1", "Refund for order 2", "Refund for order 3"]
    html = response.content.decode()
    assert "All conversations you can see, any status" in html
    assert "scope=tab" in response.context["scope_url"]

    narrowed = client.get(INBOX, {"tab": "mine", "q": "refund", "scope": "tab"})
    assert subjects(narrowed) == ["Refund for order 1"]
    assert "Only in Mine" in narrowed.content.decode()
    assert "scope=tab" in narrowed.context["query"]  # paging and polling keep the narrowed scope
    assert "scope" not in narrowed.context["scope_url"]  # the chip's x searches everything again
    # a status chosen in the bar still applies to the wide search
    assert subjects(client.get(INBOX, {"tab": "mine", "q": "refund", "status": "resolved"})) == [
        "Refund for order 3"
    ]


def test_admins_filter_by_team_and_creation_day(sign_in, org, admin):
    billing = TeamFactory(organization=org, name="Billing")
    old = make_conversation(org, subject="Old billing")
    conversation_assign_team(conversation=old, team=billing, actor=admin)
    Conversation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    new = make_conversation(org, subject="New billing")
    conversation_assign_team(conversation=new, team=billing, actor=admin)
    make_conversation(org, subject="No team")
    client = sign_in(admin)
    page = client.get(INBOX, {"tab": "all"}).content.decode()
    assert 'name="team"' in page and 'name="created_after"' in page
    assert subjects(client.get(INBOX, {"tab": "all", "team": billing.pk})) == ["New billing", "Old billing"]
    since = (timezone.now() - timedelta(days=2)).date().isoformat()
    assert subjects(client.get(INBOX, {"tab": "all", "team": billing.pk, "created_after": since})) == [
        "New billing"
    ]
    before = (timezone.now() - timedelta(days=5)).date().isoformat()
    assert subjects(client.get(INBOX, {"tab": "all", "created_before": before})) == ["Old billing"]
    # a bad date is dropped, not a 500
    assert client.get(INBOX, {"tab": "all", "created_after": "yesterday"}).status_code == 200

    client.post(
        reverse("conversations:view-create"),
        {
            "name": "Recent billing",
            "tab": "all",
            "team": billing.pk,
            "created_after": since,
            "priority": "High",
        },
    )
    view = SavedView.objects.get(name="Recent billing")
    assert view.filters["team_id"] == [billing.pk]
    assert view.filters["created_after"] == since
    assert view.filters["priority"] == ["High"]
    opened = client.get(INBOX, {"tab": f"view-{view.pk}"})
    assert opened.context["values"]["team"] == str(billing.pk)
    assert opened.context["values"]["created_after"] == since
    assert opened.context["values"]["priority"] == "High"


def test_agents_do_not_get_the_supervisor_filters(sign_in, org, agent):
    TeamFactory(organization=org, name="Billing")
    page = sign_in(agent).get(INBOX, {"tab": "all"}).content.decode()
    assert 'name="team"' not in page and 'name="created_after"' not in page


def test_the_api_filters_by_creation_day_and_refuses_a_bad_one(org, admin):
    from conversations.errors import ConversationError
    from conversations.selectors.conversations import apply_filters

    make_conversation(org)
    base = Conversation.objects.filter(organization=org)
    today = timezone.now().date().isoformat()
    assert (
        apply_filters(base, organization=org, membership=admin, filters={"created_after": today}).count() == 1
    )
    with pytest.raises(ConversationError):
        apply_filters(base, organization=org, membership=admin, filters={"created_before": "soon"})
