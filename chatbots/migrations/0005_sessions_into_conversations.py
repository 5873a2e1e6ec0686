"""Chat sessions from before "the bot inside the conversation" get their conversation.

Each session without one gets a conversation in its organization's ``api`` inbox (as
``chatbots.services.conversation_bot.question_message_link`` opens one today), its questions and
answers copied as the contact's and the bot's messages (times kept), and every ``ChatMessage``
linked to its message. A session escalated to a conversation that still exists points at that
conversation instead: its transcript is there already, nothing is copied. Sessions that have a
conversation are left alone, so running it again changes nothing."""

import re

from django.db import migrations
from django.db.models import F
from django.utils.html import linebreaks

BATCH = 200
PREVIEW_CHARS = 300
_NOT_EMAIL = re.compile(r"[^a-z0-9._-]+")


def _contact_fields(session):
    """(email, first name, last name), as ``chatbots.services.escalation.chat_contact``."""
    member = session.created_by
    if member is not None:
        user = member.user
        return user.email.strip().lower(), user.first_name[:100], user.last_name[:100]
    username = (session.username or "").strip().lower()
    if "@" in username:
        return username, "", ""
    local = _NOT_EMAIL.sub("-", username).strip("-.")[:40] or "visitor"
    return f"{local}-{str(session.session_id)[:8]}@visitors.invalid", session.username[:100], ""


class _Organization:
    """What one organization needs, looked up once per batch."""

    def __init__(self, apps, organization_id):
        self.apps = apps
        self.organization_id = organization_id
        self._inbox = None
        self._status = None

    def inbox(self):
        if self._inbox is None:
            Inbox = self.apps.get_model("conversations", "Inbox")
            self._inbox = (
                Inbox.objects.filter(organization_id=self.organization_id, channel="api", enabled=True)
                .order_by("id")
                .first()
            ) or Inbox.objects.create(organization_id=self.organization_id, name="API", channel="api")
        return self._inbox

    def open_status(self):
        if self._status is None:
            Status = self.apps.get_model("conversations", "Status")
            statuses = Status.objects.filter(organization_id=self.organization_id)
            self._status = statuses.filter(is_builtin=True, category="open").order_by("id").first()
            if self._status is None:
                named = statuses.filter(name__iexact="Open").first()
                if named is not None:  # a custom status took the name: it becomes the built-in
                    statuses.filter(pk=named.pk).update(category="open", is_builtin=True)
                    self._status = named
                else:
                    self._status = Status.objects.create(
                        organization_id=self.organization_id, name="Open", category="open", is_builtin=True
                    )
        return self._status

    def reference_number(self):
        ReferenceSequence = self.apps.get_model("conversations", "ReferenceSequence")
        sequence, _ = ReferenceSequence.objects.get_or_create(organization_id=self.organization_id)
        ReferenceSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
        return ReferenceSequence.objects.values_list("last_value", flat=True).get(pk=sequence.pk)

    def contact(self, session):
        Contact = self.apps.get_model("conversations", "Contact")
        email, first_name, last_name = _contact_fields(session)
        contact = None
        if email:
            contact = Contact.objects.filter(organization_id=self.organization_id, email=email).first()
        return contact or Contact.objects.create(
            organization_id=self.organization_id, email=email, first_name=first_name, last_name=last_name
        )


def _html(text):
    return linebreaks(text, autoescape=True)


def _conversation_for(apps, session, organization):
    Conversation = apps.get_model("conversations", "Conversation")
    contact = organization.contact(session)
    conversation = Conversation.objects.create(
        organization_id=session.organization_id,
        reference_number=organization.reference_number(),
        subject=" ".join(f"Chat with {session.chatbot.name}: {session.title}".split())[:200],
        contact=contact,
        inbox=organization.inbox(),
        status=organization.open_status(),
        custom_attributes={"chat_session_id": str(session.session_id), "chatbot_id": session.chatbot_id},
        last_message_at=session.last_message_at or session.created_at,
    )
    Conversation.objects.filter(pk=conversation.pk).update(created_at=session.created_at)
    return conversation, contact


def _copy_messages(apps, session, conversation, contact):
    ChatMessage = apps.get_model("chatbots", "ChatMessage")
    Message = apps.get_model("conversations", "Message")
    records = list(ChatMessage.objects.filter(session=session, message__isnull=True).order_by("index"))
    rows = []
    for record in records:
        text = record.content or ""
        incoming = record.role == "user"
        rows.append(
            Message(
                organization_id=session.organization_id,
                conversation=conversation,
                type="incoming" if incoming else "outgoing",
                status="received" if incoming else "sent",
                content=_html(text),
                text_content=text,
                content_type="html",
                sender_type="contact" if incoming else "bot",
                sender_contact=contact if incoming else None,
                meta={"to": [], "cc": [], "bcc": [], **({"from": [contact.email]} if incoming else {})},
                created_at=record.created_at,
            )
        )
    Message.objects.bulk_create(rows)
    for record, message in zip(records, rows, strict=True):
        record.message = message
    ChatMessage.objects.bulk_update(records, ["message"])
    if records:
        last = records[-1]
        Conversation = apps.get_model("conversations", "Conversation")
        Conversation.objects.filter(pk=conversation.pk).update(
            last_message_at=last.created_at,
            last_message_preview=" ".join((last.content or "").split())[:PREVIEW_CHARS],
            last_message_sender="contact" if last.role == "user" else "bot",
        )


def sessions_into_conversations(apps, schema_editor):
    ChatSession = apps.get_model("chatbots", "ChatSession")
    organizations = {}
    pending = (
        ChatSession.objects.filter(conversation__isnull=True)
        .select_related("chatbot", "created_by__user")
        .order_by("id")
    )
    # Each pass takes the next batch still without a conversation; every session it handles gets
    # one, so the loop ends (and a second run finds nothing to do).
    while batch := list(pending[:BATCH]):
        for session in batch:
            _session_into_conversation(apps, session, organizations)


def _session_into_conversation(apps, session, organizations):
    ChatSession = apps.get_model("chatbots", "ChatSession")
    Conversation = apps.get_model("conversations", "Conversation")
    escalated = None
    if session.escalated_conversation_uuid:
        escalated = Conversation.objects.filter(
            organization_id=session.organization_id, uuid=session.escalated_conversation_uuid
        ).first()
    if escalated is not None:  # the transcript is in that conversation already
        ChatSession.objects.filter(pk=session.pk).update(conversation=escalated)
        return
    organization = organizations.get(session.organization_id)
    if organization is None:
        organization = organizations[session.organization_id] = _Organization(apps, session.organization_id)
    conversation, contact = _conversation_for(apps, session, organization)
    _copy_messages(apps, session, conversation, contact)
    ChatSession.objects.filter(pk=session.pk).update(conversation=conversation)


class Migration(migrations.Migration):
    dependencies = [
        ("chatbots", "0004_session_conversation"),
        ("conversations", "0008_sender_type_bot"),
    ]

    operations = [
        migrations.RunPython(sessions_into_conversations, migrations.RunPython.noop, elidable=True),
    ]
