"""Per-organization defaults: the four built-in statuses and one ``api`` inbox.

Created by the organization initializer for new organizations, and lazily (``ensure``) for
organizations that existed before this app."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from conversations.models import Channel, Inbox, Status
from conversations.models.conversations import BUILTIN_STATUSES
from helpdesk.models import Organization

DEFAULT_INBOX_NAME = "API"


def organization_defaults_create(organization: Organization) -> None:
    """Organization initializer (``register_organization_initializer``)."""
    ensure(organization)


def ensure(organization: Organization) -> None:
    """Create the built-in statuses and the default inbox when missing (idempotent)."""
    existing = set(
        Status.objects.filter(organization=organization, is_builtin=True).values_list("category", flat=True)
    )
    for name, category in BUILTIN_STATUSES.items():
        if category not in existing:
            _create_builtin_status(organization, name, category)
    if not Inbox.objects.filter(organization=organization).exists():
        Inbox.objects.create(organization=organization, name=DEFAULT_INBOX_NAME, channel=Channel.API)


def _create_builtin_status(organization: Organization, name: str, category: str) -> None:
    try:
        with transaction.atomic():
            Status.objects.create(organization=organization, name=name, category=category, is_builtin=True)
    except IntegrityError:
        # A custom status took the name: promote it to the built-in of that category.
        Status.objects.filter(organization=organization, name__iexact=name).update(
            category=category, is_builtin=True
        )


def builtin_status(organization: Organization, category: str) -> Status:
    status = Status.objects.filter(organization=organization, is_builtin=True, category=category).first()
    if status is None:
        ensure(organization)
        status = Status.objects.get(organization=organization, is_builtin=True, category=category)
    return status


def default_inbox(organization: Organization) -> Inbox:
    """The organization's first enabled ``api`` inbox (created when there is none)."""
    inbox = (
        Inbox.objects.filter(organization=organization, channel=Channel.API, enabled=True)
        .order_by("id")
        .first()
    )
    if inbox is None:
        inbox = Inbox.objects.create(organization=organization, name=DEFAULT_INBOX_NAME, channel=Channel.API)
    return inbox
