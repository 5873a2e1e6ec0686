"""Messages: a contact's message, an agent's reply or private note; delivery and retry."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
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
from helpdesk.errors import BackendUnavailable, DomainError
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
    mailed: bool = False,
) -> Message:
    """Add a message to the thread.

    ``sender_type="contact"``: the contact writes (incoming, ``received``); it reopens a snoozed,
    resolved or closed conversation and starts the next-response clock. ``sender_type="agent"``:
    ``actor`` replies (outgoing) or, with ``private``, writes an internal note. Replies on email
    inboxes are ``pending`` until a worker sends them; other channels are ``sent`` at once.
    ``sender_type="system"``: written by the product itself, with no acting agent: an internal
    note (an AI summary of a chat handed over) or, not private, a notice to the contact ("a
    person is coming"). ``sender_type="bot"``: the conversation's bot answers (outgoing, never
    private; a bot answer is not an agent's reply, so the response clocks keep running).
    ``mailed``: a system notice to the contact that the email channel mails too, like a bot
    answer (the resolve message with its satisfaction survey link).
    HTML is sanitized; ``attachments`` are ids of this organization's unlinked uploads."""
    ensure_not_merged(conversation)
    if sender_type not in (SenderType.AGENT, SenderType.CONTACT, SenderType.SYSTEM, SenderType.BOT):
        raise ConversationError("sender_type must be agent or contact.", field="sender_type")
    if sender_type == SenderType.BOT and private:
        raise ConversationError("A bot answer cannot be a private note.", field="private")
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
    elif sender_type in (SenderType.SYSTEM, SenderType.BOT):
        # The bot's answer on an email inbox is mailed like an agent's reply.
        bot_mail = (sender_type == SenderType.BOT or (mailed and not private)) and channels.needs_delivery(
            conversation.inbox.channel
        )
        message_type, status, sender_agent, sender_contact = (
            MessageType.OUTGOING,
            MessageStatus.PENDING if bot_mail else MessageStatus.SENT,
            None,
            None,
        )
        if bot_mail and not meta["to"] and contact.email:
            meta["to"] = [contact.email]
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
    elif not private and sender_type == SenderType.AGENT:
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
    from helpdesk import jobs

    message_id = message.pk

    def unqueued(reason: str) -> None:  # the agent sees why and may retry the reply
        _record_delivery(
            message_id, status=MessageStatus.FAILED, error=reason, claimed_as=MessageStatus.PENDING
        )

    jobs.enqueue_on_commit(tasks.message_deliver, message_id, on_unqueued=unqueued)


def _record_delivery(
    message_id: int, *, status: str, error: str, claimed_as: str = MessageStatus.SENDING
) -> None:
    Message.objects.filter(pk=message_id, status=claimed_as).update(
        status=status, delivery_error=error[:1000], updated_at=timezone.now()
    )


def message_deliver(*, message_id: int, final_attempt: bool = True) -> Message | None:
    """Send a pending reply through its channel (``sent``, or ``failed`` with the reason).

    No lock is held while the mail server talks: the message is claimed (``pending`` →
    ``sending``, one conditional update), sent outside any transaction, and the outcome recorded
    in another update; a second run finds it claimed or finished and leaves it alone. A transient
    failure (``BackendUnavailable``: the mail server is down) puts it back to ``pending`` with the
    reason and raises, so the task retries it, unless ``final_attempt``: then it fails."""
    claimed = Message.objects.filter(pk=message_id, status=MessageStatus.PENDING).update(
        status=MessageStatus.SENDING, delivery_attempts=F("delivery_attempts") + 1, updated_at=timezone.now()
    )
    message = (
        Message.objects.select_related("conversation__inbox", "conversation__contact")
        .filter(pk=message_id)
        .first()
    )
    if not claimed or message is None:
        return message
    try:
        channels.deliver(message)
    except BackendUnavailable as exc:
        if not final_attempt:
            _record_delivery(message_id, status=MessageStatus.PENDING, error=exc.message)
            raise
        _record_delivery(message_id, status=MessageStatus.FAILED, error=exc.message)
    except DomainError as exc:  # not sendable, or the mail server refused it: an agent may retry
        _record_delivery(message_id, status=MessageStatus.FAILED, error=exc.message)
    except Exception:
        _record_delivery(
            message_id, status=MessageStatus.FAILED, error="The reply could not be sent; retry it."
        )
        raise
    else:
        _record_delivery(message_id, status=MessageStatus.SENT, error="")
    message.refresh_from_db(fields=["status", "delivery_error", "delivery_attempts", "updated_at"])
    return message


def message_deliveries_fail_interrupted(*, now: datetime | None = None) -> int:
    """Fail the replies left ``sending`` by a worker that stopped mid-delivery (for longer than
    ``OPERATION_STALE_SECONDS``): whether the mail server took them is unknown, so an agent
    decides to retry. Returns how many were failed."""
    cutoff = (now or timezone.now()) - timedelta(seconds=max(int(settings.OPERATION_STALE_SECONDS), 1))
    return Message.objects.filter(status=MessageStatus.SENDING, updated_at__lt=cutoff).update(
        status=MessageStatus.FAILED,
        delivery_error="The delivery was interrupted (the worker may have stopped), so it may not have been sent; retry it.",
        updated_at=timezone.now(),
    )


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
