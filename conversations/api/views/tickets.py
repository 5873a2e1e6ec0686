"""Novumdesk's ``tickets``: the organization's conversations seen as tickets.

``{id}`` is a ticket's reference number (``id`` in the ticket) or its conversation's UUID."""

from django.db import transaction
from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status as http
from rest_framework.response import Response

from conversations.api.serializers import conversation_rows as row_serializers
from conversations.api.serializers.tickets import (
    TicketCreateSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
)
from conversations.api.views.base import get_member, get_team, parse_uuid
from conversations.errors import NotFound
from conversations.models import Message, MessageType
from conversations.selectors import conversation_rows
from conversations.selectors import conversations as selectors
from conversations.services import assignment, conversations, lifecycle
from helpdesk.api.pagination import request_count_key
from helpdesk.api.viewsets import OrganizationScopedViewSet

TICKET_ID = OpenApiParameter(
    "id", str, OpenApiParameter.PATH, description="The ticket's reference number or conversation UUID"
)


def with_description(queryset):
    """Annotate ``description``: the first message's text. Used on one ticket or one page of ids
    (so the subquery runs for those rows only)."""
    first_message = (
        Message.objects.filter(conversation=OuterRef("pk"))
        .exclude(type=MessageType.ACTIVITY)
        .order_by("created_at", "id")
        .values("text_content")[:1]
    )
    return queryset.annotate(description=Subquery(first_message))


@extend_schema(tags=["Tickets (Novumdesk)"])
class TicketViewSet(OrganizationScopedViewSet):
    serializer_class = TicketSerializer
    lookup_value_regex = r"[0-9a-fA-F-]{1,36}"
    filter_backends: list = []

    def get_object(self):
        value = str(self.kwargs.get("pk", ""))
        queryset = with_description(selectors.conversation_base(organization=self.organization))
        ticket = None
        if value.isdigit():
            ticket = queryset.filter(reference_number=int(value)).first()
        elif parse_uuid(value):
            ticket = queryset.filter(uuid=parse_uuid(value)).first()
        if ticket is None:
            raise NotFound("Ticket not found.")
        return ticket

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="open, snoozed, resolved, closed or a custom status"),
            OpenApiParameter("priority", str),
        ],
        responses=TicketSerializer(many=True),
    )
    def list(self, request):
        # Row values (the page with its descriptions, then its tags: two queries) answered as
        # TicketSerializer shows them; the count is reused a few seconds on large lists.
        rows = self.paginator.paginate_queryset(
            conversation_rows.ticket_rows(
                organization=self.organization,
                membership=self.membership,
                status=request.query_params.get("status"),
                priority=request.query_params.get("priority"),
            ),
            request,
            view=self,
            count_key=request_count_key(
                request, organization_id=self.organization.pk, membership_id=self.membership.pk
            ),
        )
        tags = conversation_rows.tag_names(row["id"] for row in rows)
        return self.get_paginated_response(row_serializers.ticket_items(rows, tags))

    @extend_schema(parameters=[TICKET_ID], responses=TicketSerializer)
    def retrieve(self, request, pk=None):
        return Response(TicketSerializer(self.get_object()).data)

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer})
    def create(self, request):
        data = TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        first, _, last = values["customer_name"].strip().partition(" ")
        conversation = conversations.conversation_create(
            organization=self.organization,
            contact_email=values["customer_email"],
            content=values["description"],
            subject=values["subject"],
            first_name=first,
            last_name=last,
            initiator="contact",
            actor=self.membership,
            priority=values.get("priority") or None,
            tags=values["tags"],
        )
        self.kwargs["pk"] = str(conversation.reference_number)
        return Response(TicketSerializer(self.get_object()).data, status=http.HTTP_201_CREATED)

    @extend_schema(parameters=[TICKET_ID], request=TicketUpdateSerializer, responses=TicketSerializer)
    def update(self, request, pk=None):
        ticket = self.get_object()
        data = TicketUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        actor = self.membership
        with transaction.atomic():
            if "subject" in values:
                conversations.conversation_update(conversation=ticket, actor=actor, subject=values["subject"])
            if "priority" in values:
                conversations.conversation_set_priority(
                    conversation=ticket, priority=values["priority"], actor=actor
                )
            if "tags" in values:
                conversations.conversation_set_tags(conversation=ticket, tags=values["tags"], actor=actor)
            if "team_id" in values:
                team = (
                    get_team(self.organization, values["team_id"], field="team_id")
                    if values["team_id"]
                    else None
                )
                assignment.conversation_assign_team(conversation=ticket, team=team, actor=actor)
            if "assignee_id" in values:
                agent = (
                    get_member(self.organization, values["assignee_id"], field="assignee_id")
                    if values["assignee_id"]
                    else None
                )
                assignment.conversation_assign_agent(conversation=ticket, agent=agent, actor=actor)
            if "status" in values:
                lifecycle.conversation_set_status(
                    conversation=ticket,
                    status=values["status"],
                    snoozed_until=values.get("snoozed_until"),
                    actor=actor,
                )
        return Response(TicketSerializer(self.get_object()).data)

    partial_update = update
