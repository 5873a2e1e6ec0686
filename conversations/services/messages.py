"""Messages: a contact's message, an agent's reply or private note; delivery and retry."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from conversations import channels
from conversations.content import preview, sanitize
from conversations.errors import ConversationError
from conversations.models import Conversation, Message, MessageStatus, MessageType, SenderType
from conversations.services.activity import emit_message_created, participant_add
from conversations.services.attachments import attachments_for_message, attachments_link
from conversations.services.contacts import ensure_not_blocked
from conversations.services.lifecycle import conversation_reopen, ensure_not_merged
from conversations.services.sla import sla_recompute
from helpdesk.errors import DomainError
from helpdesk.models import Membership

MESSAGE_MAX_LENGTH = 200_000
MAX_RECIPIENTS = 50


def _recipients(values, *, field: str) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str):
        values = [part for part in values.split(",") if part.strip()]
    if not isinstance(values, list | tuple):
        raise ConversationError(f"{field} must be a list of email addresses.", field=field)
    if len(values) > MAX_RECIPIENTS:
        raise ConversationError(f"At most {MAX_RECIPIENTS} addresses in {field}.", field=field)
    cleaned = []
    for value in values:
        address = str(value).strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            raise ConversationError(f"'{value}' is not a valid email address.", field=field)
        cleaned.append(address)
    return cleaned


@transaction.atomic
def message_create(
    *,
    conversation: Conversation,
    content: str,
    actor: Membership | None,
    sender_type: str = SenderType.AGENT,
    private: bool = False,
    attachment_ids=(),
    to=None,
    cc=None,
    bcc=None,
    now: datetime | None = None,
) -> Message:
    """Add a message to the thread.

    ``sender_type="contact"``: the contact writes (incoming, ``received``); it reopens a snoozed,
    resolved or closed conversation and starts the next-response clock. ``sender_type="agent"``:
    ``actor`` replies (outgoing) or, with ``private``, writes an internal note. Replies on email
    inboxes are ``pending`` until a worker sends them; other channels are ``sent`` at once.
    ``sender_type="system"``: an internal note written by the product itself (an AI summary
    of a chat handed over by a visitor), with no acting agent; only private notes.
    HTML is sanitized; ``attachments`` are ids of this organization's unlinked uploads."""
    ensure_not_merged(conversation)
    if sender_type not in (SenderType.AGENT, SenderType.CONTACT, SenderType.SYSTEM):
        raise ConversationError("sender_type must be agent or contact.", field="sender_type")
    if sender_type == SenderType.SYSTEM and not private:
        raise ConversationError("The system can only write private notes.", field="private")
    if content is not None and len(content) > MESSAGE_MAX_LENGTH:
        raise ConversationError(f"A message has at most {MESSAGE_MAX_LENGTH} characters.", field="message")
    html, text, content_type = sanitize(content or "")
    attachments = attachments_for_message(
        organization=conversation.organization, attachment_ids=attachment_ids
    )
    if not text.strip() and not attachments:
        raise ConversationError("A message needs some text or an attachment.", field="message")
    now = now or timezone.now()
    meta = {
        "to": _recipients(to, field="to"),
        "cc": _recipients(cc, field="cc"),
        "bcc": _recipients(bcc, field="bcc"),
    }
    contact = conversation.contact
    if sender_type == SenderType.CONTACT:
        if private:
            raise ConversationError("A contact cannot write a private note.", field="private")
        ensure_not_blocked(contact)
        message_type, status, sender_agent, sender_contact = (
            MessageType.INCOMING,
            MessageStatus.RECEIVED,
            None,
            contact,
        )
        meta["from"] = [contact.email] if contact.email else []
    elif sender_type == SenderType.SYSTEM:
        message_type, status, sender_agent, sender_contact = (
            MessageType.OUTGOING,
            MessageStatus.SENT,
            None,
            None,
        )
    else:
        if actor is None:
            raise ConversationError("An agent reply needs an acting agent.", field="sender_type")
        message_type, sender_agent, sender_contact = MessageType.OUTGOING, actor, None
        needs_delivery = not private and channels.needs_delivery(conversation.inbox.channel)
        status = MessageStatus.PENDING if needs_delivery else MessageStatus.SENT
        if not private and not meta["to"] and contact.email:
            meta["to"] = [contact.email]
    message = Message.objects.create(
        organization_id=conversation.organization_id,
        conversation=conversation,
        type=message_type,
        status=status,
        private=private,
        content=html,
        text_content=text,
        content_type=content_type,
        sender_type=sender_type,
        sender_agent=sender_agent,
        sender_contact=sender_contact,
        meta=meta,
        created_at=now,
    )
    attachments_link(attachments=attachments, message=message)

    if message_type == MessageType.INCOMING:
        if conversation.waiting_since is None:
            conversation.waiting_since = now
            conversation.next_response_met_at = None
    elif not private:
        conversation.first_reply_at = conversation.first_reply_at or now
        conversation.last_reply_at = now
        if conversation.waiting_since is not None and conversation.next_response_deadline_at is not None:
            conversation.next_response_met_at = now
        conversation.waiting_since = None
    if not private:
        conversation.last_message_preview = preview(text) or f"[{len(attachments)} attachment(s)]"
        conversation.last_message_at = now
        conversation.last_message_sender = sender_type
    sla_recompute(conversation)
    conversation.save()
    participant_add(conversation=conversation, membership=sender_agent)
    if message_type == MessageType.INCOMING:
        conversation_reopen(
            conversation=conversation, actor=None, reason="Reopened by a new message from the contact"
        )
    emit_message_created(message)
    if status == MessageStatus.PENDING:
        _queue_delivery(message)
    return message


def _queue_delivery(message: Message) -> None:
    from conversations import tasks  # tasks import services: import lazily

    message_id = message.pk
    transaction.on_commit(lambda: tasks.message_deliver.delay(message_id))


def message_deliver(*, message_id: int) -> Message | None:
    """Send a pending reply through its channel (``sent``, or ``failed`` with the reason).
    A message that is no longer pending is left alone, so running it twice is harmless."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("conversation__inbox", "conversation__contact")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.status != MessageStatus.PENDING:
            return message
        message.delivery_attempts += 1
        try:
            channels.deliver(message)
        except DomainError as exc:  # not sendable, or the mail server did not take it: an agent may retry
            message.status = MessageStatus.FAILED
            message.delivery_error = exc.message[:1000]
        else:
            message.status = MessageStatus.SENT
            message.delivery_error = ""
        message.save(update_fields=["status", "delivery_error", "delivery_attempts", "updated_at"])
    return message


@transaction.atomic
def message_retry(*, message: Message) -> Message:
    """Queue a failed reply for delivery again (``pending``)."""
    if message.status != MessageStatus.FAILED:
        raise ConversationError("Only a failed message can be retried.", code="conflict")
    message.status = MessageStatus.PENDING
    message.delivery_error = ""
    message.save(update_fields=["status", "delivery_error", "updated_at"])
    _queue_delivery(message)
    return message
