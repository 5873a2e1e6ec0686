"""The email channel end to end against real servers: Dovecot (IMAP) and aiosmtpd (SMTP).

Given mails delivered into a Dovecot mailbox, when the inbox's mailbox is polled, then they are
conversations and messages (threaded, with attachments), never twice, and noise is dropped;
replies leave by the inbox's SMTP server with our Message-ID and threading headers."""

from __future__ import annotations

import base64
import io
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from conversations.models import (
    Channel,
    Conversation,
    EmailDirection,
    EmailOutcome,
    EmailRecord,
    Mailbox,
    Message,
    MessageStatus,
    MessageType,
    SenderType,
)
from conversations.services import mailboxes
from conversations.services.messages import message_create, message_deliver
from tests.conversations.factories import InboxFactory

pytestmark = pytest.mark.django_db(transaction=False)


def mail(
    *,
    sender="Ada Lovelace <ada@customer.test>",
    to="support@acme.test",
    subject="My order is late",
    text="Where is my order?",
    html=None,
    message_id=None,
    headers=None,
    attachments=(),
    charset="utf-8",
) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = message_id or make_msgid(domain="customer.test")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text, charset=charset)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, data, maintype, subtype, cid in attachments:
        if cid:
            message.get_payload()[-1].add_related(data, maintype, subtype, cid=f"<{cid}>")
        else:
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(message)


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def email_inbox(org, dovecot, smtp_receiver):
    inbox = InboxFactory(organization=org, channel=Channel.EMAIL, email="support@acme.test", name="Support")
    username = dovecot.new_user()
    mailbox = mailboxes.mailbox_save(
        inbox=inbox,
        host="127.0.0.1",
        port=dovecot.port,
        security="none",
        username=username,
        password="secret",
        smtp_host="127.0.0.1",
        smtp_port=smtp_receiver.port,
        smtp_security="none",
        bot_mode="off",
    )
    mailbox.user = username
    return mailbox


def poll(mailbox):
    count = mailboxes.mailbox_poll(mailbox_id=mailbox.pk)
    mailbox.refresh_from_db()
    return count


def test_a_new_mail_opens_a_conversation_with_the_contact_and_is_marked_seen(email_inbox, dovecot):
    dovecot.deliver(email_inbox.user, mail(html="<p>Where is <b>my order</b>?</p><script>alert(1)</script>"))

    assert poll(email_inbox) == 1

    conversation = Conversation.objects.get(inbox=email_inbox.inbox)
    assert conversation.subject == "My order is late"
    assert conversation.contact.email == "ada@customer.test"
    assert conversation.contact.first_name == "Ada"
    message = conversation.messages.get(type=MessageType.INCOMING)
    assert "<b>my order</b>" in message.content and "script" not in message.content
    assert message.meta["email"]["to"] == ["support@acme.test"]
    assert email_inbox.last_poll_count == 1 and email_inbox.last_error == "" and email_inbox.last_uid == 1
    assert b"\\Seen" in dovecot.flags(email_inbox.user)[1]


def test_polling_again_or_after_a_crash_imports_nothing_twice(email_inbox, dovecot):
    raws = [mail(subject=f"Question {n}") for n in range(3)]
    dovecot.deliver(email_inbox.user, *raws)
    assert poll(email_inbox) == 3
    assert poll(email_inbox) == 0

    # A crash after the import but before last_uid moved on: the same UIDs are read again.
    Mailbox.objects.filter(pk=email_inbox.pk).update(last_uid=0)
    assert poll(email_inbox) == 0
    # The same Message-ID delivered again (a retry of the sender's server) is the same mail.
    dovecot.deliver(email_inbox.user, raws[0])
    assert poll(email_inbox) == 0
    assert Conversation.objects.filter(inbox=email_inbox.inbox).count() == 3
    assert (
        Message.objects.filter(conversation__inbox=email_inbox.inbox, type=MessageType.INCOMING).count() == 3
    )


def test_a_second_poll_while_one_holds_the_lease_does_nothing(email_inbox, dovecot):
    from django.utils import timezone

    dovecot.deliver(email_inbox.user, mail())
    Mailbox.objects.filter(pk=email_inbox.pk).update(
        lease_until=timezone.now() + timezone.timedelta(minutes=5)
    )
    assert mailboxes.mailbox_poll(mailbox_id=email_inbox.pk) is None
    assert not Conversation.objects.filter(inbox=email_inbox.inbox).exists()


def test_our_reply_threads_in_the_customers_client_and_their_answer_comes_back(
    email_inbox,
    dovecot,
    smtp_receiver,
    admin,
):
    dovecot.deliver(email_inbox.user, mail(text="Hello\n\nCan you help?"))
    poll(email_inbox)
    conversation = Conversation.objects.get(inbox=email_inbox.inbox)
    first = conversation.messages.get(type=MessageType.INCOMING)

    reply = message_create(conversation=conversation, content="<p>Sure, <b>on it</b></p>", actor=admin)
    assert message_deliver(message_id=reply.pk).status == MessageStatus.SENT

    [sent] = smtp_receiver.parsed()
    ours = EmailRecord.objects.get(message=reply, direction=EmailDirection.OUTBOUND).header_id
    assert sent["Message-ID"] == f"<{ours}>"
    assert sent["In-Reply-To"] == f"<{first.meta['email']['message_id']}>"
    assert first.meta["email"]["message_id"] in sent["References"]
    assert sent["Subject"] == f"[#{conversation.reference_number}] My order is late"
    assert sent.get_body(("plain",)).get_content().strip() == "Sure, on it"
    assert "<b>on it</b>" in sent.get_body(("html",)).get_content()

    # The customer answers our reply (threading headers), then writes with only the subject token.
    answer = mail(
        subject=f"Re: {sent['Subject']}",
        text="Thanks!\n\nOn Mon, Support wrote:\n> Sure, on it",
        headers={"In-Reply-To": sent["Message-ID"], "References": sent["Message-ID"]},
    )
    by_token = mail(subject=f"Another thing [#{conversation.reference_number}]", text="One more question")
    dovecot.deliver(email_inbox.user, answer, by_token)
    assert poll(email_inbox) == 2

    assert Conversation.objects.filter(inbox=email_inbox.inbox).count() == 1
    incoming = list(conversation.messages.filter(type=MessageType.INCOMING).order_by("id"))
    assert len(incoming) == 3
    assert incoming[1].text_content == "Thanks!"  # the quoted history is trimmed from the shown text
    assert "Sure, on it" in incoming[1].meta["email"]["full_text"]  # and kept
    assert incoming[2].text_content == "One more question"


def test_a_subject_token_from_another_sender_opens_a_new_conversation(email_inbox, dovecot):
    dovecot.deliver(email_inbox.user, mail())
    poll(email_inbox)
    first = Conversation.objects.get(inbox=email_inbox.inbox)
    dovecot.deliver(
        email_inbox.user, mail(sender="eve@attacker.test", subject=f"Re: [#{first.reference_number}]")
    )
    poll(email_inbox)
    assert Conversation.objects.filter(inbox=email_inbox.inbox).count() == 2
    assert first.messages.filter(type=MessageType.INCOMING).count() == 1


def test_attachments_inline_images_and_over_limit_files(email_inbox, dovecot, settings):
    settings.MAX_UPLOAD_MB = 1
    image = png()
    raw = mail(
        html='<p>See <img src="cid:shot1"></p>',
        attachments=[
            ("report.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application", "pdf", None),
            ("huge.zip", b"PK\x03\x04" + b"\0" * (1024 * 1024 + 10), "application", "zip", None),
            ("evil.png", b"MZ\x90\x00 not an image", "image", "png", None),
            ("shot.png", image, "image", "png", "shot1"),
        ],
    )
    dovecot.deliver(email_inbox.user, raw)
    assert poll(email_inbox) == 1

    message = Message.objects.get(conversation__inbox=email_inbox.inbox, type=MessageType.INCOMING)
    names = sorted(message.attachments.values_list("filename", flat=True))
    assert names == ["inline.png", "report.pdf"]
    inline = message.attachments.get(filename="inline.png")
    assert f"/inbox/attachments/{inline.uuid}/" in message.content
    skipped = {item["filename"]: item["reason"] for item in message.meta["email"]["skipped_attachments"]}
    assert set(skipped) == {"huge.zip", "evil.png"}
    assert "1 MB limit" in skipped["huge.zip"]


def test_iso_8859_1_and_rfc2047_headers_are_decoded(email_inbox, dovecot):
    raw = (
        b"From: =?iso-8859-1?q?Ren=E9e_M=FCller?= <renee@customer.test>\r\n"
        b"To: support@acme.test\r\n"
        b"Subject: =?iso-8859-1?q?Caf=E9_cr=E8me?=\r\n"
        b"Message-ID: <latin1@customer.test>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n"
        b"Ol\xe9, \xe7a ne marche pas.\r\n"
    )
    dovecot.deliver(email_inbox.user, raw)
    poll(email_inbox)
    conversation = Conversation.objects.get(inbox=email_inbox.inbox)
    assert conversation.subject == "Café crème"
    assert conversation.contact.first_name == "Renée"
    assert conversation.messages.get(type=MessageType.INCOMING).text_content == "Olé, ça ne marche pas."


def test_a_malformed_mime_message_is_imported_as_far_as_it_reads(email_inbox, dovecot):
    raw = (
        b"From: bob@customer.test\r\nSubject: broken\r\nMessage-ID: <broken@customer.test>\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        b"--never-closed\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(b"It still reads")
        + b"\r\n--never-closed\r\nContent-Type: application/pdf; name=x.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n"
    )
    dovecot.deliver(email_inbox.user, raw)
    assert poll(email_inbox) == 1
    assert email_inbox.last_error == ""
    message = Message.objects.get(conversation__inbox=email_inbox.inbox, type=MessageType.INCOMING)
    assert message.text_content == "It still reads"


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"Precedence": "list"},
    ],
)
def test_automatic_mail_is_dropped_and_answers_nothing(email_inbox, dovecot, smtp_receiver, headers):
    dovecot.deliver(email_inbox.user, mail(subject="Out of office", headers=headers))
    assert poll(email_inbox) == 0
    assert not Conversation.objects.filter(inbox=email_inbox.inbox).exists()
    assert EmailRecord.objects.get(inbox=email_inbox.inbox).outcome == EmailOutcome.AUTO_REPLY
    assert smtp_receiver.messages == []


def test_mail_from_our_own_address_and_over_the_sender_limit_is_dropped(email_inbox, dovecot, settings):
    settings.MAILBOX_SENDER_LIMIT_PER_HOUR = 2
    dovecot.deliver(
        email_inbox.user,
        mail(sender="Support <support@acme.test>"),
        *[mail(sender="loop@robot.test", subject=f"Ticket {n}") for n in range(4)],
    )
    assert poll(email_inbox) == 2
    outcomes = list(
        EmailRecord.objects.filter(inbox=email_inbox.inbox).order_by("uid").values_list("outcome", flat=True)
    )
    assert outcomes == [
        EmailOutcome.OWN_ADDRESS,
        EmailOutcome.IMPORTED,
        EmailOutcome.IMPORTED,
        EmailOutcome.RATE_LIMITED,
        EmailOutcome.RATE_LIMITED,
    ]


def test_a_bounce_marks_our_reply_failed_with_the_reason(email_inbox, dovecot, smtp_receiver, admin):
    dovecot.deliver(email_inbox.user, mail())
    poll(email_inbox)
    conversation = Conversation.objects.get(inbox=email_inbox.inbox)
    reply = message_create(conversation=conversation, content="Here you go", actor=admin)
    message_deliver(message_id=reply.pk)
    [sent] = smtp_receiver.parsed()
    dsn = (
        "From: MAILER-DAEMON@mx.customer.test\r\nTo: support@acme.test\r\nSubject: Undelivered Mail\r\n"
        "Auto-Submitted: auto-replied\r\nMessage-ID: <dsn1@mx.customer.test>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.customer.test\r\n\r\n"
        "Final-Recipient: rfc822; ada@customer.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
        f"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {sent['Message-ID']}\r\nSubject: x\r\n\r\n--b--\r\n"
    ).encode()
    dovecot.deliver(email_inbox.user, dsn)
    assert poll(email_inbox) == 0

    reply.refresh_from_db()
    assert reply.status == MessageStatus.FAILED
    assert reply.delivery_error == "The mail bounced: ada@customer.test: 550 5.1.1 User unknown"
    assert conversation.messages.filter(type=MessageType.INCOMING).count() == 1
    assert Conversation.objects.filter(inbox=email_inbox.inbox).count() == 1


def test_a_wrong_password_is_shown_and_loses_nothing(email_inbox, dovecot):
    from helpdesk import encryption

    dovecot.deliver(email_inbox.user, mail())
    Mailbox.objects.filter(pk=email_inbox.pk).update(password_encrypted=encryption.encrypt("wrong"))
    assert poll(email_inbox) == 0
    assert "refused the login" in email_inbox.last_error
    Mailbox.objects.filter(pk=email_inbox.pk).update(
        password_encrypted=encryption.encrypt("secret"), lease_until=None
    )
    assert poll(email_inbox) == 1
    assert email_inbox.last_error == ""


def test_the_password_is_not_stored_in_plain_text(email_inbox):
    with connection.cursor() as cursor:
        cursor.execute("SELECT password_encrypted FROM conversations_mailbox WHERE id = %s", [email_inbox.pk])
        [stored] = cursor.fetchone()
    assert stored and "secret" not in stored


def test_a_beat_tick_queues_each_due_mailbox_once(email_inbox, dovecot, django_capture_on_commit_callbacks):
    dovecot.deliver(email_inbox.user, mail())
    with django_capture_on_commit_callbacks(execute=True):
        assert mailboxes.mailboxes_poll_due() == 1
    assert Conversation.objects.filter(inbox=email_inbox.inbox).count() == 1  # eager: the poll ran
    assert mailboxes.mailboxes_poll_due() == 0  # not due again before its interval


def test_the_bot_answer_on_an_email_inbox_is_mailed_with_auto_submitted(email_inbox, smtp_receiver):
    from tests.conversations.factories import make_conversation

    Mailbox.objects.filter(pk=email_inbox.pk).update(bot_mode="answer")
    conversation = make_conversation(email_inbox.organization, inbox=email_inbox.inbox)
    answer = message_create(
        conversation=conversation,
        content="Try turning it off and on.",
        actor=None,
        sender_type=SenderType.BOT,
    )
    assert answer.status == MessageStatus.PENDING
    message_deliver(message_id=answer.pk)
    [sent] = smtp_receiver.parsed()
    assert sent["Auto-Submitted"] == "auto-replied"


def test_a_30_mb_attachment_is_skipped_and_the_mail_still_imported(email_inbox, dovecot):
    big = b"PK\x03\x04" + bytes(30 * 1024 * 1024)
    dovecot.deliver(
        email_inbox.user,
        mail(text="The logs are attached", attachments=[("logs.zip", big, "application", "zip", None)]),
    )
    assert poll(email_inbox) == 1
    message = Message.objects.get(conversation__inbox=email_inbox.inbox, type=MessageType.INCOMING)
    assert message.text_content == "The logs are attached" and not message.attachments.exists()
    [skipped] = message.meta["email"]["skipped_attachments"]
    assert skipped["filename"] == "logs.zip" and "25 MB limit" in skipped["reason"]


def test_a_reply_to_a_resolved_conversation_reopens_it(email_inbox, dovecot, admin):
    from conversations.models import StatusCategory
    from conversations.services.defaults import builtin_status
    from conversations.services.lifecycle import conversation_set_status

    dovecot.deliver(email_inbox.user, mail(message_id="<first@customer.test>"))
    poll(email_inbox)
    conversation = Conversation.objects.get(inbox=email_inbox.inbox)
    resolved = builtin_status(conversation.organization, StatusCategory.RESOLVED)
    conversation_set_status(conversation=conversation, status=resolved, actor=admin)
    dovecot.deliver(
        email_inbox.user, mail(subject="Re: again", headers={"In-Reply-To": "<first@customer.test>"})
    )
    poll(email_inbox)
    conversation.refresh_from_db()
    assert conversation.status.category == StatusCategory.OPEN


def test_replies_carry_the_inbox_from_name_and_signature(email_inbox, dovecot, smtp_receiver, admin):
    Mailbox.objects.filter(pk=email_inbox.pk).update(
        from_name="Acme Support", signature="Acme <support>\nMon–Fri"
    )
    dovecot.deliver(email_inbox.user, mail())
    poll(email_inbox)
    conversation = Conversation.objects.get(inbox=email_inbox.inbox)
    reply = message_create(conversation=conversation, content="Done", actor=admin)
    message_deliver(message_id=reply.pk)
    [sent] = smtp_receiver.parsed()
    assert sent["From"] == "Acme Support <support@acme.test>"
    plain = sent.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert plain.rstrip().endswith("-- \nAcme <support>\nMon–Fri")
    assert "Acme &lt;support&gt;<br>Mon–Fri" in sent.get_body(("html",)).get_content()


def test_a_customers_email_gets_safe_links(email_inbox, dovecot):
    html = '<p>See <a href="https://shop.test/o/1" target="_self" rel="opener">my order</a> or https://shop.test/o/2</p>'
    dovecot.deliver(email_inbox.user, mail(html=html))
    poll(email_inbox)

    message = Message.objects.get(conversation__inbox=email_inbox.inbox, sender_type=SenderType.CONTACT)
    found = BeautifulSoup(message.content, "html.parser").find_all("a")
    assert [link["href"] for link in found] == ["https://shop.test/o/1", "https://shop.test/o/2"]
    assert all(
        set(link["rel"]) == {"noopener", "nofollow", "ugc"} and link["target"] == "_blank" for link in found
    )
