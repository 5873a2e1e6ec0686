"""Serializers of the chatbots API: they validate input shape and render output; the services
decide everything else."""

from __future__ import annotations

from rest_framework import serializers

from chatbots.models import Chatbot, ChatMessage, ChatSession, SessionStatus, Training
from chatbots.models.chat import AnswerMode
from chatbots.models.training import TrainingType
from chatbots.services.chatbots import (
    CONFIDENCE_RANGE,
    MAX_CATEGORIES,
    MAX_TOKENS_RANGE,
    TEMPERATURE_RANGE,
    TEXT_LIMITS,
    ChatbotError,
    parse_document_ids,
)
from chatbots.validators import validate_model_name
from helpdesk.api.serializers import IdField
from knowledge.api.serializers import ChunkingSerializer

# --- chatbots -------------------------------------------------------------------------------------


class ChatbotSerializer(serializers.ModelSerializer):
    bot_name = serializers.CharField(source="name", read_only=True, help_text="Nova Chat's name for `name`.")
    product_documents = serializers.SerializerMethodField()
    handoff_team = serializers.IntegerField(source="handoff_team_id", read_only=True, allow_null=True)
    answer_model = serializers.CharField(read_only=True)

    class Meta:
        model = Chatbot
        fields = [
            "id",
            "name",
            "bot_name",
            "model",
            "ollama_endpoint",
            "temperature",
            "max_tokens",
            "system_prompt",
            "greeting_message",
            "product_documents",
            "knowledge_categories",
            "confidence_threshold",
            "handoff_enabled",
            "handoff_team",
            "is_active",
            "derived_model_name",
            "answer_model",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_product_documents(self, obj) -> list[int]:
        return [document.pk for document in obj.product_documents.all()]


class DocumentIdsField(serializers.ListField):
    """Document ids: ``12`` or Novumdesk's ``"doc_12"``."""

    child = serializers.CharField()

    def to_internal_value(self, data):
        try:
            return parse_document_ids(super().to_internal_value(data))
        except ChatbotError as error:
            raise serializers.ValidationError(error.message)


class ChatbotWriteSerializer(serializers.Serializer):
    """The shape of the settings ``chatbot_create``/``chatbot_update`` take. Every field is
    optional on update (``partial``); ``name`` (or ``bot_name``) is required on create."""

    name = serializers.CharField(required=False, max_length=TEXT_LIMITS["name"])
    bot_name = serializers.CharField(
        required=False, max_length=TEXT_LIMITS["name"], help_text="Nova Chat's name for `name`."
    )
    model = serializers.CharField(
        required=False, allow_blank=True, max_length=200, validators=[validate_model_name]
    )
    ollama_endpoint = serializers.CharField(required=False, allow_blank=True, max_length=300)
    temperature = serializers.FloatField(
        required=False, min_value=TEMPERATURE_RANGE[0], max_value=TEMPERATURE_RANGE[1]
    )
    max_tokens = serializers.IntegerField(
        required=False, min_value=MAX_TOKENS_RANGE[0], max_value=MAX_TOKENS_RANGE[1]
    )
    system_prompt = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_LIMITS["system_prompt"]
    )
    greeting_message = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_LIMITS["greeting_message"]
    )
    product_documents = DocumentIdsField(required=False, help_text='Document ids (`12` or `"doc_12"`).')
    knowledge_categories = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=100),
        required=False,
        max_length=MAX_CATEGORIES,
    )
    confidence_threshold = serializers.FloatField(
        required=False, min_value=CONFIDENCE_RANGE[0], max_value=CONFIDENCE_RANGE[1]
    )
    handoff_enabled = serializers.BooleanField(required=False)
    handoff_team = IdField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)

    def validate(self, attrs):
        alias = attrs.pop("bot_name", None)
        if alias is not None and "name" not in attrs:
            attrs["name"] = alias
        if not self.partial and "name" not in attrs:
            raise serializers.ValidationError({"name": ["A chatbot needs a name."]})
        return attrs


# --- chat -----------------------------------------------------------------------------------------


class ChatMessageRequestSerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    text = serializers.CharField(required=False, allow_blank=True, help_text="SysAid's name for `message`.")
    chatbot_id = serializers.CharField(required=False, help_text="Optional when `session_id` is given.")
    session_id = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    chatuid = serializers.CharField(
        required=False, allow_blank=True, help_text="SysAid's name for `session_id`."
    )
    context = serializers.DictField(required=False, help_text='E.g. {"ticket_id": …}, kept on the session.')
    stream = serializers.BooleanField(required=False, default=False)
    defer = serializers.BooleanField(
        required=False,
        default=False,
        help_text='With `stream`: store the question and answer 202 {status: "stream", sid}; the answer '
        "is then streamed by `GET chat/stream/{sid}` (SysAid's flow).",
    )

    def validate_context(self, value):
        if len(value) > 20:
            raise serializers.ValidationError("At most 20 context entries.")
        cleaned = {}
        for key, item in value.items():
            if not isinstance(item, str | int | float | bool) and item is not None:
                raise serializers.ValidationError(f"{key}: context values are strings or numbers.")
            cleaned[str(key)[:50]] = item if not isinstance(item, str) else item[:500]
        return cleaned

    def validate(self, attrs):
        attrs["message"] = attrs.get("message") or attrs.pop("text", "") or ""
        attrs["session_id"] = attrs.get("session_id") or attrs.pop("chatuid", "") or ""
        if not attrs.get("chatbot_id") and not attrs["session_id"]:
            raise serializers.ValidationError(
                {"chatbot_id": ["Give chatbot_id (or the session_id of a chat)."]}
            )
        return attrs


class SourceSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The n of the answer's [n] citations.")
    source_type = serializers.ChoiceField(choices=["document", "kb_item"])
    document_id = serializers.IntegerField(allow_null=True)
    kb_item_id = serializers.IntegerField(allow_null=True)
    chunk_id = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    section = serializers.CharField()
    page = serializers.IntegerField(allow_null=True)
    snippet = serializers.CharField()
    score = serializers.FloatField()
    verified = serializers.BooleanField()
    cited = serializers.BooleanField()


class ChatAnswerSerializer(serializers.Serializer):
    response = serializers.CharField()
    session_id = serializers.UUIDField()
    confidence = serializers.FloatField()
    sources = SourceSerializer(many=True)
    index = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=AnswerMode.choices)
    handoff_offered = serializers.BooleanField()
    replaced = serializers.BooleanField()
    details = serializers.DictField(required=False, help_text="Admins only: how the answer was made.")


class DeferredAnswerSerializer(serializers.Serializer):
    status = serializers.CharField(default="stream")
    sid = serializers.UUIDField()
    session_id = serializers.UUIDField()
    index = serializers.IntegerField(help_text="The position the answer will have.")


class ChatSessionSerializer(serializers.ModelSerializer):
    chatbot_id = serializers.IntegerField(read_only=True)
    chatbot_name = serializers.CharField(source="chatbot.name", read_only=True)
    summary = serializers.CharField(source="title", read_only=True, help_text="SysAid's chat summary.")
    message_count = serializers.IntegerField(source="messages_total", read_only=True, default=0)

    class Meta:
        model = ChatSession
        fields = [
            "session_id",
            "chatbot_id",
            "chatbot_name",
            "username",
            "summary",
            "status",
            "message_count",
            "context",
            "escalated_conversation_uuid",
            "created_at",
            "updated_at",
            "last_message_at",
        ]
        read_only_fields = fields


class ChatMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChatMessage
        fields = [
            "index",
            "role",
            "content",
            "confidence",
            "sources",
            "mode",
            "handoff_offered",
            "interrupted",
            "rating",
            "created_at",
        ]
        read_only_fields = fields


class ChatMessageAdminSerializer(ChatMessageSerializer):
    """Admins also see how each answer was made (SysAid's ``info``)."""

    class Meta(ChatMessageSerializer.Meta):
        fields = [
            *ChatMessageSerializer.Meta.fields,
            "rewritten_query",
            "retrieval",
            "model",
            "latency_ms",
            "read_indicator",
            "verification_indicator",
        ]
        read_only_fields = fields


class ChatSessionDetailSerializer(ChatSessionSerializer):
    greeting = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()

    class Meta(ChatSessionSerializer.Meta):
        fields = [*ChatSessionSerializer.Meta.fields, "greeting", "messages"]
        read_only_fields = fields

    def get_greeting(self, obj) -> str:
        return obj.chatbot.greeting_message or obj.chatbot.organization.welcome_message

    def get_messages(self, obj) -> list[dict]:
        serializer = ChatMessageAdminSerializer if self.context.get("is_admin") else ChatMessageSerializer
        return serializer(self.context["messages"], many=True).data


class SessionRefSerializer(serializers.Serializer):
    session_id = serializers.CharField(required=False, allow_blank=True)
    chatuid = serializers.CharField(
        required=False, allow_blank=True, help_text="SysAid's name for session_id."
    )

    def validate(self, attrs):
        attrs["session_id"] = attrs.get("session_id") or attrs.get("chatuid") or ""
        if not attrs["session_id"]:
            raise serializers.ValidationError({"session_id": ["This field is required."]})
        return attrs


class RateSerializer(SessionRefSerializer):
    index = serializers.IntegerField(min_value=0)
    rate = serializers.IntegerField(min_value=-1, max_value=1)


class RateResponseSerializer(serializers.Serializer):
    status = serializers.CharField()
    session_id = serializers.UUIDField()
    index = serializers.IntegerField()
    rate = serializers.IntegerField()


class ResolveResponseSerializer(serializers.Serializer):
    status = serializers.CharField()
    session_id = serializers.UUIDField()
    session_status = serializers.ChoiceField(choices=SessionStatus.choices)


class EscalationResponseSerializer(serializers.Serializer):
    status = serializers.CharField(default="in-progress")
    operation_id = serializers.UUIDField()
    longOperationId = serializers.UUIDField(help_text="SysAid's name for operation_id.")  # noqa: N815


# --- training -------------------------------------------------------------------------------------


class TrainRequestSerializer(ChunkingSerializer):
    chatbot_id = serializers.CharField()
    document_ids = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    model = serializers.CharField(required=False, allow_blank=True)
    ollama_endpoint = serializers.CharField(required=False, allow_blank=True)
    training_type = serializers.ChoiceField(
        choices=TrainingType.values, required=False, default=TrainingType.RAG
    )


class TrainingSerializer(serializers.ModelSerializer):
    chatbot_id = serializers.IntegerField(read_only=True)
    operation_id = serializers.UUIDField(read_only=True, allow_null=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Training
        fields = [
            "training_id",
            "chatbot_id",
            "training_type",
            "model",
            "document_ids",
            "chunk_size",
            "overlap",
            "status",
            "documents_processed",
            "total_documents",
            "progress",
            "estimated_completion",
            "error",
            "result",
            "operation_id",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_progress(self, obj) -> float:
        if obj.status == "succeeded":
            return 1.0
        return round(obj.documents_processed / obj.total_documents, 4) if obj.total_documents else 0.0
