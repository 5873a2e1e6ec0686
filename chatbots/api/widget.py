"""The widget's bot side (public, by website token and visitor token, like the rest of
``widget/*`` in conversations): ``POST widget/handoff`` (talk to a person) and
``POST widget/messages/{id}/rating`` (thumbs up/down on a bot answer). They live here because
they act on the bot's records; the widget finds them through ``widget/config``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from chatbots.models import ChatMessage
from chatbots.services.handoff import conversation_request_human
from chatbots.services.sessions import chat_rate
from conversations.api.serializers.domains import WidgetConversationRefSerializer
from conversations.api.views.widget import TOKEN_PARAMETER, VISITOR_HEADER, WidgetView
from conversations.models import Message, SenderType
from conversations.selectors.domains import visitor_conversation

RATINGS = {"up": 1, "down": -1, "none": 0}
RATING_NAMES = {value: name for name, value in RATINGS.items() if value}


class WidgetHandoffResultSerializer(serializers.Serializer):
    conversation_id = serializers.IntegerField()
    handed_off = serializers.BooleanField()
    already = serializers.BooleanField(help_text="A person had been asked for already")


class WidgetRatingSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=list(RATINGS))


class WidgetRatingResultSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    rating = serializers.CharField(allow_null=True)


class WidgetHandoffView(WidgetView):
    @extend_schema(
        parameters=[TOKEN_PARAMETER, VISITOR_HEADER],
        request=WidgetConversationRefSerializer,
        responses=WidgetHandoffResultSerializer,
        tags=["Widget"],
        auth=[],
        summary="The visitor asks for a person (the bot falls silent)",
    )
    def post(self, request):
        visitor = self.visitor()
        data = WidgetConversationRefSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation = self.conversation_of(visitor, data.validated_data["conversation_id"])
        handoff = conversation_request_human(conversation=conversation, reason="requested")
        return Response({"conversation_id": conversation.pk, "handed_off": True, "already": handoff.already})


class WidgetRatingView(WidgetView):
    @extend_schema(
        parameters=[TOKEN_PARAMETER, VISITOR_HEADER],
        request=WidgetRatingSerializer,
        responses={200: WidgetRatingResultSerializer},
        tags=["Widget"],
        auth=[],
        summary="Thumbs up or down on a bot answer of the visitor's conversation",
    )
    def post(self, request, message_uuid):
        visitor = self.visitor()
        data = WidgetRatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = (
            Message.objects.filter(uuid=message_uuid, sender_type=SenderType.BOT, private=False)
            .select_related("conversation")
            .first()
        )
        record = None
        if message is not None and visitor_conversation(
            visitor=visitor, conversation_id=message.conversation_id
        ):
            record = ChatMessage.objects.select_related("session").filter(message=message).first()
        if record is None:
            raise exceptions.NotFound("Answer not found.")
        chat_rate(session=record.session, index=record.index, rate=RATINGS[data.validated_data["rating"]])
        rating = RATING_NAMES.get(RATINGS[data.validated_data["rating"]])
        return Response({"id": message.uuid, "rating": rating}, status=status.HTTP_200_OK)


def answer_details(messages: list[Message]) -> dict[int, dict]:
    """What the widget shows under a bot answer: its numbered sources and the visitor's rating."""
    bot_ids = [message.pk for message in messages if message.sender_type == SenderType.BOT]
    if not bot_ids:
        return {}
    records = ChatMessage.objects.filter(message_id__in=bot_ids).only("message_id", "sources", "rating")
    return {
        record.message_id: {
            "sources": [_source(source) for source in record.sources or [] if isinstance(source, dict)],
            "rating": RATING_NAMES.get(record.rating),
        }
        for record in records
    }


def _source(source: dict) -> dict:
    keep = ("index", "title", "document_id", "kb_item_id", "url", "source_url", "page", "snippet")
    return {key: source[key] for key in keep if key in source}
