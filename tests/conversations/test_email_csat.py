"""The email channel's resolve message carries the satisfaction survey (issue 12): resolving a
conversation of an email inbox mails the contact, through the inbox's SMTP server (a real
aiosmtpd receiver), a notice with the survey's signed link; the link read back from the mail
answers the survey once. One mail per resolution; an inbox with CSAT off mails nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conversations.models import Channel, CsatSurvey, EmailDirection, EmailRecord, Message, SenderType
from conversations.services import mailboxes
from conversations.services.csat_email import SURVEY_META
from conversations.services.inboxes import inbox_update
from conversations.services.lifecycle import conversation_reopen, conversation_set_status
from tests.conversations.factories import InboxFactory, make_conversation
from tests.conversations.test_csat import fresh_throttles  # noqa: F401 (autouse: the page's throttle)


@pytest.fixture
def conversation(org, smtp_receiver):
    inbox = InboxFactory(organization=org, channel=Channel.EMAIL, email="support@acme.test", name="Support")
    mailboxes.mailbox_save(
        inbox=inbox,
        host="127.0.0.1",
        port=993,
        security="tls",
        username="support",
        password="secret",
        enabled=False,
        smtp_host="127.0.0.1",
        smtp_port=smtp_receiver.port,
        smtp_security="none",
        bot_mode="off",
    )
    inbox_update(inbox=inbox, csat_enabled=True)
    return make_conversation(org, inbox=inbox, email="ada@customer.test", subject="My order is late")


def resolve(conversation, admin, run):
    with run(execute=True):
        conversation_set_status(conversation=conversation, status="Resolved", actor=admin)


def survey_link(sent) -> str:
    text = sent.get_body(("plain",)).get_content()
    [link] = re.findall(r"https?://\S+/csat/\S+", text)
    return link


def test_the_resolve_mail_carries_a_survey_link_that_answers_once(
    conversation, admin, smtp_receiver, django_capture_on_commit_callbacks
):
    resolve(conversation, admin, django_capture_on_commit_callbacks)

    [sent] = smtp_receiver.parsed()
    assert sent["To"] == "ada@customer.test"
    assert sent["Subject"] == f"[#{conversation.reference_number}] My order is late"
    assert sent["Auto-Submitted"] == "auto-generated"  # no auto-responder answers it
    assert "marked this conversation as resolved" in sent.get_body(("plain",)).get_content()
    html = sent.get_body(("html",)).get_content()
    assert "How did we do?" in html and "?rating=5" in html
    [survey] = CsatSurvey.objects.filter(conversation=conversation)
    assert survey.channel == Channel.EMAIL

    # The notice is in the thread (sent, with our Message-ID), without the contact's token.
    [notice] = Message.objects.filter(conversation=conversation, sender_type=SenderType.SYSTEM, private=False)
    assert notice.status == "sent" and notice.meta[SURVEY_META] == survey.pk
    assert "/csat/" not in notice.content and "/csat/" not in str(notice.meta)
    record = EmailRecord.objects.get(message=notice, direction=EmailDirection.OUTBOUND)
    assert sent["Message-ID"] == f"<{record.header_id}>"

    link = survey_link(sent)
    path = link.split("://", 1)[1].split("/", 1)[1]
    contact = Client()
    page = contact.get(f"/{path}?rating=4")
    assert page.status_code == 200 and b"How did we do?" in page.content
    answered = contact.post(f"/{path}", {"rating": "4", "comment": "Quick, thanks"})
    assert answered.status_code == 302
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (4, "Quick, thanks")

    again = contact.post(f"/{path}", {"rating": "1", "comment": "changed my mind"})
    assert again.status_code == 409
    survey.refresh_from_db()
    assert survey.rating == 4 and survey.comment == "Quick, thanks"


def test_one_mail_per_resolution_and_none_with_csat_off(
    conversation, admin, smtp_receiver, django_capture_on_commit_callbacks
):
    resolve(conversation, admin, django_capture_on_commit_callbacks)
    resolve(conversation, admin, django_capture_on_commit_callbacks)  # already resolved: no-op
    assert len(smtp_receiver.messages) == 1

    with django_capture_on_commit_callbacks(execute=True):
        conversation_reopen(conversation=conversation, actor=admin, reason="More to do")
    resolve(conversation, admin, django_capture_on_commit_callbacks)
    first, second = smtp_receiver.parsed()
    assert survey_link(first) != survey_link(second)
    assert CsatSurvey.objects.filter(conversation=conversation).count() == 2
    # The second mail threads under the first (the customer's client shows one conversation).
    assert first["Message-ID"] in second["References"]

    inbox_update(inbox=conversation.inbox, csat_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        conversation_reopen(conversation=conversation, actor=admin, reason="Again")
    conversation.refresh_from_db()
    resolve(conversation, admin, django_capture_on_commit_callbacks)
    assert len(smtp_receiver.messages) == 2
    assert CsatSurvey.objects.filter(conversation=conversation).count() == 2


def test_a_web_inbox_resolve_mails_nothing(org, admin, smtp_receiver, django_capture_on_commit_callbacks):
    inbox = InboxFactory(organization=org, channel=Channel.WEB, name="Widget")
    inbox_update(inbox=inbox, csat_enabled=True)
    conversation = make_conversation(org, inbox=inbox, email="ada@customer.test")
    resolve(conversation, admin, django_capture_on_commit_callbacks)
    assert CsatSurvey.objects.filter(conversation=conversation).count() == 1  # asked in the widget
    assert smtp_receiver.messages == []
    assert not Message.objects.filter(conversation=conversation, **{f"meta__{SURVEY_META}__isnull": False})
