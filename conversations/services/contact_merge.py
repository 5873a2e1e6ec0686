"""Merging a duplicate contact into the contact that is kept."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from conversations.errors import ConversationError
from conversations.models import Contact, ContactNote, Conversation, CsatSurvey, Message, WidgetVisitor
from conversations.services.activity import actor_name
from helpdesk.models import Membership

# Details the kept contact takes from the duplicate when its own are blank.
FILLED_FROM_DUPLICATE = ("first_name", "last_name", "phone_number", "phone_number_country_code", "company")


@dataclass(frozen=True)
class ContactMergeResult:
    contact: Contact
    conversations: int
    notes: int
    surveys: int
    messages: int


@transaction.atomic
def contact_merge(*, duplicate: Contact, keep: Contact, actor: Membership | None) -> ContactMergeResult:
    """Merge ``duplicate`` into ``keep``: its conversations, notes, CSAT surveys, the messages
    (email included) it sent and its widget visitors move to ``keep``; details ``keep`` lacks
    (name, phone, company, email, custom attributes it does not have) are taken from the
    duplicate; the duplicate is deleted and a note on ``keep`` records the merge. Both must belong
    to the same organization (another organization's contact is ``not_found``)."""
    if duplicate.pk == keep.pk:
        raise ConversationError("A contact cannot be merged into itself.", field="keep")
    if duplicate.organization_id != keep.organization_id:
        raise ConversationError("Contact not found.", field="keep", code="not_found")
    # Lock both rows in a fixed order, so two opposite merges cannot both pass the checks.
    locked = {
        contact.pk: contact
        for contact in Contact.objects.select_for_update()
        .filter(pk__in=[duplicate.pk, keep.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise ConversationError("This contact was merged or deleted already.", code="conflict")
    duplicate, keep = locked[duplicate.pk], locked[keep.pk]

    conversations = Conversation.objects.filter(contact=duplicate).update(contact=keep)
    notes = ContactNote.objects.filter(contact=duplicate).update(contact=keep)
    surveys = CsatSurvey.objects.filter(contact=duplicate).update(contact=keep)
    messages = Message.objects.filter(sender_contact=duplicate).update(sender_contact=keep)
    WidgetVisitor.objects.filter(contact=duplicate).update(contact=keep)

    changed = []
    for field in FILLED_FROM_DUPLICATE:
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
            changed.append(field)
    attributes = {**(duplicate.custom_attributes or {}), **(keep.custom_attributes or {})}
    if attributes != (keep.custom_attributes or {}):
        keep.custom_attributes = attributes
        changed.append("custom_attributes")
    email = duplicate.email
    label = (
        f"{duplicate.full_name} ({email})" if email and email != duplicate.full_name else duplicate.full_name
    )
    duplicate.delete()  # frees its email for the kept contact
    if email and not keep.email:
        keep.email = email
        changed.append("email")
    if changed:
        keep.save(update_fields=[*changed, "updated_at"])

    moved = f"{conversations} conversation{'s' if conversations != 1 else ''}"
    ContactNote.objects.create(
        organization_id=keep.organization_id,
        contact=keep,
        author=actor,
        note=(
            f"{actor_name(actor)} merged the duplicate contact {label} into this one: {moved}, "
            f"{notes} note{'s' if notes != 1 else ''} and {surveys} satisfaction "
            f"answer{'s' if surveys != 1 else ''} moved."
        ),
    )
    return ContactMergeResult(
        contact=keep, conversations=conversations, notes=notes, surveys=surveys, messages=messages
    )
