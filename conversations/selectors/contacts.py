"""Contacts and their notes."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from conversations.models import Contact, ContactNote
from conversations.selectors.search import clean_query
from helpdesk.models import Organization


def contact_list(*, organization: Organization) -> QuerySet[Contact]:
    return Contact.objects.filter(organization=organization).order_by("-created_at", "-id")


def contact_search(*, organization: Organization, query: str) -> QuerySet[Contact]:
    """Every word of the query matches the first name, last name, email or phone number."""
    query = clean_query(query)
    queryset = contact_list(organization=organization)
    for word in query.split()[:5]:
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(phone_number__icontains=word)
        )
    return queryset


def contact_notes(*, contact: Contact) -> QuerySet[ContactNote]:
    return (
        ContactNote.objects.filter(contact=contact)
        .select_related("author__user")
        .order_by("-created_at", "-id")
    )
