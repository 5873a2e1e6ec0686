"""The bot on an email inbox, by its mailbox's bot mode: ``draft`` (the default) posts the answer
as a private note for an agent, ``answer`` mails it, ``off`` stays out. Mail imported from a real
Dovecot mailbox; what is sent is read back from a real SMTP receiver."""

import pytest

from chatbots.services.inbox_bots import inbox_bot_set
from conversations.models import Channel, Conversation, Message, MessageStatus, SenderType
from conversations.services import mailboxes
from tests.conversations.factories import InboxFactory
from tests.conversations.test_email_channel import mail

pytestmark = pytest.mark.usefixtures("embedding_model")

QUESTION = "How many years does the warranty last?"


@pytest.fixture
def email_inbox(org, bot, dovecot, smtp_receiver):
    inbox = InboxFactory(organization=org, channel=Channel.EMAIL, email="support@acme.test")
    inbox_bot_set(organization=org, inbox=inbox, chatbot=bot, is_active=True)
    mailbox = mailboxes.mailbox_save(
        inbox=inbox,
        host="127.0.0.1",
        port=dovecot.port,
        security="none",
        username=dovecot.new_user(),
        password="secret",
        smtp_host="127.0.0.1",
        smtp_port=smtp_receiver.port,
        smtp_security="none",
    )
    return mailbox


def receive(mailbox, dovecot, run_tasks, **kwargs):
    dovecot.deliver(mailbox.username, mail(text=QUESTION, **kwargs))
    with run_tasks():
        mailboxes.mailbox_poll(mailbox_id=mailbox.pk)
    return Conversation.objects.get(inbox=mailbox.inbox)


def test_by_default_the_bot_drafts_a_private_note_and_sends_nothing(
    email_inbox,
    dovecot,
    smtp_receiver,
    fake_ollama,
    run_tasks,
):
    assert email_inbox.bot_mode == "draft"
    conversation = receive(email_inbox, dovecot, run_tasks)

    [draft] = Message.objects.filter(
        conversation=conversation, sender_type=SenderType.SYSTEM, private=True, type="outgoing"
    )
    assert "Suggested reply" in draft.content and "two years" in draft.text_content
    assert not Message.objects.filter(conversation=conversation, sender_type=SenderType.BOT).exists()
    assert smtp_receiver.messages == []


def test_in_answer_mode_the_bot_mails_its_answer(email_inbox, dovecot, smtp_receiver, fake_ollama, run_tasks):
    mailboxes.Mailbox.objects.filter(pk=email_inbox.pk).update(bot_mode="answer")
    conversation = receive(email_inbox, dovecot, run_tasks)

    [answer] = Message.objects.filter(conversation=conversation, sender_type=SenderType.BOT)
    assert answer.status == MessageStatus.SENT and "two years" in answer.text_content
    [sent] = smtp_receiver.parsed()
    assert "two years" in sent.get_body(("plain",)).get_content()
    assert sent["To"] == "ada@customer.test" and sent["Auto-Submitted"] == "auto-replied"


def test_with_the_bot_off_nothing_answers(email_inbox, dovecot, smtp_receiver, fake_ollama, run_tasks):
    mailboxes.Mailbox.objects.filter(pk=email_inbox.pk).update(bot_mode="off")
    conversation = receive(email_inbox, dovecot, run_tasks)

    assert list(conversation.messages.values_list("sender_type", flat=True).exclude(type="activity")) == [
        "contact"
    ]
    assert smtp_receiver.messages == []


def test_an_auto_reply_never_reaches_the_bot(email_inbox, dovecot, smtp_receiver, fake_ollama, run_tasks):
    mailboxes.Mailbox.objects.filter(pk=email_inbox.pk).update(bot_mode="answer")
    dovecot.deliver(email_inbox.username, mail(text=QUESTION, headers={"Auto-Submitted": "auto-replied"}))
    with run_tasks():
        mailboxes.mailbox_poll(mailbox_id=email_inbox.pk)
    assert not Conversation.objects.filter(inbox=email_inbox.inbox).exists()
    assert smtp_receiver.messages == []
