"""Libredesk's conversation endpoints: create, lists, detail, participants, last seen,
assignment, status (with snooze), priority, tags, merge."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.response import Response

from conversations.api.serializers.conversations import (
    AssigneeSerializer,
    ConversationCreateSerializer,
    ConversationDetailSerializer,
    ConversationListSerializer,
    MergeSerializer,
    ParticipantSerializer,
    PriorityUpdateSerializer,
    StatusUpdateSerializer,
    TagsUpdateSerializer,
)
from conversations.api.views.base import (
    LIST_PARAMETERS,
    UUID_PATTERN,
    ConversationPagingMixin,
    ScopedViewSet,
    conversation_detail,
    filters_from_query,
    get_member,
    get_team,
    parse_uuid,
)
from conversations.errors import NotFound
from conversations.models import Inbox
from conversations.selectors import conversation_rows
from conversations.selectors import conversations as selectors
from conversations.services import assignment, conversations, lifecycle, merge


@extend_schema(tags=["Conversations"])
class ConversationViewSet(ConversationPagingMixin, ScopedViewSet):
    serializer_class = ConversationListSerializer
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN
    filter_backends: list = []

    def detail_response(self, conversation, status=http.HTTP_200_OK) -> Response:
        """The conversation as ``ConversationDetailSerializer`` shows it (read again, so after a
        change it shows the change), built from row values in three queries."""
        body = conversation_detail(
            organization=self.organization, uuid=conversation.uuid, membership=self.membership
        )
        if body is None:
            raise NotFound("Conversation not found.")
        return Response(body, status=status)

    def _list(self, request, scope: str):
        rows = conversation_rows.list_rows(
            organization=self.organization,
            membership=self.membership,
            scope=scope,
            filters=filters_from_query(request.query_params),
            order_by=request.query_params.get("order_by"),
        )
        return self.conversation_page(rows)

    @extend_schema(request=ConversationCreateSerializer, responses={201: ConversationDetailSerializer})
    def create(self, request):
        data = ConversationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        inbox = None
        if values.get("inbox_id"):
            inbox = Inbox.objects.filter(organization=self.organization, pk=values["inbox_id"]).first()
            if inbox is None:
                raise NotFound("Inbox not found.", field="inbox_id")
        team = (
            get_team(self.organization, values["team_id"], field="team_id") if values.get("team_id") else None
        )
        agent = (
            get_member(self.organization, values["agent_id"], field="agent_id")
            if values.get("agent_id")
            else None
        )
        conversation = conversations.conversation_create(
            organization=self.organization,
            contact_email=values["contact_email"],
            content=values["content"],
            subject=values["subject"],
            first_name=values["first_name"],
            last_name=values["last_name"],
            initiator=values["initiator"],
            inbox=inbox,
            actor=self.membership,
            team=team,
            agent=agent,
            attachment_ids=values["attachments"],
            priority=values.get("priority"),
            tags=values["tags"],
            custom_attributes=values.get("custom_attributes"),
        )
        return self.detail_response(conversation, status=http.HTTP_201_CREATED)

    @extend_schema(
        parameters=LIST_PARAMETERS,
        responses=ConversationListSerializer(many=True),
        summary="All conversations (same as conversations/all)",
    )
    def list(self, request):
        return self._list(request, "all")

    @extend_schema(parameters=LIST_PARAMETERS, responses=ConversationListSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="all")
    def all_conversations(self, request):
        return self._list(request, "all")

    @extend_schema(
        parameters=LIST_PARAMETERS,
        responses=ConversationListSerializer(many=True),
        description="Assigned to the caller.",
    )
    @action(detail=False, methods=["get"])
    def assigned(self, request):
        return self._list(request, "assigned")

    @extend_schema(
        parameters=LIST_PARAMETERS,
        responses=ConversationListSerializer(many=True),
        description="Assigned to no agent and no team.",
    )
    @action(detail=False, methods=["get"])
    def unassigned(self, request):
        return self._list(request, "unassigned")

    @extend_schema(responses=ConversationDetailSerializer)
    def retrieve(self, request, uuid=None):
        value = parse_uuid(uuid)
        body = (
            conversation_detail(organization=self.organization, uuid=value, membership=self.membership)
            if value
            else None
        )
        if body is None:
            raise NotFound("Conversation not found.")
        return Response(body)

    @extend_schema(responses=ParticipantSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def participants(self, request, uuid=None):
        conversation = self.get_conversation(uuid)
        members = selectors.participant_list(conversation=conversation)
        return Response(ParticipantSerializer(members, many=True).data)

    @extend_schema(
        request=None,
        responses=ConversationDetailSerializer,
        description="Marks the conversation read by the caller.",
    )
    @action(detail=True, methods=["put"], url_path="last-seen")
    def last_seen(self, request, uuid=None):
        conversation = self.get_conversation(uuid)
        conversations.conversation_mark_seen(conversation=conversation, membership=self.membership)
        return self.detail_response(conversation)

    @extend_schema(request=AssigneeSerializer, responses=ConversationDetailSerializer)
    @action(detail=True, methods=["put"], url_path="assignee/user")
    def assign_user(self, request, uuid=None):
        conversation = self.get_conversation(uuid)
        data = AssigneeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agent = get_member(self.organization, data.validated_data["assignee_id"], field="assignee_id")
        assignment.conversation_assign_agent(conversation=conversation, agent=agent, actor=self.membership)
        return self.detail_response(conversation)

    @extend_schema(request=AssigneeSerializer, responses=ConversationDetailSerializer)
    @action(detail=True, methods=["put"], url_path="assignee/team")
    def assign_team(self, request, uuid=None):
        conversation = self.get_conversation(uuid)
        data = AssigneeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        team = get_team(self.organization, data.validated_data["assignee_id"], field="assignee_id")
        assignment.conversation_assign_team(conversation=conversation, team=team, actor=self.membership)
        return self.detail_response(conversation)

    @extend_schema(request=None, responses=ConversationDetailSerializer)
    @action(detail=True, methods=["put"], url_path="assignee/user/remove")
    def unassign_user(self, request, uuid=None):
        conversation = self.get_conversation(uuid)
        assignment.conversation_assign_agent(conversation=conversation, agent=None, actor=self.membership)
        return self.detail_response(conversation)

    @extend_schema(request=None, responses=ConversationDetailSerializer)
    @action(detail=True, methods=["put"], url_path="assignee/team/remove")
    def unassign_team(self, request, uuid=None):
        conversation = self.get_conversation(uuid)
        assignment.conversation_assign_team(conversation=conversation, team=None, actor=self.membership)
        return self.detail_response(conversation)

    @extend_schema(request=StatusUpdateSerializer, responses=ConversationDetailSerializer)
    @action(detail=True, methods=["put"], url_path="status")
    def set_status(self, request, uuid=None):
        conversation = self.get_conversation(uuid)
        data = StatusUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lifecycle.conversation_set_status(
            conversation=conversation,
            status=data.validated_data["status"],
            snoozed_until=data.validated_data.get("snoozed_until"),
            actor=self.membership,
        )
        return self.detail_response(conversation)

    @extend_schema(request=PriorityUpdateSerializer, responses=ConversationDetailSerializer)
    @action(detail=True, methods=["put"], url_path="priority")
    def set_priority(self, request, uuid=None):
        conversation = self.get_conversation(uuid)
        data = PriorityUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversations.conversation_set_priority(
            conversation=conversation, priority=data.validated_data["priority"], actor=self.membership
        )
        return self.detail_response(conversation)

    @extend_schema(request=TagsUpdateSerializer, responses=ConversationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="tags")
    def set_tags(self, request, uuid=None):
        conversation = self.get_conversation(uuid)
        data = TagsUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversations.conversation_set_tags(
            conversation=conversation, tags=data.validated_data["tags"], actor=self.membership
        )
        return self.detail_response(conversation)

    @extend_schema(
        request=MergeSerializer,
        responses={200: ConversationDetailSerializer, 400: OpenApiResponse(description="Different contacts")},
        description=(
            "Merges the conversation in the path INTO `into_uuid`: its messages move there, and it is "
            "closed with `merged_into_uuid` pointing at the target. Both must belong to the same "
            "contact. Returns the target conversation."
        ),
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, uuid=None):
        source = self.get_conversation(uuid)
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = selectors.conversation_get(
            organization=self.organization, uuid=parse_uuid(data.validated_data["into_uuid"])
        )
        if target is None:
            raise NotFound("Conversation not found.", field="into_uuid")
        merge.conversation_merge(source=source, target=target, actor=self.membership)
        return self.detail_response(target)


@extend_schema(tags=["Conversations"])
class TeamUnassignedView(ConversationPagingMixin, ScopedViewSet):
    """A team's conversations that no agent has yet."""

    serializer_class = ConversationListSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[OpenApiParameter("team_id", OpenApiTypes.INT, OpenApiParameter.PATH), *LIST_PARAMETERS],
        responses=ConversationListSerializer(many=True),
    )
    def list(self, request, team_id=None):
        team = get_team(self.organization, team_id, field="team_id")
        rows = conversation_rows.list_rows(
            organization=self.organization,
            membership=self.membership,
            team_id=team.pk,
            filters=filters_from_query(request.query_params),
            order_by=request.query_params.get("order_by"),
        )
        return self.conversation_page(rows)
