"""Migration chatbots 0005: chat sessions from before the bot lived in conversations get one.

Rows are created in the old shape (no conversation, no linked messages) and the migration's
function runs on the current registry, as ``migrate`` would run it."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from chatbots.models import ChatMessage, ChatSession, MessageRole, SessionStatus
from conversations.models import Channel, Conversation, Inbox, Message, MessageType, SenderType
from conversations.services.conversations import conversation_create
from tests.chatbots.factories import ChatbotFactory
from tests.factories import MembershipFactory

migration = importlib.import_module("chatbots.migrations.0005_sessions_into_conversations")


def run():
    migration.sessions_into_conversations(apps, None)


def old_session(org, bot, *, turns, username="", created_by=None, **fields) -> ChatSession:
    started = timezone.now() - dt.timedelta(days=3)
    session = ChatSession.objects.create(
        organization=org,
        chatbot=bot,
        username=username,
        created_by=created_by,
        title=" ".join(turns[0][1].split())[:120] if turns else "",
        message_count=len(turns),
        **fields,
    )
    ChatSession.objects.filter(pk=session.pk).update(created_at=started)
    for index, (role, text) in enumerate(turns):
        record = ChatMessage.objects.create(
            organization=org, session=session, index=index, role=role, content=text
        )
        ChatMessage.objects.filter(pk=record.pk).update(created_at=started + dt.timedelta(minutes=index))
    session.refresh_from_db()
    return session


@pytest.fixture
def bot(org):
    return ChatbotFactory(organization=org, name="Widget helper")


TURNS = [
    (MessageRole.USER, "Does the <b>warranty</b> cover batteries?\nAsking for a friend"),
    (MessageRole.ASSISTANT, "Batteries are covered for one year [1]."),
    (MessageRole.USER, "Thanks & bye"),
]


def test_a_visitors_session_becomes_a_conversation_of_the_api_inbox_with_its_messages(org, bot):
    session = old_session(org, bot, turns=TURNS, username="Jane Doe")

    run()

    session.refresh_from_db()
    conversation = session.conversation
    assert conversation is not None
    assert conversation.inbox.channel == Channel.API
    assert conversation.subject == f"Chat with Widget helper: {session.title}"
    assert conversation.custom_attributes == {
        "chat_session_id": str(session.session_id),
        "chatbot_id": bot.pk,
    }
    assert conversation.contact.email == f"jane-doe-{str(session.session_id)[:8]}@visitors.invalid"
    assert conversation.contact.first_name == "Jane Doe"
    assert conversation.created_at == session.created_at
    assert conversation.status.category == "open"
    assert conversation.reference_number == 1
    messages = list(conversation.messages.order_by("created_at", "id"))
    assert [(m.type, m.sender_type) for m in messages] == [
        (MessageType.INCOMING, SenderType.CONTACT),
        (MessageType.OUTGOING, SenderType.BOT),
        (MessageType.INCOMING, SenderType.CONTACT),
    ]
    assert messages[0].sender_contact == conversation.contact
    assert messages[0].text_content == TURNS[0][1]
    assert (
        messages[0].content
        == "<p>Does the &lt;b&gt;warranty&lt;/b&gt; cover batteries?<br>Asking for a friend</p>"
    )
    assert messages[2].content == "<p>Thanks &amp; bye</p>"
    records = list(ChatMessage.objects.filter(session=session).order_by("index"))
    assert [r.message_id for r in records] == [m.pk for m in messages]
    assert [m.created_at for m in messages] == [r.created_at for r in records]
    assert conversation.last_message_at == records[-1].created_at
    assert conversation.last_message_sender == SenderType.CONTACT


def test_a_members_session_has_the_member_as_contact_and_a_second_run_changes_nothing(org, bot):
    member = MembershipFactory(organization=org, user__email="Sam@Acme.test", user__first_name="Sam")
    first = old_session(org, bot, turns=TURNS[:2], created_by=member)
    second = old_session(org, bot, turns=TURNS[:1], created_by=member)

    run()
    run()

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.conversation.contact == second.conversation.contact
    assert first.conversation.contact.email == "sam@acme.test"
    assert first.conversation_id != second.conversation_id
    assert Conversation.objects.filter(organization=org).count() == 2
    assert Message.objects.filter(conversation__organization=org).count() == 3
    assert sorted(Conversation.objects.values_list("reference_number", flat=True)) == [1, 2]


def test_an_escalated_session_points_at_its_conversation_without_copying_the_transcript(org, bot):
    handed_over = conversation_create(
        organization=org, contact_email="jane@example.com", content="Transcript of the chat"
    )
    session = old_session(
        org,
        bot,
        turns=TURNS,
        username="jane@example.com",
        status=SessionStatus.ESCALATED,
        escalated_conversation_uuid=handed_over.uuid,
    )
    messages_before = handed_over.messages.count()

    run()

    session.refresh_from_db()
    assert session.conversation == handed_over
    assert handed_over.messages.count() == messages_before
    assert not ChatMessage.objects.filter(session=session, message__isnull=False).exists()
    assert Conversation.objects.filter(organization=org).count() == 1


def test_an_escalation_whose_conversation_is_gone_gets_a_new_conversation(org, bot):
    gone = conversation_create(organization=org, contact_email="jane@example.com", content="Transcript")
    gone_uuid = gone.uuid
    gone.delete()
    session = old_session(
        org,
        bot,
        turns=TURNS[:2],
        username="jane@example.com",
        status=SessionStatus.ESCALATED,
        escalated_conversation_uuid=gone_uuid,
    )

    run()

    session.refresh_from_db()
    assert session.conversation is not None
    assert session.conversation.contact.email == "jane@example.com"
    assert session.conversation.messages.count() == 2


@pytest.mark.django_db(transaction=True)
def test_migrating_forward_from_0004_gives_old_sessions_their_conversation():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    # helpdesk 0009 added a NOT NULL column the old registry does not know: step back before it too.
    before = [("chatbots", "0004_session_conversation"), ("helpdesk", "0008_notifications")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    organization = old.get_model("helpdesk", "Organization").objects.create(name="Initech", slug="initech")
    chatbot = old.get_model("chatbots", "Chatbot").objects.create(organization=organization, name="Helper")
    session = old.get_model("chatbots", "ChatSession").objects.create(
        organization=organization, chatbot=chatbot, username="pat@initech.test", title="Hello"
    )
    old.get_model("chatbots", "ChatMessage").objects.create(
        organization=organization, session=session, index=0, role="user", content="Hello"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    migrated = ChatSession.objects.get(pk=session.pk)
    assert migrated.conversation.contact.email == "pat@initech.test"
    assert migrated.conversation.messages.get().text_content == "Hello"
    assert ChatMessage.objects.get(session=migrated).message == migrated.conversation.messages.get()


def test_an_organization_without_an_api_inbox_gets_one_and_sessions_of_each_org_stay_apart(org, other_org):
    Inbox.objects.filter(organization=other_org).delete()
    mine = old_session(org, ChatbotFactory(organization=org), turns=TURNS[:1], username="a@acme.test")
    theirs = old_session(
        other_org, ChatbotFactory(organization=other_org), turns=TURNS[:1], username="b@globex.test"
    )

    run()

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.conversation.organization == org
    assert theirs.conversation.organization == other_org
    assert theirs.conversation.inbox.organization == other_org
    assert theirs.conversation.inbox.channel == Channel.API
    assert theirs.conversation.contact.organization == other_org
