"""One mail of an email inbox's mailbox into Parley: a contact's message in the conversation it
answers (In-Reply-To / References against the Message-IDs we stored and sent, then the
``[#123]`` reference in the subject from the conversation's own contact), else a new
conversation. Bounces mark the reply they answer failed; automatic replies, mail from our own
addresses and a sender over its rate limit are recorded and dropped. Idempotent: one
``EmailRecord`` per inbox and Message-ID (and per mailbox UID), written in the same transaction
as the message."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from conversations.channels import adapter_for
from conversations.channels.email_parse import ParsedEmail, parse, shown_html
from conversations.content import html_to_text, sanitize
from conversations.errors import ConversationError
from conversations.models import (
    Channel,
    Conversation,
    EmailDirection,
    EmailOutcome,
    EmailRecord,
    Inbox,
    Mailbox,
    Message,
    MessageStatus,
    MessageType,
)
from conversations.services.activity import activity_record
from conversations.services.attachments import attachment_upload
from conversations.services.contacts import contact_get_or_create

SUBJECT_REFERENCE_RE = re.compile(r"\[#(\d{1,9})\]")
MAX_REFERENCES = 50


def _own_addresses(inbox: Inbox, mailbox: Mailbox) -> set[str]:
    addresses = set(
        Inbox.objects.filter(organization_id=inbox.organization_id, channel=Channel.EMAIL)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    addresses.add(parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
    if "@" in mailbox.username:
        addresses.add(mailbox.username)
    return {address.lower() for address in addresses if address}


def _record(*, mailbox: Mailbox, header_id: str, uid, uid_validity, sender: str, outcome: str, message=None):
    return EmailRecord.objects.create(
        organization_id=mailbox.organization_id,
        inbox_id=mailbox.inbox_id,
        message=message,
        direction=EmailDirection.INBOUND,
        header_id=header_id,
        uid=uid,
        uid_validity=uid_validity,
        sender=sender[:254],
        outcome=outcome,
    )


def _thread(*, inbox: Inbox, parsed: ParsedEmail, contact_email: str) -> Conversation | None:
    ids = [*parsed.in_reply_to, *reversed(parsed.references)][:MAX_REFERENCES]
    if ids:
        found = (
            EmailRecord.objects.filter(inbox=inbox, header_id__in=ids, message__isnull=False)
            .select_related("message__conversation")
            .order_by("-id")
            .first()
        )
        if found is not None:
            return found.message.conversation
    match = SUBJECT_REFERENCE_RE.search(parsed.subject)
    if match:  # only the conversation's own contact may continue it by its number
        return (
            Conversation.objects.filter(
                organization_id=inbox.organization_id,
                reference_number=int(match.group(1)),
                contact__email=contact_email,
            )
            .select_related("inbox", "contact")
            .first()
        )
    return None


def _live(conversation: Conversation) -> Conversation:
    while conversation.merged_into_id is not None:  # a merged conversation continues in its target
        conversation = Conversation.objects.select_related("inbox", "contact").get(
            pk=conversation.merged_into_id
        )
    return conversation


def _attachments(*, mailbox: Mailbox, parsed: ParsedEmail) -> tuple[list, dict[str, str], list[dict]]:
    """Store the mail's attachments through the upload checks (size, type from the content).
    Returns (attachments, cid → URL of inline images, skipped [{filename, reason}])."""
    from helpdesk.models import Organization

    organization = Organization.objects.get(pk=mailbox.organization_id)
    stored, inline_urls, skipped = [], {}, []
    for part in parsed.attachments:
        try:
            attachment = attachment_upload(
                organization=organization,
                upload=SimpleUploadedFile(part.filename, part.data, content_type=part.content_type),
                uploaded_by=None,
            )
        except ConversationError as exc:
            skipped.append({"filename": part.filename, "size": len(part.data), "reason": exc.message})
            continue
        stored.append(attachment)
        if part.content_id:
            inline_urls[part.content_id] = reverse("conversations:attachment", args=[attachment.uuid])
    return stored, inline_urls, skipped


def _with_inline_images(body: str, inline_urls: dict[str, str]) -> str:
    for content_id, url in inline_urls.items():
        body = body.replace(f"cid:{content_id}", url)
    return body


def _bounce(*, mailbox: Mailbox, parsed: ParsedEmail) -> Message | None:
    """Mark the reply a delivery status notification is about failed, with its reason."""
    bounce = parsed.bounce
    record = (
        EmailRecord.objects.filter(
            inbox_id=mailbox.inbox_id,
            direction=EmailDirection.OUTBOUND,
            header_id=bounce.original_message_id,
            message__isnull=False,
        )
        .select_related("message__conversation")
        .first()
    )
    if record is None:
        return None
    message = record.message
    reason = f"The mail bounced: {bounce.reason}"[:1000]
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED, delivery_error=reason, updated_at=timezone.now()
    )
    activity_record(
        conversation=message.conversation,
        actor=None,
        action="delivery_failed",
        text=reason,
        meta={"message_uuid": str(message.uuid)},
    )
    return message


def _sender_over_limit(*, mailbox: Mailbox, sender: str) -> bool:
    limit = int(settings.MAILBOX_SENDER_LIMIT_PER_HOUR)
    if limit <= 0:
        return False
    since = timezone.now() - timedelta(hours=1)
    recent = EmailRecord.objects.filter(
        inbox_id=mailbox.inbox_id,
        direction=EmailDirection.INBOUND,
        sender=sender,
        outcome=EmailOutcome.IMPORTED,
        created_at__gte=since,
    ).count()
    return recent >= limit


def email_header_id(raw: bytes, parsed: ParsedEmail) -> str:
    """The mail's Message-ID, or a stable one made from its bytes when it has none."""
    if parsed.message_id:
        return parsed.message_id
    return f"{hashlib.sha256(raw).hexdigest()}@parley.missing-message-id"


def email_import(
    *, mailbox: Mailbox, raw: bytes, uid: int | None = None, uid_validity: int | None = None
) -> tuple[EmailRecord, bool]:
    """Import one raw mail into ``mailbox``'s inbox (see the module); returns its record and
    whether it is new (False: imported before, the existing record). ``uid``/``uid_validity``: where it is in the
    mailbox. Never raises for what the mail contains: an unreadable mail is imported as far as
    it can be read."""
    parsed = parse(raw)
    header_id = email_header_id(raw, parsed)
    existing = EmailRecord.objects.filter(inbox_id=mailbox.inbox_id, header_id=header_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return _import(
                mailbox=mailbox, parsed=parsed, header_id=header_id, uid=uid, uid_validity=uid_validity
            ), True
    except IntegrityError:  # imported meanwhile (the same Message-ID or UID): the first one stands
        return EmailRecord.objects.filter(
            inbox_id=mailbox.inbox_id, header_id=header_id
        ).first() or EmailRecord.objects.get(inbox_id=mailbox.inbox_id, uid_validity=uid_validity, uid=uid)


def _import(*, mailbox: Mailbox, parsed: ParsedEmail, header_id: str, uid, uid_validity) -> EmailRecord:
    inbox = Inbox.objects.select_related("organization").get(pk=mailbox.inbox_id)
    sender = parsed.from_address
    keys = {
        "mailbox": mailbox,
        "header_id": header_id,
        "uid": uid,
        "uid_validity": uid_validity,
        "sender": sender,
    }
    if parsed.bounce is not None:
        bounced = _bounce(mailbox=mailbox, parsed=parsed)
        if bounced is not None:
            return _record(**keys, outcome=EmailOutcome.BOUNCE, message=bounced)
        return _record(**keys, outcome=EmailOutcome.AUTO_REPLY)  # a bounce of mail we did not send
    if not sender or "@" not in sender:
        return _record(**keys, outcome=EmailOutcome.NO_SENDER)
    if sender in _own_addresses(inbox, mailbox):
        return _record(**keys, outcome=EmailOutcome.OWN_ADDRESS)
    if parsed.auto_submitted:
        return _record(**keys, outcome=EmailOutcome.AUTO_REPLY)
    if _sender_over_limit(mailbox=mailbox, sender=sender):
        return _record(**keys, outcome=EmailOutcome.RATE_LIMITED)
    try:
        contact, _ = contact_get_or_create(
            organization=inbox.organization,
            email=sender,
            first_name=parsed.from_name.split(" ", 1)[0] if parsed.from_name else "",
            last_name=parsed.from_name.split(" ", 1)[1] if " " in parsed.from_name else "",
        )
    except ConversationError:  # a From the address validator refuses
        return _record(**keys, outcome=EmailOutcome.NO_SENDER)
    if not contact.enabled:
        return _record(**keys, outcome=EmailOutcome.BLOCKED)
    attachments, inline_urls, skipped = _attachments(mailbox=mailbox, parsed=parsed)
    body, trimmed = shown_html(parsed)
    body = _with_inline_images(body, inline_urls)
    if not body.strip() and not attachments:
        body = "<p>(no text)</p>"
    conversation = _thread(inbox=inbox, parsed=parsed, contact_email=contact.email)
    attachment_ids = [attachment.pk for attachment in attachments]
    if conversation is not None:
        conversation = _live(conversation)
        message = adapter_for(Channel.EMAIL).receive(
            conversation=conversation, content=body, attachment_ids=attachment_ids
        )
    else:
        from conversations.services.conversations import conversation_create  # it imports messages

        conversation = conversation_create(
            organization=inbox.organization,
            contact=contact,
            content=body,
            subject=parsed.subject[:500] or "(no subject)",
            inbox=inbox,
            attachment_ids=attachment_ids,
        )
        message = conversation.messages.filter(type=MessageType.INCOMING).order_by("id").first()
    email_meta = {
        "message_id": header_id,
        "subject": parsed.subject,
        "from_name": parsed.from_name,
        "to": parsed.to,
        "cc": parsed.cc,
        "skipped_attachments": skipped,
        "defects": parsed.defects[:20],
    }
    if trimmed:  # the full original stays viewable
        email_meta["full_text"] = (parsed.text or html_to_text(sanitize(parsed.html)[0]))[:200_000]
    message.meta = {**(message.meta or {}), "to": parsed.to, "cc": parsed.cc, "email": email_meta}
    message.save(update_fields=["meta", "updated_at"])
    return _record(**keys, outcome=EmailOutcome.IMPORTED, message=message)
