"""Lookups and paging shared by the conversations API views."""

from __future__ import annotations

import uuid as uuid_module

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from conversations.api.serializers import conversation_rows as row_serializers
from conversations.errors import NotFound
from conversations.models import Conversation
from conversations.selectors import conversation_rows
from conversations.selectors import conversations as conversation_selectors
from helpdesk.api.pagination import request_count_key
from helpdesk.api.viewsets import OrganizationScopedViewSet
from helpdesk.models import Membership, Team

UUID_PATTERN = r"[0-9a-fA-F-]{32,36}"

LIST_PARAMETERS = [
    OpenApiParameter("status", str, description="Status names or ids, comma-separated"),
    OpenApiParameter("priority", str, description="Low, Medium, High, Urgent (comma-separated)"),
    OpenApiParameter("team", str, description="Team ids (alias team_id)"),
    OpenApiParameter("assignee", str, description='"me", "none" or agent ids'),
    OpenApiParameter("tags", str, description="Tag names; any of them matches"),
    OpenApiParameter("inbox", str, description="Inbox ids (alias inbox_id)"),
    OpenApiParameter("contact", str, description="Contact ids (alias contact_id)"),
    OpenApiParameter(
        "search", str, description="Subject, reference number, contact name or email, message text"
    ),
    OpenApiParameter(
        "order_by",
        str,
        description="last_message_at, created_at, updated_at, priority, waiting_since, reference_number, "
        "next_sla_deadline_at, resolved_at; prefix - for descending (default -last_message_at)",
    ),
]


def parse_uuid(value) -> uuid_module.UUID | None:
    try:
        return uuid_module.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def filters_from_query(params) -> dict:
    """List query parameters → the filters dict of ``apply_filters``."""

    def pick(*names):
        for name in names:
            if params.get(name) not in (None, ""):
                return params.get(name)
        return None

    assignee = pick("assignee", "assignee_id", "assigned_user_id")
    return {
        "status": pick("status"),
        "priority": pick("priority"),
        "team_id": pick("team", "team_id"),
        "assignee": assignee,
        "tags": pick("tags", "tag"),
        "inbox_id": pick("inbox", "inbox_id"),
        "contact_id": pick("contact", "contact_id"),
        "text": pick("search", "q"),
    }


def get_member(organization, pk, *, field: str) -> Membership:
    member = (
        Membership.objects.select_related("user").filter(organization=organization, pk=pk).first()
        if pk
        else None
    )
    if member is None:
        raise NotFound("Agent not found.", field=field)
    return member


def get_team(organization, pk, *, field: str) -> Team:
    team = Team.objects.filter(organization=organization, pk=pk).first() if pk else None
    if team is None:
        raise NotFound("Team not found.", field=field)
    return team


def conversation_detail(*, organization, uuid, membership) -> dict | None:
    """The body of a conversation's detail, or None when the organization has no such one."""
    row = conversation_rows.detail_row(organization=organization, uuid=uuid, membership=membership)
    if row is None:
        return None
    tags = conversation_rows.tag_names([row["id"]]).get(row["id"], [])
    previous = conversation_rows.previous_rows(row=row, limit=conversation_selectors.PREVIOUS_CONVERSATIONS)
    return row_serializers.detail_item(row, tags, previous)


class ConversationPagingMixin:
    """Paginates a conversation queryset and answers the page as ``ConversationListSerializer``
    shows it, built from row values: the page and its tags in two queries, the count reused
    a few seconds on large lists (issue 14)."""

    def list_count_key(self) -> str:
        return request_count_key(
            self.request, organization_id=self.organization.pk, membership_id=self.membership.pk
        )

    def conversation_page(self, rows) -> Response:
        """``rows``: ``conversation_rows.list_rows(...)`` or ``queryset_rows(...)``."""
        page = self.paginator.paginate_queryset(
            rows, self.request, view=self, count_key=self.list_count_key()
        )
        tags = conversation_rows.tag_names(row["id"] for row in page)
        return self.get_paginated_response(row_serializers.list_items(page, tags))


class ConversationLookupMixin:
    def get_conversation(self, uuid) -> Conversation:
        value = parse_uuid(uuid)
        conversation = (
            conversation_selectors.conversation_get(organization=self.organization, uuid=value)
            if value
            else None
        )
        if conversation is None:
            raise NotFound("Conversation not found.")
        return conversation


class ScopedViewSet(ConversationLookupMixin, OrganizationScopedViewSet):
    pass


UUID_PATH = OpenApiParameter(
    "uuid", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Conversation UUID"
)
