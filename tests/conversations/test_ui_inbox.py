"""The inbox page: tabs, filters, search, sort, paging, live polling (htmx), saved views, the
organization boundary and a constant number of queries whatever the page size."""

import pytest
from django.urls import reverse

from conversations.models import SavedView, ViewVisibility
from conversations.services.assignment import conversation_assign_agent, conversation_assign_team
from conversations.services.conversations import conversation_mark_seen, conversation_set_tags
from conversations.services.lifecycle import conversation_set_status
from conversations.services.messages import message_create
from conversations.services.saved_views import saved_view_create
from helpdesk.models import Role
from tests.conversations.factories import InboxFactory, make_conversation
from tests.factories import MembershipFactory, TeamFactory

INBOX = reverse("conversations:inbox")
HTMX_LIST = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "conv-list"}


@pytest.fixture
def as_member(client):
    def sign_in(membership):
        client.force_login(membership.user)
        session = client.session
        session["organization_id"] = membership.organization_id
        session.save()
        return client

    return sign_in


def subjects(response) -> list[str]:
    return [conversation.subject for conversation in response.context["rows"]]


def test_the_inbox_needs_a_signed_in_member(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_tabs_split_mine_unassigned_and_all(as_member, org, agent, admin):
    mine = make_conversation(org, subject="Mine")
    theirs = make_conversation(org, subject="Theirs")
    nobody = make_conversation(org, subject="Nobody")
    conversation_assign_agent(conversation=mine, agent=agent, actor=admin)
    conversation_assign_agent(conversation=theirs, agent=admin, actor=admin)
    client = as_member(agent)

    assert subjects(client.get(INBOX)) == ["Mine"]  # "Mine" is the default tab
    assert subjects(client.get(INBOX, {"tab": "unassigned"})) == ["Nobody"]
    assert set(subjects(client.get(INBOX, {"tab": "all"}))) == {"Mine", "Theirs", "Nobody"}
    response = client.get(INBOX, {"tab": "all"})
    assert response.context["counts"] == {"mine": 1, "unassigned": 1, "all": 3, "teams": {}}
    assert nobody.subject in response.content.decode()


def test_team_tabs_list_my_teams_only(as_member, org, agent, admin):
    billing = TeamFactory(organization=org, name="Billing")
    other_team = TeamFactory(organization=org, name="Sales")
    agent.teams.add(billing)
    billed = make_conversation(org, subject="Invoice")
    conversation_assign_team(conversation=billed, team=billing, actor=admin)
    make_conversation(org, subject="Elsewhere")
    client = as_member(agent)

    response = client.get(INBOX, {"tab": f"team-{billing.pk}"})
    assert response.status_code == 200
    assert subjects(response) == ["Invoice"]
    assert response.context["teams"] == [(billing, 1)]
    assert client.get(INBOX, {"tab": f"team-{other_team.pk}"}).status_code == 404
    assert client.get(INBOX, {"tab": "team-nope"}).status_code == 404


def test_status_filters_default_to_open_and_accept_categories(as_member, org, agent, admin):
    make_conversation(org, subject="Still open")
    done = make_conversation(org, subject="Done")
    conversation_set_status(conversation=done, status="Resolved", actor=admin)
    client = as_member(agent)

    assert subjects(client.get(INBOX, {"tab": "all"})) == ["Still open"]
    assert subjects(client.get(INBOX, {"tab": "all", "status": "resolved"})) == ["Done"]
    assert set(subjects(client.get(INBOX, {"tab": "all", "status": "all"}))) == {"Still open", "Done"}
    # an unknown value falls back to the default instead of failing
    assert subjects(client.get(INBOX, {"tab": "all", "status": "<script>"})) == ["Still open"]


def test_priority_assignee_tag_and_inbox_filters(as_member, org, agent, admin):
    email_inbox = InboxFactory(organization=org, name="Support mail", channel="email", email="help@acme.test")
    urgent = make_conversation(org, subject="Urgent one", priority="Urgent", tags=["vip"])
    make_conversation(org, subject="Low one", priority="Low")
    by_mail = make_conversation(org, subject="By mail", inbox=email_inbox)
    conversation_assign_agent(conversation=by_mail, agent=admin, actor=admin)
    client = as_member(agent)

    assert subjects(client.get(INBOX, {"tab": "all", "priority": "Urgent"})) == ["Urgent one"]
    assert subjects(client.get(INBOX, {"tab": "all", "tag": "vip"})) == ["Urgent one"]
    assert subjects(client.get(INBOX, {"tab": "all", "inbox": email_inbox.pk})) == ["By mail"]
    assert subjects(client.get(INBOX, {"tab": "all", "assignee": admin.pk})) == ["By mail"]
    assert set(subjects(client.get(INBOX, {"tab": "all", "assignee": "none"}))) == {"Urgent one", "Low one"}
    assert urgent.subject in subjects(client.get(INBOX, {"tab": "all", "sort": "-priority"}))[:1]


def test_search_finds_subject_message_text_contact_and_reference(as_member, org, agent):
    order = make_conversation(org, subject="Order missing", email="zoe@example.com", first_name="Zoe")
    make_conversation(org, subject="Other", content="The parcel was damaged in transit")
    client = as_member(agent)

    assert subjects(client.get(INBOX, {"tab": "all", "q": "missing"})) == ["Order missing"]
    assert subjects(client.get(INBOX, {"tab": "all", "q": "damaged"})) == ["Other"]
    assert subjects(client.get(INBOX, {"tab": "all", "q": "Zoe"})) == ["Order missing"]
    assert subjects(client.get(INBOX, {"tab": "all", "q": f"#{order.reference_number}"})) == ["Order missing"]
    response = client.get(INBOX, {"tab": "all", "q": "nothing like this"})
    assert subjects(response) == []
    assert "No conversations match these filters" in response.content.decode()


def test_sort_orders_oldest_first(as_member, org, agent):
    make_conversation(org, subject="First")
    make_conversation(org, subject="Second")
    client = as_member(agent)
    assert subjects(client.get(INBOX, {"tab": "all", "sort": "created_at"})) == ["First", "Second"]
    assert subjects(client.get(INBOX, {"tab": "all", "sort": "-created_at"})) == ["Second", "First"]


def test_empty_states_say_what_to_do(as_member, org, agent):
    client = as_member(agent)
    mine = client.get(INBOX).content.decode()
    assert "All caught up" in mine and "Open Unassigned" in mine
    assert "No conversations yet" in client.get(INBOX, {"tab": "all"}).content.decode()


def test_rows_show_unread_counts_until_the_agent_reads_the_conversation(as_member, org, agent):
    conversation = make_conversation(org, subject="Unread")
    message_create(conversation=conversation, content="Anyone there?", actor=None, sender_type="contact")
    client = as_member(agent)

    response = client.get(INBOX, {"tab": "all"})
    assert response.context["rows"][0].unread == 2
    assert 'class="unread"' in response.content.decode()
    conversation_mark_seen(conversation=conversation, membership=agent)
    assert client.get(INBOX, {"tab": "all"}).context["rows"][0].unread == 0


def test_htmx_filter_change_returns_only_the_list(as_member, org, agent):
    make_conversation(org, subject="Partial")
    response = as_member(agent).get(INBOX, {"tab": "all"}, **HTMX_LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="conv-list"')
    assert "Partial" in body and "inbox-nav" not in body


def test_polling_answers_204_until_something_changes(as_member, org, agent):
    conversation = make_conversation(org, subject="Watched")
    client = as_member(agent)
    fingerprint = client.get(INBOX, {"tab": "all"}).context["poll_url"].split("since=")[1]

    poll = {"tab": "all", "since": fingerprint, "shown": 1}
    assert client.get(INBOX, poll, **HTMX_LIST).status_code == 204
    make_conversation(org, subject="Brand new")
    response = client.get(INBOX, poll, **HTMX_LIST)
    assert response.status_code == 200
    assert subjects(response) == ["Brand new", "Watched"]
    # a reply from the contact also wakes the list up
    fingerprint = response.context["poll_url"].split("since=")[1]
    message_create(conversation=conversation, content="Hello again", actor=None, sender_type="contact")
    assert client.get(INBOX, {**poll, "since": fingerprint}, **HTMX_LIST).status_code == 200


def test_load_more_pages_through_the_list(as_member, org, agent):
    for number in range(27):
        make_conversation(org, subject=f"Conversation {number:02}")
    client = as_member(agent)

    first = client.get(INBOX, {"tab": "all", "sort": "created_at"})
    assert len(first.context["rows"]) == 25
    assert first.context["has_more"] is True
    assert 'id="conv-more"' in first.content.decode()
    more = client.get(
        INBOX,
        {"tab": "all", "sort": "created_at", "page": 2},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="conv-more",
    )
    assert subjects(more) == ["Conversation 25", "Conversation 26"]
    assert more.context["has_more"] is False
    # without JavaScript, ?page=2 shows both pages
    assert len(client.get(INBOX, {"tab": "all", "page": 2}).context["rows"]) == 27


def test_inbox_list_costs_the_same_number_of_queries_for_2_or_30_rows(
    as_member, org, agent, admin, django_assert_max_num_queries
):
    client = as_member(agent)
    for number in range(2):
        conversation = make_conversation(org, subject=f"Small {number}", tags=["a", "b"])
        conversation_assign_agent(conversation=conversation, agent=admin, actor=admin)
    with django_assert_max_num_queries(26) as small:
        client.get(INBOX, {"tab": "all"})
    for number in range(28):
        conversation = make_conversation(org, subject=f"Big {number}", tags=["a", "c"])
        conversation_assign_agent(conversation=conversation, agent=admin, actor=admin)
        conversation_set_tags(conversation=conversation, actor=admin, add=["d"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(INBOX, {"tab": "all"})
    with django_assert_max_num_queries(16):
        client.get(INBOX, {"tab": "all", "since": "x", "shown": 30}, **HTMX_LIST)


def test_saved_views_become_tabs(as_member, org, agent, admin):
    make_conversation(org, subject="VIP", tags=["vip"], priority="High")
    make_conversation(org, subject="Regular")
    client = as_member(agent)

    response = client.post(
        reverse("conversations:view-create"),
        {"name": "My VIPs", "visibility": "all", "tab": "all", "status": "open", "tag": "vip"},
    )
    view = SavedView.objects.get(name="My VIPs")
    assert response.status_code == 302 and response["Location"].endswith(f"tab=view-{view.pk}")
    assert view.visibility == ViewVisibility.USER  # agents cannot share views with everyone
    assert view.owner == agent
    assert view.filters == {"status": ["Open"], "tags": ["vip"]}
    tab = client.get(INBOX, {"tab": f"view-{view.pk}"})
    assert subjects(tab) == ["VIP"]
    assert "My VIPs" in tab.content.decode()


def test_personal_views_of_others_and_shared_views_are_protected(as_member, org, agent, admin):
    private = saved_view_create(actor=admin, name="Admin's own", filters={})
    shared = saved_view_create(actor=admin, name="Team view", filters={}, visibility="all")
    client = as_member(agent)

    assert client.get(INBOX, {"tab": f"view-{private.pk}"}).status_code == 404
    assert client.get(INBOX, {"tab": f"view-{shared.pk}"}).status_code == 200
    assert client.post(reverse("conversations:view-delete", args=[private.pk])).status_code == 404
    client.post(reverse("conversations:view-delete", args=[shared.pk]))
    assert SavedView.objects.filter(pk__in=[private.pk, shared.pk]).count() == 2


def test_another_organizations_conversations_never_show(as_member, org, agent, other_org, other_conversation):
    make_conversation(org, subject="Ours")
    other_team = TeamFactory(organization=other_org)
    client = as_member(agent)

    body = client.get(INBOX, {"tab": "all", "status": "all"}).content.decode()
    assert "Ours" in body and "Globex secret" not in body
    assert subjects(client.get(INBOX, {"tab": "all", "q": "Globex"})) == []
    assert client.get(INBOX, {"tab": f"team-{other_team.pk}"}).status_code == 404


def test_xss_in_subject_and_preview_is_escaped(as_member, org, agent):
    make_conversation(org, subject="<script>alert('s')</script>", content="<img src=x onerror=alert(1)>hi")
    body = as_member(agent).get(INBOX, {"tab": "all"}).content.decode()
    assert "<script>alert('s')</script>" not in body
    assert "&lt;script&gt;" in body
    assert "onerror" not in body


def test_inbox_and_contacts_are_in_the_navigation(as_member, org, agent):
    body = as_member(agent).get(INBOX).content.decode()
    assert 'href="/inbox/"' in body and 'data-shortcut="g i"' in body
    assert 'href="/contacts/"' in body and 'data-shortcut="g c"' in body


def test_a_member_of_two_organizations_sees_the_current_one(
    as_member, org, other_org, other_conversation, agent
):
    both = MembershipFactory(organization=other_org, user=agent.user, role=Role.AGENT)
    make_conversation(org, subject="Acme side")
    client = as_member(both)
    body = client.get(INBOX, {"tab": "all"}).content.decode()
    assert "Globex secret" in body and "Acme side" not in body


def test_a_too_short_search_says_so(as_member, org, agent):
    make_conversation(org, subject="Order")
    response = as_member(agent).get(INBOX, {"tab": "all", "q": "or"})
    assert subjects(response) == []
    assert "at least 3 characters" in response.content.decode()


def test_the_status_select_shows_the_applied_default(as_member, org, agent, admin):
    view = saved_view_create(actor=agent, name="Everything", filters={})
    client = as_member(agent)
    assert '<option value="open" selected>' in client.get(INBOX, {"tab": "all"}).content.decode()
    assert '<option value="all" selected>' in client.get(INBOX, {"tab": f"view-{view.pk}"}).content.decode()


def test_saving_from_a_tab_keeps_what_the_tab_shows(as_member, org, agent, admin):
    make_conversation(org, tags=["vip"])  # the built-in statuses and a tag exist
    team = TeamFactory(organization=org, name="Billing")
    agent.teams.add(team)
    base = saved_view_create(actor=agent, name="Urgent", filters={"priority": ["Urgent"]})
    client = as_member(agent)
    client.post(reverse("conversations:view-create"), {"name": "Mine open", "tab": "mine", "status": "open"})
    client.post(
        reverse("conversations:view-create"), {"name": "Billing", "tab": f"team-{team.pk}", "status": "all"}
    )
    client.post(
        reverse("conversations:view-create"), {"name": "Urgent VIP", "tab": f"view-{base.pk}", "tag": "vip"}
    )
    saved = {view.name: view.filters for view in SavedView.objects.all()}
    assert saved["Mine open"] == {"assignee": "me", "status": ["Open"]}
    assert saved["Billing"] == {"team_id": [team.pk]}
    assert saved["Urgent VIP"] == {"priority": ["Urgent"], "tags": ["vip"]}
