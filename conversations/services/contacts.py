"""Contacts (end users): found or created by email, updated, blocked; agents' notes on them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from conversations.errors import ConversationError
from conversations.models import Contact, ContactNote
from helpdesk.models import Membership, Organization, Role
from helpdesk.unset import UNSET, Unset, given

NOTE_MAX_LENGTH = 10_000


class ContactBlocked(ConversationError):
    code = "permission_denied"


def normalize_email(email: str, *, field: str = "email") -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ConversationError(f"'{email}' is not a valid email address.", field=field)
    return email


def contact_get_or_create(
    *, organization: Organization, email: str, first_name: str = "", last_name: str = ""
) -> tuple[Contact, bool]:
    """The organization's contact with this email (case-insensitive), created when missing. Names
    fill in blanks of an existing contact but never overwrite what an agent set."""
    email = normalize_email(email)
    contact = Contact.objects.filter(organization=organization, email=email).first()
    if contact is None:
        try:
            with transaction.atomic():
                contact = Contact.objects.create(
                    organization=organization,
                    email=email,
                    first_name=(first_name or "").strip()[:100],
                    last_name=(last_name or "").strip()[:100],
                )
            return contact, True
        except IntegrityError:  # created concurrently
            contact = Contact.objects.get(organization=organization, email=email)
    changed = []
    if first_name and not contact.first_name:
        contact.first_name = first_name.strip()[:100]
        changed.append("first_name")
    if last_name and not contact.last_name:
        contact.last_name = last_name.strip()[:100]
        changed.append("last_name")
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])
    return contact, False


def ensure_not_blocked(contact: Contact) -> None:
    if not contact.enabled:
        raise ContactBlocked("This contact is blocked.", field="contact_email")


def contact_update(
    *,
    contact: Contact,
    first_name: str | Unset = UNSET,
    last_name: str | Unset = UNSET,
    email: str | Unset = UNSET,
    phone_number: str | Unset = UNSET,
    phone_number_country_code: str | Unset = UNSET,
    avatar_url: str | Unset = UNSET,
    company: str | Unset = UNSET,
    custom_attributes: dict | Unset = UNSET,
    enabled: bool | Unset = UNSET,
) -> Contact:
    """Change the details given (``UNSET`` ones stay). The form or serializer has checked their
    shape (lengths, a well-formed email, a safe avatar URL); here an email is stored lower-case
    and must be no other contact's of the organization (blank clears it)."""
    changes = given(locals(), exclude=("contact",))
    if "email" in changes:
        changes["email"] = changes["email"].strip().lower()
        _ensure_email_free(contact.organization_id, changes["email"], exclude_pk=contact.pk)
    for field, value in changes.items():
        setattr(contact, field, value)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:  # the same email saved concurrently
        raise ConversationError("Another contact has this email.", field="email", code="conflict")
    return contact


def _ensure_email_free(organization_id: int, email: str, *, exclude_pk: int | None = None) -> None:
    others = Contact.objects.filter(organization_id=organization_id, email=email)
    if email and others.exclude(pk=exclude_pk).exists():
        raise ConversationError("Another contact has this email.", field="email", code="conflict")


def contact_create(
    *,
    organization: Organization,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone_number: str = "",
    company: str = "",
    custom_attributes: dict | None = None,
) -> Contact:
    """Add a contact by hand. The email (stored lower-case, optional) must be no other contact's
    of the organization; a contact needs at least a name, an email or a phone number."""
    email = (email or "").strip().lower()
    if not (first_name.strip() or last_name.strip() or email or phone_number.strip()):
        raise ConversationError("Give at least a name, an email or a phone number.", field="first_name")
    _ensure_email_free(organization.pk, email)
    try:
        with transaction.atomic():
            return Contact.objects.create(
                organization=organization,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                email=email,
                phone_number=phone_number.strip(),
                company=company.strip(),
                custom_attributes=custom_attributes or {},
            )
    except IntegrityError:  # the same email saved concurrently
        raise ConversationError("Another contact has this email.", field="email", code="conflict")


def contact_set_enabled(*, contact: Contact, enabled: bool) -> Contact:
    """Block (``enabled=False``) or unblock a contact. A blocked contact cannot open conversations
    or send messages."""
    if contact.enabled != enabled:
        contact.enabled = enabled
        contact.save(update_fields=["enabled", "updated_at"])
    return contact


def contact_note_create(*, contact: Contact, author: Membership, note: str) -> ContactNote:
    note = (note or "").strip()
    if not note:
        raise ConversationError("A note cannot be empty.", field="note")
    if len(note) > NOTE_MAX_LENGTH:
        raise ConversationError(f"A note has at most {NOTE_MAX_LENGTH} characters.", field="note")
    return ContactNote.objects.create(
        organization_id=contact.organization_id, contact=contact, author=author, note=note
    )


def contact_note_delete(*, note: ContactNote, actor: Membership) -> None:
    """Authors delete their own notes; admins delete any."""
    if note.author_id != actor.pk and not actor.has_role(Role.ADMIN):
        raise ConversationError("Only the note's author or an admin can delete it.", code="permission_denied")
    note.delete()
