"""Organization isolation over every conversations endpoint that takes an id: another
organization's object answers 404 and does not change; lists never show it; ids of another
organization inside a body are refused the same way."""

import pytest

from conversations.models import (
    Attachment,
    CannedResponse,
    Channel,
    ContactNote,
    Macro,
    Mailbox,
    SavedView,
    Status,
    Tag,
)
from conversations.services import messages
from tests.conversations.factories import (
    BusinessHoursFactory,
    InboxFactory,
    SLAPolicyFactory,
    make_conversation,
)
from tests.factories import MembershipFactory, TeamFactory
from tests.isolation import assert_isolated, assert_not_listed, assert_unchanged, snapshot


@pytest.fixture
def foreign(other_org, other_admin):
    """Globex's rows, which Acme must never reach."""
    conversation = make_conversation(
        other_org, email="eve@globex.test", subject="Globex secret", tags=["secret"]
    )
    message = messages.message_create(conversation=conversation, content="private globex", actor=other_admin)
    contact = conversation.contact
    team = TeamFactory(organization=other_org, name="Globex team")
    agent = MembershipFactory(organization=other_org)
    attachment = Attachment.objects.create(
        organization=other_org, filename="x.txt", content_type="text/plain", size=1, file="attachments/x.txt"
    )
    return {
        "conversation": conversation,
        "message": message,
        "contact": contact,
        "note": ContactNote.objects.create(organization=other_org, contact=contact, note="globex note"),
        "inbox": InboxFactory(organization=other_org),
        "status": Status.objects.create(organization=other_org, name="Globex status"),
        "tag": Tag.objects.get(organization=other_org, name="secret"),
        "view": SavedView.objects.create(organization=other_org, name="Globex view", visibility="all"),
        "canned": CannedResponse.objects.create(organization=other_org, title="Globex canned", content="hi"),
        "macro": Macro.objects.create(
            organization=other_org, name="Globex macro", actions=[{"type": "unassign_agent"}]
        ),
        "policy": SLAPolicyFactory(organization=other_org),
        "hours": BusinessHoursFactory(organization=other_org),
        "team": team,
        "agent": agent,
        "attachment": attachment,
        "mailbox": Mailbox.objects.create(
            organization=other_org,
            inbox=InboxFactory(organization=other_org, channel=Channel.EMAIL, email="help@globex.test"),
            host="imap.globex.test",
            username="help",
            password_encrypted="globex-token",
        ),
    }


C = "/api/v1/conversations/{conversation.uuid}"
MATRIX = [
    ("get", C, None, "conversation"),
    ("get", C + "/participants", None, "conversation"),
    ("get", C + "/csat", None, "conversation"),
    ("put", C + "/last-seen", None, "conversation"),
    ("get", C + "/messages", None, "conversation"),
    ("post", C + "/messages", {"message": "pwned"}, "conversation"),
    ("get", C + "/messages/{message.uuid}", None, "message"),
    ("put", C + "/messages/{message.uuid}/retry", None, "message"),
    ("put", C + "/assignee/user", {"assignee_id": 1}, "conversation"),
    ("put", C + "/assignee/team", {"assignee_id": 1}, "conversation"),
    ("put", C + "/assignee/user/remove", None, "conversation"),
    ("put", C + "/assignee/team/remove", None, "conversation"),
    ("put", C + "/status", {"status": "Closed"}, "conversation"),
    ("put", C + "/priority", {"priority": "Urgent"}, "conversation"),
    ("post", C + "/tags", {"tags": ["pwned"]}, "conversation"),
    ("post", C + "/merge", {"into_uuid": "00000000-0000-0000-0000-000000000000"}, "conversation"),
    ("get", "/api/v1/tickets/{conversation.reference_number}", None, "conversation"),
    ("get", "/api/v1/tickets/{conversation.uuid}", None, "conversation"),
    ("put", "/api/v1/tickets/{conversation.uuid}", {"status": "closed"}, "conversation"),
    ("get", "/api/v1/contacts/{contact.pk}", None, "contact"),
    ("put", "/api/v1/contacts/{contact.pk}", {"first_name": "Pwned"}, "contact"),
    ("put", "/api/v1/contacts/{contact.pk}/block", {"enabled": False}, "contact"),
    ("get", "/api/v1/contacts/{contact.pk}/notes", None, "contact"),
    ("post", "/api/v1/contacts/{contact.pk}/notes", {"note": "pwned"}, "contact"),
    ("delete", "/api/v1/contacts/{contact.pk}/notes/{note.pk}", None, "note"),
    ("get", "/api/v1/users/{contact.pk}", None, "contact"),
    ("get", "/api/v1/inboxes/{inbox.pk}", None, "inbox"),
    ("put", "/api/v1/inboxes/{inbox.pk}", {"name": "Pwned"}, "inbox"),
    ("delete", "/api/v1/inboxes/{inbox.pk}", None, "inbox"),
    ("post", "/api/v1/inboxes/{mailbox.inbox_id}/test-connection", None, "mailbox"),
    ("get", "/api/v1/mailboxes/{mailbox.pk}", None, "mailbox"),
    ("put", "/api/v1/mailboxes/{mailbox.pk}", {"imap": {"host": "pwned.test"}}, "mailbox"),
    ("patch", "/api/v1/mailboxes/{mailbox.pk}", {"bot_mode": "answer"}, "mailbox"),
    ("delete", "/api/v1/mailboxes/{mailbox.pk}", None, "mailbox"),
    ("post", "/api/v1/mailboxes/{mailbox.pk}/test-connection", None, "mailbox"),
    ("put", "/api/v1/statuses/{status.pk}", {"name": "Pwned"}, "status"),
    ("delete", "/api/v1/statuses/{status.pk}", None, "status"),
    ("put", "/api/v1/tags/{tag.pk}", {"name": "pwned"}, "tag"),
    ("delete", "/api/v1/tags/{tag.pk}", None, "tag"),
    ("get", "/api/v1/views/{view.pk}", None, "view"),
    ("put", "/api/v1/views/{view.pk}", {"name": "Pwned"}, "view"),
    ("delete", "/api/v1/views/{view.pk}", None, "view"),
    ("get", "/api/v1/views/{view.pk}/conversations", None, "view"),
    ("get", "/api/v1/canned-responses/{canned.pk}", None, "canned"),
    ("put", "/api/v1/canned-responses/{canned.pk}", {"title": "Pwned"}, "canned"),
    ("delete", "/api/v1/canned-responses/{canned.pk}", None, "canned"),
    (
        "post",
        "/api/v1/canned-responses/{canned.pk}/render",
        {"conversation_uuid": "{conversation.uuid}"},
        "canned",
    ),
    ("get", "/api/v1/macros/{macro.pk}", None, "macro"),
    ("put", "/api/v1/macros/{macro.pk}", {"name": "Pwned"}, "macro"),
    ("delete", "/api/v1/macros/{macro.pk}", None, "macro"),
    ("post", "/api/v1/macros/{macro.pk}/apply", {"conversation_uuid": "{conversation.uuid}"}, "macro"),
    ("get", "/api/v1/sla-policies/{policy.pk}", None, "policy"),
    ("put", "/api/v1/sla-policies/{policy.pk}", {"name": "Pwned"}, "policy"),
    ("delete", "/api/v1/sla-policies/{policy.pk}", None, "policy"),
    ("get", "/api/v1/business-hours/{hours.pk}", None, "hours"),
    ("put", "/api/v1/business-hours/{hours.pk}", {"name": "Pwned"}, "hours"),
    ("delete", "/api/v1/business-hours/{hours.pk}", None, "hours"),
    ("get", "/api/v1/teams/{team.pk}/conversations/unassigned", None, "team"),
    ("get", "/api/v1/media/{attachment.uuid}", None, "attachment"),
    ("get", "/api/v1/media/{attachment.uuid}/download", None, "attachment"),
    ("post", "/api/v1/agentic-rag/analyze", {"conversation_id": "{conversation.pk}"}, "conversation"),
    ("post", "/api/v1/agentic-rag/analyze", {"conversation_id": "{conversation.uuid}"}, "conversation"),
]


def _format(template, foreign):
    return template.format(**foreign) if isinstance(template, str) else template


@pytest.mark.parametrize("method,url,body,target", MATRIX, ids=[f"{m} {u}" for m, u, _, _ in MATRIX])
def test_another_organizations_objects_answer_404_and_do_not_change(
    owner, api_for, foreign, method, url, body, target
):
    client = api_for(owner)  # the most powerful role of Acme
    obj = foreign[target]
    before = snapshot(obj)
    messages_before = foreign["conversation"].messages.count()
    if body:
        body = {key: _format(value, foreign) for key, value in body.items()}
    assert_isolated(client, method, _format(url, foreign), body)
    assert_unchanged(obj, before)
    assert foreign["conversation"].messages.count() == messages_before


LISTS = [
    ("/api/v1/conversations/all", "conversation", "uuid"),
    ("/api/v1/conversations/unassigned", "conversation", "uuid"),
    ("/api/v1/conversations", "conversation", "uuid"),
    ("/api/v1/tickets", "conversation", "uuid"),
    ("/api/v1/contacts", "contact", "id"),
    ("/api/v1/users", "contact", "id"),
    ("/api/v1/inboxes", "inbox", "id"),
    ("/api/v1/mailboxes", "mailbox", "id"),
    ("/api/v1/statuses", "status", "id"),
    ("/api/v1/tags", "tag", "id"),
    ("/api/v1/views", "view", "id"),
    ("/api/v1/canned-responses", "canned", "id"),
    ("/api/v1/macros", "macro", "id"),
    ("/api/v1/sla-policies", "policy", "id"),
    ("/api/v1/business-hours", "hours", "id"),
    ("/api/v1/conversations/search?query=globex", "conversation", "uuid"),
    ("/api/v1/messages/search?query=globex", "message", "uuid"),
    ("/api/v1/contacts/search?query=globex", "contact", "id"),
]


@pytest.mark.parametrize("url,target,id_field", LISTS, ids=[url for url, _, _ in LISTS])
def test_lists_never_show_another_organizations_rows(owner, api_for, foreign, org, url, target, id_field):
    make_conversation(org, email="mine@globex.test", subject="globex lookalike", content="globex words")
    value = getattr(foreign[target], id_field)
    assert_not_listed(api_for(owner), url, [value], id_field=id_field)


def test_sla_status_counts_only_our_organization(owner, api_for, foreign):
    from conversations.models import Conversation

    Conversation.objects.filter(pk=foreign["conversation"].pk).update(
        sla_next_deadline_at="2000-01-01T00:00:00Z"
    )
    body = api_for(owner).get("/api/v1/sla/status").json()
    assert (body["on_track"], body["at_risk"], body["breached"]) == (0, 0, 0)


@pytest.mark.parametrize(
    "path,body_for",
    [
        ("assignee/user", lambda f: {"assignee_id": f["agent"].pk}),
        ("assignee/team", lambda f: {"assignee_id": f["team"].pk}),
        ("merge", lambda f: {"into_uuid": str(f["conversation"].uuid)}),
        ("messages", lambda f: {"message": "x", "attachments": [f["attachment"].pk]}),
    ],
)
def test_ids_of_another_organization_in_a_body_are_404(owner, api_for, foreign, org, path, body_for):
    mine = make_conversation(org, email="eve@globex.test")
    before = snapshot(mine)
    messages_before = mine.messages.count()
    method = "put" if path.startswith("assignee") else "post"
    assert_isolated(api_for(owner), method, f"/api/v1/conversations/{mine.uuid}/{path}", body_for(foreign))
    assert_unchanged(mine, before)
    assert mine.messages.count() == messages_before


def test_create_with_another_organizations_inbox_team_or_agent_is_404(owner, api_for, foreign):
    client = api_for(owner)
    base = {"subject": "s", "content": "c", "contact_email": "c@example.com"}
    for extra in (
        {"inbox_id": foreign["inbox"].pk},
        {"team_id": foreign["team"].pk},
        {"agent_id": foreign["agent"].pk},
    ):
        assert_isolated(client, "post", "/api/v1/conversations", {**base, **extra})
    from conversations.models import Conversation

    assert not Conversation.objects.filter(organization=owner.organization).exists()


def test_a_mailbox_for_another_organizations_inbox_is_404(owner, api_for, foreign):
    inbox = InboxFactory(organization=foreign["inbox"].organization, channel=Channel.EMAIL)
    body = {"inbox_id": inbox.pk, "imap": {"host": "h", "username": "u", "password": "p"}}
    assert_isolated(api_for(owner), "post", "/api/v1/mailboxes", body)
    assert not Mailbox.objects.filter(inbox=inbox).exists()
