"""Serializers of the answer monitor and the AI assist endpoints."""

from __future__ import annotations

from rest_framework import serializers

from chatbots import selectors as chatbot_selectors
from chatbots.api.serializers import SourceSerializer
from chatbots.models import AIPrompt, ChatMessage
from chatbots.models.chat import AnswerMode
from chatbots.services.assist import PROMPT_CONTENT_MAX, PROMPT_KEY_PATTERN, PROMPT_TITLE_MAX

# --- monitor --------------------------------------------------------------------------------------


class MonitorQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, default=100, min_value=1, max_value=1000)
    offset = serializers.IntegerField(required=False, default=0, min_value=0)
    order = serializers.JSONField(
        required=False,
        help_text='[["createdAt", "DESC"]] (SysAid) or "-created_at"; also rating, confidence…',
    )
    text = serializers.CharField(required=False, allow_blank=True, max_length=500)
    verification_indicator = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    verificationIndicator = serializers.IntegerField(required=False, allow_null=True, min_value=0)  # noqa: N815
    rating = serializers.IntegerField(required=False, allow_null=True, min_value=-1, max_value=1)
    read_indicator = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    chatbot_id = serializers.CharField(required=False, allow_blank=True)
    max_confidence = serializers.FloatField(
        required=False, allow_null=True, help_text="Only answers less confident than this."
    )
    mode = serializers.ChoiceField(choices=AnswerMode.choices, required=False)

    def validate(self, attrs):
        camel = attrs.pop("verificationIndicator", None)
        if attrs.get("verification_indicator") is None and camel is not None:
            attrs["verification_indicator"] = camel
        return attrs


class MonitorRecordSerializer(serializers.ModelSerializer):
    session_id = serializers.UUIDField(source="session.session_id", read_only=True)
    chatbot_id = serializers.IntegerField(source="session.chatbot_id", read_only=True)
    chatbot_name = serializers.CharField(source="session.chatbot.name", read_only=True)
    username = serializers.CharField(source="session.username", read_only=True)
    answer = serializers.CharField(source="content", read_only=True)
    verified_item_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = ChatMessage
        fields = [
            "session_id",
            "index",
            "chatbot_id",
            "chatbot_name",
            "username",
            "question",
            "answer",
            "corrected_question",
            "corrected_answer",
            "confidence",
            "mode",
            "sources",
            "rating",
            "read_indicator",
            "verification_indicator",
            "verified_item_id",
            "created_at",
            "reviewed_at",
        ]
        read_only_fields = fields


class MonitorQueryResponseSerializer(serializers.Serializer):
    status = serializers.CharField()
    total = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    records = MonitorRecordSerializer(many=True)


class MonitorUpdateSerializer(serializers.Serializer):
    read_indicator = serializers.IntegerField(required=False, min_value=0, max_value=100)
    readIndicator = serializers.IntegerField(required=False, min_value=0, max_value=100)  # noqa: N815
    question = serializers.CharField(required=False, allow_blank=True)
    answer = serializers.CharField(required=False, allow_blank=True)
    verification_indicator = serializers.IntegerField(required=False, min_value=0, max_value=100)
    verificationIndicator = serializers.IntegerField(required=False, min_value=0, max_value=100)  # noqa: N815

    def validate(self, attrs):
        for snake, camel in (
            ("read_indicator", "readIndicator"),
            ("verification_indicator", "verificationIndicator"),
        ):
            value = attrs.pop(camel, None)
            if snake not in attrs and value is not None:
                attrs[snake] = value
        return attrs


class MonitorUpdateResponseSerializer(serializers.Serializer):
    status = serializers.CharField()
    record = MonitorRecordSerializer()


# --- AI assist ------------------------------------------------------------------------------------


class AIPromptSerializer(serializers.ModelSerializer):
    """A prompt; as input its shape (``key``, ``title`` and ``content`` required on create)."""

    key = serializers.RegexField(
        PROMPT_KEY_PATTERN,
        required=False,
        max_length=60,
        error_messages={"invalid": "key: lower-case letters, digits, - and _ (at most 60)."},
    )
    title = serializers.CharField(required=False, max_length=PROMPT_TITLE_MAX)
    content = serializers.CharField(required=False, max_length=PROMPT_CONTENT_MAX)

    class Meta:
        model = AIPrompt
        fields = ["id", "key", "title", "content", "is_builtin", "created_at", "updated_at"]
        read_only_fields = ["id", "is_builtin", "created_at", "updated_at"]
        validators: list = []  # the service checks uniqueness (409)

    def to_internal_value(self, data):
        if hasattr(data, "get") and isinstance(data.get("key"), str):
            data = {**data, "key": data["key"].strip().lower()}
        return super().to_internal_value(data)

    def validate(self, attrs):
        missing = [name for name in ("key", "title", "content") if name not in attrs]
        if not self.partial and missing:
            raise serializers.ValidationError({name: ["This field is required."] for name in missing})
        return attrs


class CompletionRequestSerializer(serializers.Serializer):
    prompt_key = serializers.CharField(max_length=60)
    content = serializers.CharField(trim_whitespace=False)


class CompletionResponseSerializer(serializers.Serializer):
    completion = serializers.CharField()


class SummaryResponseSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    summary = serializers.CharField()
    sentiment = serializers.ChoiceField(choices=["positive", "neutral", "negative"])
    sentiment_text_list = serializers.ListField(child=serializers.CharField())
    title = serializers.CharField()


class SuggestReplyResponseSerializer(serializers.Serializer):
    reply = serializers.CharField(allow_blank=True)
    sources = SourceSerializer(many=True)
    mode = serializers.ChoiceField(choices=["llm", "retrieval_only", "no_sources", "no_answer"])
    confidence = serializers.FloatField()


class AnalyzeRequestSerializer(serializers.Serializer):
    conversation_id = serializers.CharField(
        max_length=64, help_text="The conversation's id (as the widget API gives it) or its uuid."
    )

    def validate_conversation_id(self, value):
        value = value.strip()
        if not (value.isdigit() or chatbot_selectors.parse_uuid(value) is not None):
            raise serializers.ValidationError("Give a conversation id (a number) or uuid.")
        return value


class QADraftSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="The question.")
    content = serializers.CharField(help_text="The answer.")
    category = serializers.CharField(allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField())


class AnalyzeResponseSerializer(serializers.Serializer):
    drafts = QADraftSerializer(many=True)
    count = serializers.IntegerField()
    message = serializers.CharField()
    method = serializers.ChoiceField(
        choices=["ollama", "extractive"],
        help_text="extractive: Ollama was unreachable; the drafts are the conversation's own exchanges.",
    )


class SuggestCategoryRequestSerializer(serializers.Serializer):
    text = serializers.CharField()
    type = serializers.CharField(required=False, allow_blank=True, help_text="SysAid's srType, echoed back.")
    srType = serializers.CharField(required=False, allow_blank=True)  # noqa: N815


class CategorySerializer(serializers.Serializer):
    id = serializers.CharField()
    path = serializers.CharField()
    similarity = serializers.FloatField()


class SuggestCategoryResponseSerializer(serializers.Serializer):
    category = CategorySerializer(allow_null=True)
    title = serializers.CharField()
    type = serializers.CharField(allow_null=True)


class FeedbackRequestSerializer(serializers.Serializer):
    conversation = serializers.CharField(help_text="The conversation's uuid.")
    summary = serializers.CharField(required=False, allow_blank=True)
    feedback = serializers.CharField()


class FeedbackResponseSerializer(serializers.Serializer):
    status = serializers.CharField()
    id = serializers.IntegerField()
