"""A conversation's thread: list and send messages/notes, get one, retry a failed one."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status as http
from rest_framework.response import Response

from conversations.api.serializers.messages import MessageCreateSerializer, MessageSerializer
from conversations.api.views.base import UUID_PATH, ScopedViewSet, parse_uuid
from conversations.errors import ConversationError, NotFound
from conversations.selectors import messages as selectors
from conversations.services import messages as services

MESSAGE_UUID = OpenApiParameter(
    "message_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Message UUID"
)


@extend_schema(tags=["Conversations"], parameters=[UUID_PATH])
class MessageViewSet(ScopedViewSet):
    serializer_class = MessageSerializer
    filter_backends: list = []

    def _message(self, conversation, message_uuid):
        value = parse_uuid(message_uuid)
        message = selectors.message_get(conversation=conversation, uuid=value) if value else None
        if message is None:
            raise NotFound("Message not found.")
        return message

    def _context(self, conversation) -> dict:
        return {**self.get_serializer_context(), "conversation": conversation}

    @extend_schema(
        parameters=[
            OpenApiParameter("private", bool, description="true: only notes; false: only public messages"),
            OpenApiParameter("type", str, many=True, description="incoming, outgoing, activity (repeatable)"),
            OpenApiParameter("order_by", str, description="created_at (default) or -created_at"),
        ],
        responses=MessageSerializer(many=True),
        description="The thread: messages, private notes and activity entries (type=activity), oldest first.",
    )
    def list(self, request, uuid=None):
        conversation = self.get_conversation(uuid)
        private = request.query_params.get("private")
        if private not in (None, "", "true", "false", "1", "0"):
            raise ConversationError("private must be true or false.", field="private")
        types = [value for raw in request.query_params.getlist("type") for value in raw.split(",") if value]
        queryset = selectors.message_list(
            conversation=conversation,
            private=None if private in (None, "") else private in ("true", "1"),
            types=types or None,
            order_by=request.query_params.get("order_by") or "created_at",
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            MessageSerializer(page, many=True, context=self._context(conversation)).data
        )

    @extend_schema(request=MessageCreateSerializer, responses={201: MessageSerializer})
    def create(self, request, uuid=None):
        conversation = self.get_conversation(uuid)
        data = MessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        message = services.message_create(
            conversation=conversation,
            content=values["message"],
            actor=self.membership,
            sender_type=values["sender_type"],
            private=values["private"],
            attachment_ids=values["attachments"],
            to=values["to"],
            cc=values["cc"],
            bcc=values["bcc"],
        )
        message = self._message(conversation, message.uuid)
        return Response(
            MessageSerializer(message, context=self._context(conversation)).data, status=http.HTTP_201_CREATED
        )

    @extend_schema(parameters=[MESSAGE_UUID], responses=MessageSerializer)
    def retrieve(self, request, uuid=None, message_uuid=None):
        conversation = self.get_conversation(uuid)
        message = self._message(conversation, message_uuid)
        return Response(MessageSerializer(message, context=self._context(conversation)).data)

    @extend_schema(
        parameters=[MESSAGE_UUID],
        request=None,
        responses=MessageSerializer,
        description="Queue a failed reply for sending again.",
    )
    def retry(self, request, uuid=None, message_uuid=None):
        conversation = self.get_conversation(uuid)
        message = services.message_retry(message=self._message(conversation, message_uuid))
        return Response(MessageSerializer(message, context=self._context(conversation)).data)
