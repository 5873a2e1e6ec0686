"""Contacts and their notes."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from conversations.models import Contact, ContactNote
from conversations.selectors.search import clean_query
from helpdesk.models import Organization


def contact_list(*, organization: Organization) -> QuerySet[Contact]:
    return Contact.objects.filter(organization=organization).order_by("-created_at", "-id")


def contact_search(*, organization: Organization, query: str) -> QuerySet[Contact]:
    """Every word of the query matches the first name, last name, email, phone number or company."""
    query = clean_query(query)
    queryset = contact_list(organization=organization)
    for word in query.split()[:5]:
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(phone_number__icontains=word)
            | Q(company__icontains=word)
        )
    return queryset


def contact_duplicates(*, contact: Contact) -> QuerySet[Contact]:
    """Contacts that may be the same person: the same name, phone number or email name."""
    matches = Q(pk__in=[])
    if contact.first_name or contact.last_name:
        matches |= Q(first_name__iexact=contact.first_name, last_name__iexact=contact.last_name)
    if contact.phone_number:
        matches |= Q(phone_number=contact.phone_number)
    local_part = contact.email.split("@", 1)[0]
    if local_part:
        matches |= Q(email__istartswith=f"{local_part}@")
    return contact_list(organization=contact.organization).filter(matches).exclude(pk=contact.pk)


def contact_export(*, queryset: QuerySet[Contact]) -> tuple[list[str], QuerySet[Contact]]:
    """The custom attribute keys used by the contacts (sorted; the CSV's extra columns) and the
    contacts to stream, in a stable order."""
    keys: set[str] = set()
    for attributes in (
        queryset.order_by().values_list("custom_attributes", flat=True).iterator(chunk_size=2000)
    ):
        if isinstance(attributes, dict):
            keys.update(str(key) for key in attributes)
    return sorted(keys)[:100], queryset.order_by("pk")


def contact_notes(*, contact: Contact) -> QuerySet[ContactNote]:
    return (
        ContactNote.objects.filter(contact=contact)
        .select_related("author__user")
        .order_by("-created_at", "-id")
    )
