"""The thread: replies, notes, contact messages, HTML sanitizing, delivery and retry."""

import pytest
from django.core import mail

from conversations.models import Message
from conversations.services import messages
from tests.conversations.factories import InboxFactory, make_conversation

XSS_PAYLOADS = [
    '<script>alert("x")</script><p>Hello</p>',
    '<img src="x" onerror="alert(1)"><p>Hello</p>',
    '<a href="javascript:alert(1)">Hello</a>',
    '<p onclick="steal()">Hello</p><iframe src="https://evil.test"></iframe>',
    "<svg><script>alert(1)</script></svg><p>Hello</p>",
    "<style>body{display:none}</style><p>Hello</p>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_are_neutralized_in_stored_messages(admin_api, conversation, payload):
    response = admin_api.post(
        f"/api/v1/conversations/{conversation.uuid}/messages", {"message": payload}, format="json"
    )
    assert response.status_code == 201, response.content
    stored = Message.objects.get(uuid=response.json()["uuid"])
    lowered = stored.content.lower()
    for dangerous in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<style", "<svg"):
        assert dangerous not in lowered, stored.content
    assert "Hello" in stored.text_content
    assert response.json()["content"] == stored.content


def test_plain_text_is_escaped_and_keeps_its_lines(conversation, admin):
    message = messages.message_create(conversation=conversation, content="a < b\nand <b", actor=admin)
    assert message.content == "a &lt; b<br>and &lt;b"
    assert message.text_content == "a < b\nand <b"
    assert message.content_type == "text"


def test_html_gets_a_plain_text_version_and_safe_links(conversation, admin):
    message = messages.message_create(
        conversation=conversation,
        content='<p>Hi <b>Ada</b>,</p><ul><li>one</li><li>two</li></ul><a href="https://x.test">link</a>',
        actor=admin,
    )
    assert message.text_content.splitlines() == ["Hi Ada,", "one", "two", "link"]
    assert 'target="_blank" rel="noopener nofollow ugc"' in message.content


def test_reply_note_and_contact_message_through_the_api(admin_api, admin, conversation):
    url = f"/api/v1/conversations/{conversation.uuid}/messages"
    reply = admin_api.post(url, {"message": "We are on it", "cc": ["boss@example.com"]}, format="json").json()
    assert (reply["type"], reply["status"], reply["private"], reply["sender_type"]) == (
        "outgoing",
        "sent",
        False,
        "agent",
    )
    assert reply["sender_id"] == admin.pk and reply["sender"]["first_name"] == admin.user.first_name
    assert reply["meta"]["to"] == ["ada@example.com"] and reply["meta"]["cc"] == ["boss@example.com"]

    note = admin_api.post(url, {"message": "Customer is VIP", "private": True}, format="json").json()
    assert note["private"] is True and note["type"] == "outgoing"

    incoming = admin_api.post(url, {"message": "Thanks", "sender_type": "contact"}, format="json").json()
    assert (incoming["type"], incoming["status"], incoming["sender_type"]) == (
        "incoming",
        "received",
        "contact",
    )

    conversation.refresh_from_db()
    assert conversation.last_message_preview == "Thanks"  # the note did not become the preview
    assert conversation.first_reply_at is not None and conversation.waiting_since is not None

    listed = admin_api.get(f"{url}?type=incoming&type=outgoing").json()
    assert [m["text_content"] for m in listed["results"]] == [
        "Hello, I need help",
        "We are on it",
        "Customer is VIP",
        "Thanks",
    ]
    notes = admin_api.get(f"{url}?private=true&type=outgoing").json()["results"]
    assert [m["text_content"] for m in notes] == ["Customer is VIP"]
    activity = admin_api.get(f"{url}?type=activity").json()["results"]
    assert activity and all(m["type"] == "activity" for m in activity)
    newest_first = admin_api.get(f"{url}?order_by=-created_at").json()["results"]
    assert newest_first[0]["text_content"] == "Thanks"

    one = admin_api.get(f"{url}/{reply['uuid']}")
    assert one.status_code == 200 and one.json()["uuid"] == reply["uuid"]


@pytest.mark.parametrize(
    "body",
    [
        {"message": ""},
        {"message": "   "},
        {"message": "x", "to": ["not-an-email"]},
        {"message": "x", "sender_type": "robot"},
        {"message": "x", "sender_type": "contact", "private": True},
        {"message": "x" * 200_001},
    ],
)
def test_bad_messages_are_refused(admin_api, conversation, body):
    before = conversation.messages.count()
    response = admin_api.post(f"/api/v1/conversations/{conversation.uuid}/messages", body, format="json")
    assert response.status_code == 400, response.content
    assert conversation.messages.count() == before


def test_bad_list_parameters_are_400(admin_api, conversation):
    url = f"/api/v1/conversations/{conversation.uuid}/messages"
    assert admin_api.get(f"{url}?type=gossip").status_code == 400
    assert admin_api.get(f"{url}?private=maybe").status_code == 400
    assert admin_api.get(f"{url}?order_by=sender").status_code == 400
    assert admin_api.get(f"{url}/not-a-uuid").status_code == 404


def test_blocked_contact_cannot_write(admin_api, conversation):
    conversation.contact.enabled = False
    conversation.contact.save()
    response = admin_api.post(
        f"/api/v1/conversations/{conversation.uuid}/messages",
        {"message": "hi", "sender_type": "contact"},
        format="json",
    )
    assert response.status_code == 403


@pytest.fixture
def email_conversation(org):
    inbox = InboxFactory(organization=org, channel="email", email="support@acme.test")
    return make_conversation(org, inbox=inbox, email="ada@example.com")


def test_email_replies_are_sent_by_a_worker(
    admin_api, email_conversation, django_capture_on_commit_callbacks
):
    url = f"/api/v1/conversations/{email_conversation.uuid}/messages"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(url, {"message": "<p>Fixed!</p>", "bcc": "audit@acme.test"}, format="json")
    assert response.json()["status"] == "pending"
    message = Message.objects.get(uuid=response.json()["uuid"])
    assert message.status == "sent" and message.delivery_attempts == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ada@example.com"] and sent.bcc == ["audit@acme.test"]
    assert sent.from_email == "support@acme.test"
    assert f"[#{email_conversation.reference_number}]" in sent.subject


def test_a_mail_server_down_once_is_retried_by_the_task(
    admin_api, email_conversation, settings, django_capture_on_commit_callbacks
):
    from tests.conversations.failing_email import FailsOnceBackend

    FailsOnceBackend.failures_left = 1
    settings.EMAIL_BACKEND = "tests.conversations.failing_email.FailsOnceBackend"
    url = f"/api/v1/conversations/{email_conversation.uuid}/messages"
    with django_capture_on_commit_callbacks(execute=True):
        created = admin_api.post(url, {"message": "Hello"}, format="json").json()

    message = Message.objects.get(uuid=created["uuid"])
    assert (message.status, message.delivery_attempts, message.delivery_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


def test_a_reply_queued_while_the_broker_is_down_fails_visibly_and_can_be_retried(
    admin_api, email_conversation, broker_down, django_capture_on_commit_callbacks
):
    url = f"/api/v1/conversations/{email_conversation.uuid}/messages"
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        created = admin_api.post(url, {"message": "Hello"}, format="json")
    assert created.status_code == 201
    message = Message.objects.get(uuid=created.json()["uuid"])
    assert message.status == "failed"
    assert message.delivery_error.startswith("The job queue is unreachable: ")
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        retried = admin_api.put(f"{url}/{message.uuid}/retry")
    assert retried.status_code == 200
    message.refresh_from_db()
    assert (message.status, message.delivery_attempts) == ("sent", 1)
    assert len(mail.outbox) == 1


def test_a_reply_claimed_by_a_worker_is_not_sent_again_and_a_stale_claim_fails(email_conversation, admin):
    from datetime import timedelta

    from django.utils import timezone

    message = messages.message_create(conversation=email_conversation, content="Hello", actor=admin)
    Message.objects.filter(pk=message.pk).update(status="sending", delivery_attempts=1)  # a worker has it

    messages.message_deliver(message_id=message.pk)  # the same task delivered twice
    assert mail.outbox == []
    assert Message.objects.get(pk=message.pk).status == "sending"

    later = timezone.now() + timedelta(seconds=301)
    assert messages.message_deliveries_fail_interrupted(now=later) == 1
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.delivery_error.startswith("The delivery was interrupted (the worker may have stopped)")
    assert messages.message_retry(message=message).status == "pending"


def test_failed_delivery_can_be_retried(
    admin_api, email_conversation, settings, django_capture_on_commit_callbacks
):
    url = f"/api/v1/conversations/{email_conversation.uuid}/messages"
    settings.EMAIL_BACKEND = "tests.conversations.failing_email.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        created = admin_api.post(url, {"message": "Hello"}, format="json").json()
    message = Message.objects.get(uuid=created["uuid"])
    assert message.status == "failed" and "SMTP is down" in message.delivery_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        retried = admin_api.put(f"{url}/{message.uuid}/retry")
    assert retried.status_code == 200 and retried.json()["status"] == "pending"
    message.refresh_from_db()
    # The mail server being down was retried by the task before the reply failed: one more try now.
    attempts = settings.JOBS_MAX_RETRIES + 1
    assert message.status == "sent" and message.delivery_attempts == attempts + 1 and len(mail.outbox) == 1

    again = admin_api.put(f"{url}/{message.uuid}/retry")
    assert again.status_code == 409  # only failed messages


def test_delivery_is_idempotent(email_conversation, admin):
    message = messages.message_create(conversation=email_conversation, content="Hi", actor=admin)
    messages.message_deliver(message_id=message.pk)
    messages.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.delivery_attempts == 1 and len(mail.outbox) == 1


def test_merged_conversations_take_no_new_messages(admin, org):
    source = make_conversation(org, email="same@example.com")
    target = make_conversation(org, email="same@example.com")
    from conversations.services.merge import conversation_merge

    conversation_merge(source=source, target=target, actor=admin)
    source.refresh_from_db()
    from conversations.errors import ConversationError

    with pytest.raises(ConversationError):
        messages.message_create(conversation=source, content="late", actor=admin)


def test_email_replies_carry_their_attachments(
    admin_api, email_conversation, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    media = admin_api.post(
        "/api/v1/media", {"files": SimpleUploadedFile("notes.txt", b"line one\n")}, format="multipart"
    ).json()
    url = f"/api/v1/conversations/{email_conversation.uuid}/messages"
    with django_capture_on_commit_callbacks(execute=True):
        admin_api.post(url, {"message": "See attached", "attachments": [media["id"]]}, format="json")
    assert mail.outbox[0].attachments == [("notes.txt", "line one\n", "text/plain")]
