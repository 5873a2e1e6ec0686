"""The conversation page and everything an agent does on it: reply, note, attachments, status,
snooze, priority, assignment, tags, merge, macros, canned responses, retry, contact notes; htmx
partial answers, refusals shown inline with nothing changed, the organization boundary, XSS,
live polling and a constant number of queries."""

import base64
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conversations.models import (
    Attachment,
    ContactNote,
    Conversation,
    ConversationReadState,
    Message,
    MessageStatus,
    MessageType,
    StatusCategory,
)
from conversations.services.canned import canned_create
from conversations.services.conversations import conversation_update
from conversations.services.macros import macro_create
from conversations.services.messages import message_create
from helpdesk.models import Role
from tests.conversations.factories import make_conversation
from tests.factories import MembershipFactory, TeamFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def as_member(client):
    def sign_in(membership):
        client.force_login(membership.user)
        session = client.session
        session["organization_id"] = membership.organization_id
        session.save()
        return client

    return sign_in


def url(name, conversation, *args):
    return reverse(f"conversations:{name}", args=[conversation.uuid, *args])


def fresh(conversation) -> Conversation:
    return Conversation.objects.select_related("status").get(pk=conversation.pk)


def thread(conversation, **filters):
    return list(Message.objects.filter(conversation=conversation, **filters).order_by("created_at", "id"))


# ---------- the page ----------


def test_the_page_shows_thread_panel_and_composer_and_marks_it_seen(as_member, agent, conversation):
    response = as_member(agent).get(url("conversation", conversation))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Broken order" in body and "Hello, I need help" in body
    assert 'id="cv-composer"' in body and 'id="cv-panel"' in body and 'id="cv-live"' in body
    assert "Ada Lovelace" in body and "ada@example.com" in body
    assert ConversationReadState.objects.filter(conversation=conversation, membership=agent).exists()


@pytest.mark.parametrize("name", ["conversation", "conversation-live"])
def test_another_organizations_conversation_is_404(as_member, agent, other_conversation, name):
    client = as_member(agent)
    assert client.get(url(name, other_conversation)).status_code == 404
    assert client.get(reverse(f"conversations:{name}", args=[uuid.uuid4()])).status_code == 404


def test_xss_in_messages_subject_and_activity_is_neutralized(as_member, org, agent, admin):
    conversation = make_conversation(
        org, subject="<img src=x onerror=alert('subject')>",
        content="<p>Hello</p><script>alert('xss')</script><img src=x onerror=alert('img')><a href=\"javascript:alert(1)\">link</a>",
    )  # fmt: skip
    conversation_update(
        conversation=conversation, actor=admin, subject="<b onmouseover=alert('activity')>new</b>"
    )
    message_create(conversation=conversation, content="<iframe src=//evil></iframe>plain", actor=admin)
    body = as_member(agent).get(url("conversation", conversation)).content.decode()
    assert "<p>Hello</p>" in body  # sanitized HTML is rendered as HTML
    for payload in ("alert('xss')", "onerror", "javascript:alert", "<iframe", "<b onmouseover"):
        assert payload not in body, payload
    assert "&lt;b onmouseover=alert(&#x27;activity&#x27;)&gt;new&lt;/b&gt;" in body  # activity text escaped


def test_thread_shows_notes_and_activity_differently(as_member, admin, agent, conversation):
    message_create(conversation=conversation, content="Internal only", actor=admin, private=True)
    client = as_member(agent)
    client.post(url("priority", conversation), {"priority": "High"})
    body = client.get(url("conversation", conversation)).content.decode()
    assert 'class="msg msg--note' in body and "Private note" in body
    assert 'class="activity"' in body and "set the priority to High" in body


def test_conversation_page_costs_the_same_number_of_queries_for_3_or_40_messages(
    as_member, org, admin, agent, django_assert_max_num_queries
):
    conversation = make_conversation(org, subject="Long", tags=["x"])
    canned_create(organization=org, title="Hi", content="Hello {{contact.first_name}}", actor=admin)
    macro_create(
        organization=org, name="Close", actions=[{"type": "set_status", "value": "Closed"}], actor=admin
    )
    make_conversation(org, email=conversation.contact.email, subject="Older")
    client = as_member(agent)
    message_create(conversation=conversation, content="one", actor=admin)
    with django_assert_max_num_queries(40) as small:
        client.get(url("conversation", conversation))
    for number in range(20):
        message_create(
            conversation=conversation, content=f"question {number}", actor=None, sender_type="contact"
        )
        message_create(
            conversation=conversation, content=f"answer {number}", actor=admin, private=number % 2 == 0
        )
    attachment = Attachment.objects.create(
        organization=org, message=thread(conversation)[-1], file=SimpleUploadedFile("a.png", PNG), filename="a.png",
        content_type="image/png", size=len(PNG), disposition="inline",
    )  # fmt: skip
    assert attachment.pk
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("conversation", conversation))


# ---------- composer ----------


def test_reply_sends_an_outgoing_message_and_answers_with_the_parts(as_member, agent, conversation):
    response = as_member(agent).post(
        url("reply", conversation), {"mode": "reply", "message": "We are on it"}, **HTMX
    )
    assert response.status_code == 200
    reply = thread(conversation, type=MessageType.OUTGOING)[-1]
    assert (reply.text_content, reply.private, reply.sender_agent) == ("We are on it", False, agent)
    body = response.content.decode()
    assert body.lstrip().startswith('<form id="cv-composer"')  # a fresh composer for the target …
    assert 'id="cv-thread" class="thread" hx-swap-oob="true"' in body  # … and the thread out of band
    assert "We are on it" in body
    assert json.loads(response["HX-Trigger"])["parley:toast"]["message"] == "Reply sent"
    assert fresh(conversation).first_reply_at is not None


def test_private_note_stays_private(as_member, agent, conversation):
    as_member(agent).post(url("reply", conversation), {"mode": "note", "message": "Check the logs"}, **HTMX)
    note = thread(conversation, private=True, type=MessageType.OUTGOING)[-1]
    assert note.text_content == "Check the logs"
    assert fresh(conversation).first_reply_at is None  # a note is not a reply


def test_empty_reply_is_refused_inline_and_nothing_is_sent(as_member, agent, conversation):
    before = Message.objects.count()
    response = as_member(agent).post(url("reply", conversation), {"mode": "reply", "message": "  "}, **HTMX)
    assert response.status_code == 400
    assert "needs some text" in response.content.decode()
    assert json.loads(response["HX-Trigger"])["parley:toast"]["level"] == "error"
    assert Message.objects.count() == before


def test_reply_without_javascript_redirects_back(as_member, agent, conversation):
    response = as_member(agent).post(url("reply", conversation), {"mode": "reply", "message": "No JS"})
    assert response.status_code == 302 and response["Location"] == url("conversation", conversation)
    assert thread(conversation, type=MessageType.OUTGOING)[-1].text_content == "No JS"


def test_reply_with_an_image_shows_a_thumbnail_and_serves_it_inline(as_member, agent, conversation):
    client = as_member(agent)
    upload = SimpleUploadedFile("screen.png", PNG, content_type="image/png")
    client.post(
        url("reply", conversation), {"mode": "reply", "message": "See attached", "files": upload}, **HTMX
    )
    attachment = Attachment.objects.get(message__conversation=conversation)
    body = client.get(url("conversation", conversation)).content.decode()
    download = reverse("conversations:attachment", args=[attachment.uuid])
    assert f'<img src="{download}"' in body
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_executable_named_png_is_refused_and_nothing_is_sent(as_member, agent, conversation):
    before = Message.objects.count()
    upload = SimpleUploadedFile("cat.png", b"MZ" + b"\x90" * 200, content_type="image/png")
    response = as_member(agent).post(
        url("reply", conversation), {"mode": "reply", "message": "cat", "files": upload}, **HTMX
    )
    assert response.status_code == 415
    assert "not accepted" in response.content.decode()
    assert Message.objects.count() == before
    assert not Attachment.objects.exists()


def test_svg_is_never_shown_inline(as_member, agent, conversation):
    client = as_member(agent)
    upload = SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")
    client.post(url("reply", conversation), {"mode": "reply", "message": "logo", "files": upload}, **HTMX)
    attachment = Attachment.objects.get(message__conversation=conversation)
    download = reverse("conversations:attachment", args=[attachment.uuid])
    body = client.get(url("conversation", conversation)).content.decode()
    assert f'<img src="{download}"' not in body and f'href="{download}" download' in body
    response = client.get(download)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"


def test_non_image_attachments_download_and_other_orgs_cannot_fetch_them(
    as_member, agent, other_admin, conversation
):
    client = as_member(agent)
    upload = SimpleUploadedFile("notes.txt", b"plain text notes", content_type="text/plain")
    client.post(url("reply", conversation), {"mode": "note", "message": "log", "files": upload}, **HTMX)
    attachment = Attachment.objects.get(message__conversation=conversation)
    download = reverse("conversations:attachment", args=[attachment.uuid])
    body = client.get(url("conversation", conversation)).content.decode()
    assert (
        f'href="{download}" download' in body
        and "<img" not in body.split('id="cv-thread"')[1].split("</div>")[0]
    )
    response = client.get(download)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    client.force_login(other_admin.user)
    assert client.get(download).status_code == 404


def test_canned_response_is_rendered_for_the_conversation(as_member, org, admin, agent, conversation):
    canned = canned_create(
        organization=org,
        title="Hi",
        content="Hello {{contact.first_name}}, {{agent.first_name}} here.",
        actor=admin,
    )
    response = as_member(agent).get(url("canned-text", conversation, canned.pk))
    assert response.json() == {"title": "Hi", "text": f"Hello Ada, {agent.user.first_name} here."}


def test_canned_response_of_another_org_is_404(as_member, other_org, other_admin, agent, conversation):
    canned = canned_create(organization=other_org, title="Theirs", content="secret", actor=other_admin)
    assert as_member(agent).get(url("canned-text", conversation, canned.pk)).status_code == 404


# ---------- side panel actions ----------


def test_status_resolve_and_reopen(as_member, agent, conversation):
    client = as_member(agent)
    response = client.post(url("status", conversation), {"status": "Resolved"}, **HTMX)
    assert response.status_code == 200
    assert fresh(conversation).status.category == StatusCategory.RESOLVED
    assert 'id="cv-header"' in response.content.decode() and "Reopen" in response.content.decode()
    client.post(url("status", conversation), {"status": "Open"}, **HTMX)
    assert fresh(conversation).status.category == StatusCategory.OPEN


def test_snooze_with_a_duration_and_a_bad_one(as_member, agent, conversation):
    client = as_member(agent)
    client.post(url("snooze", conversation), {"duration": "3h"}, **HTMX)
    assert fresh(conversation).status.category == StatusCategory.SNOOZED
    assert fresh(conversation).snoozed_until is not None
    client.post(url("status", conversation), {"status": "Open"}, **HTMX)
    response = client.post(url("snooze", conversation), {"until": "yesterday-ish"}, **HTMX)
    assert response.status_code == 400
    assert "snoozed_until must be" in response.content.decode()
    assert fresh(conversation).status.category == StatusCategory.OPEN


def test_priority_and_an_unknown_priority(as_member, agent, conversation):
    client = as_member(agent)
    client.post(url("priority", conversation), {"priority": "Urgent"}, **HTMX)
    assert fresh(conversation).priority_name == "Urgent"
    response = client.post(url("priority", conversation), {"priority": "Whenever"}, **HTMX)
    assert response.status_code == 400 and "Unknown priority" in response.content.decode()
    assert fresh(conversation).priority_name == "Urgent"


def test_assign_to_me_to_someone_and_unassign(as_member, org, agent, admin, conversation):
    client = as_member(agent)
    client.post(url("assignee", conversation), {"agent": "me"}, **HTMX)
    assert fresh(conversation).assigned_agent == agent
    client.post(url("assignee", conversation), {"agent": admin.pk}, **HTMX)
    assert fresh(conversation).assigned_agent == admin
    client.post(url("assignee", conversation), {"agent": ""}, **HTMX)
    assert fresh(conversation).assigned_agent is None


def test_assigning_another_organizations_agent_or_team_is_404(
    as_member, agent, other_admin, other_org, conversation
):
    client = as_member(agent)
    assert client.post(url("assignee", conversation), {"agent": other_admin.pk}, **HTMX).status_code == 404
    other_team = TeamFactory(organization=other_org)
    assert client.post(url("team", conversation), {"team": other_team.pk}, **HTMX).status_code == 404
    conversation = fresh(conversation)
    assert conversation.assigned_agent is None and conversation.assigned_team is None


def test_team_assignment(as_member, org, agent, conversation):
    team = TeamFactory(organization=org, name="Billing")
    as_member(agent).post(url("team", conversation), {"team": team.pk}, **HTMX)
    assert fresh(conversation).assigned_team == team


def test_tags_add_and_remove(as_member, agent, conversation):
    client = as_member(agent)
    client.post(url("tags", conversation), {"add": "billing, vip"}, **HTMX)
    assert sorted(fresh(conversation).tags.values_list("name", flat=True)) == ["billing", "vip"]
    client.post(url("tags", conversation), {"remove": "vip"}, **HTMX)
    assert list(fresh(conversation).tags.values_list("name", flat=True)) == ["billing"]
    assert client.post(url("tags", conversation), {"add": " "}, **HTMX).status_code == 400


def test_merge_into_another_conversation_of_the_same_contact(as_member, org, agent, conversation):
    target = make_conversation(org, email="ada@example.com", subject="Follow-up")
    response = as_member(agent).post(url("merge", conversation), {"into": str(target.uuid)}, **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == url("conversation", target)
    assert fresh(conversation).merged_into_id == target.pk
    page = as_member(agent).get(url("conversation", conversation)).content.decode()
    assert "was merged into" in page and 'name="message"' not in page  # no composer on a merged one


def test_merge_refusals_change_nothing(as_member, org, agent, conversation, other_conversation):
    stranger = make_conversation(org, email="someone@example.com", subject="Someone else")
    client = as_member(agent)
    response = client.post(url("merge", conversation), {"into": str(stranger.uuid)}, **HTMX)
    assert response.status_code == 400 and "same contact" in response.content.decode()
    assert (
        client.post(url("merge", conversation), {"into": str(other_conversation.uuid)}, **HTMX).status_code
        == 404
    )
    assert client.post(url("merge", conversation), {"into": "not-a-uuid"}, **HTMX).status_code == 404
    assert fresh(conversation).merged_into_id is None


def test_apply_macro(as_member, org, admin, agent, conversation):
    macro = macro_create(
        organization=org, name="Refund", actor=admin,
        actions=[{"type": "reply", "value": "Refunded, {{contact.first_name}}."}, {"type": "add_tags", "value": ["refund"]},
                 {"type": "set_status", "value": "Resolved"}],
    )  # fmt: skip
    response = as_member(agent).post(url("macro", conversation), {"macro": macro.pk}, **HTMX)
    assert response.status_code == 200
    conversation = fresh(conversation)
    assert conversation.status.category == StatusCategory.RESOLVED
    assert list(conversation.tags.values_list("name", flat=True)) == ["refund"]
    assert thread(conversation, type=MessageType.OUTGOING) == []  # the reply waits in the draft
    assert "Refunded, Ada.</textarea>" in response.content.decode()


def test_macro_of_another_org_is_404(as_member, other_org, other_admin, agent, conversation):
    macro = macro_create(
        organization=other_org,
        name="Theirs",
        actions=[{"type": "set_priority", "value": "Low"}],
        actor=other_admin,
    )
    assert as_member(agent).post(url("macro", conversation), {"macro": macro.pk}, **HTMX).status_code == 404
    assert fresh(conversation).priority is None


def test_retry_a_failed_reply(as_member, admin, agent, conversation):
    reply = message_create(conversation=conversation, content="Lost", actor=admin)
    Message.objects.filter(pk=reply.pk).update(status=MessageStatus.FAILED, delivery_error="SMTP said no")
    client = as_member(agent)
    assert "SMTP said no" in client.get(url("conversation", conversation)).content.decode()
    client.post(url("retry", conversation, reply.uuid), **HTMX)
    assert Message.objects.get(pk=reply.pk).status in (MessageStatus.PENDING, MessageStatus.SENT)
    response = client.post(url("retry", conversation, reply.uuid), **HTMX)  # not failed any more
    assert response.status_code == 409


def test_contact_note_from_the_panel(as_member, agent, conversation):
    as_member(agent).post(url("contact-note", conversation), {"note": "Prefers email"}, **HTMX)
    assert ContactNote.objects.get(contact=conversation.contact).note == "Prefers email"


def test_actions_on_another_organizations_conversation_are_404_and_change_nothing(
    as_member, agent, other_conversation
):
    client = as_member(agent)
    for name, data in [
        ("reply", {"mode": "reply", "message": "hi"}),
        ("status", {"status": "Resolved"}),
        ("priority", {"priority": "High"}),
        ("assignee", {"agent": "me"}),
        ("tags", {"add": "x"}),
        ("contact-note", {"note": "x"}),
    ]:
        assert client.post(url(name, other_conversation), data, **HTMX).status_code == 404, name
    other_conversation = fresh(other_conversation)
    assert other_conversation.status.category == StatusCategory.OPEN
    assert other_conversation.assigned_agent is None and other_conversation.priority is None
    assert Message.objects.filter(conversation=other_conversation, type=MessageType.OUTGOING).count() == 0


def test_a_disabled_member_cannot_act(client, org, conversation):
    member = MembershipFactory(organization=org, role=Role.AGENT, is_active=False)
    client.force_login(member.user)
    response = client.post(url("status", conversation), {"status": "Resolved"})
    assert response.status_code in (302, 403)
    assert fresh(conversation).status.category == StatusCategory.OPEN


# ---------- live updates ----------


def test_live_poll_answers_204_until_the_thread_changes(as_member, agent, conversation):
    client = as_member(agent)
    fingerprint = client.get(url("conversation", conversation)).context["fingerprint"]
    live = url("conversation-live", conversation)
    assert client.get(live, {"since": fingerprint}, **HTMX).status_code == 204
    message_create(conversation=conversation, content="Are you there?", actor=None, sender_type="contact")
    response = client.get(live, {"since": fingerprint}, **HTMX)
    assert response.status_code == 200
    assert "Are you there?" in response.content.decode()
    assert 'id="cv-live" hidden hx-swap-oob="true"' in response.content.decode()
