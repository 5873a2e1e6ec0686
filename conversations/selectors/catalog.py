"""Settings-like lists: inboxes, statuses, tags, saved views, canned responses, macros, SLA
policies, business hours, uploaded media."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from conversations.models import (
    Attachment,
    BusinessHours,
    CannedResponse,
    Inbox,
    Macro,
    SavedView,
    SLAPolicy,
    Status,
    Tag,
    ViewVisibility,
)
from helpdesk.models import Membership, Organization


def inbox_list(*, organization: Organization) -> QuerySet[Inbox]:
    return Inbox.objects.filter(organization=organization).order_by("id")


def status_list(*, organization: Organization) -> QuerySet[Status]:
    return Status.objects.filter(organization=organization).order_by("id")


def tag_list(*, organization: Organization) -> QuerySet[Tag]:
    return Tag.objects.filter(organization=organization).order_by("name")


def saved_view_list(*, organization: Organization, membership: Membership) -> QuerySet[SavedView]:
    """Shared views and the member's own."""
    return SavedView.objects.filter(organization=organization).filter(
        Q(visibility=ViewVisibility.ALL) | Q(owner=membership)
    )


def canned_list(*, organization: Organization) -> QuerySet[CannedResponse]:
    return CannedResponse.objects.filter(organization=organization).order_by("title", "id")


def macro_list(*, organization: Organization) -> QuerySet[Macro]:
    return Macro.objects.filter(organization=organization).order_by("name", "id")


def sla_policy_list(*, organization: Organization) -> QuerySet[SLAPolicy]:
    return SLAPolicy.objects.filter(organization=organization).select_related("business_hours")


def business_hours_list(*, organization: Organization) -> QuerySet[BusinessHours]:
    return BusinessHours.objects.filter(organization=organization).order_by("name", "id")


def attachment_list(*, organization: Organization) -> QuerySet[Attachment]:
    return Attachment.objects.filter(organization=organization).select_related("message__conversation")
