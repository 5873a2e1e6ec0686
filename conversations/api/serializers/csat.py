"""CSAT: the contact's answer and the surveys agents read."""

from rest_framework import serializers

from conversations.models import CsatSurvey
from conversations.models.csat import COMMENT_MAX_LENGTH, RATING_MAX, RATING_MIN
from conversations.services.csat import QUESTION


class CsatAnswerSerializer(serializers.Serializer):
    rating = serializers.IntegerField(
        min_value=RATING_MIN, max_value=RATING_MAX, help_text="1 (bad) to 5 (great)"
    )
    comment = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH, required=False, allow_blank=True, default="", trim_whitespace=True
    )
    token = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="The signed link token (from the email's link), when no X-Visitor-Token is sent",
    )


class CsatSurveySerializer(serializers.ModelSerializer):
    conversation_uuid = serializers.UUIDField(source="conversation.uuid", read_only=True)
    question = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField(help_text="pending or answered")

    class Meta:
        model = CsatSurvey
        fields = [
            "id",
            "conversation_uuid",
            "resolution_seq",
            "channel",
            "question",
            "status",
            "rating",
            "comment",
            "asked_at",
            "answered_at",
        ]
        read_only_fields = fields

    def get_question(self, survey) -> str:
        return QUESTION

    def get_status(self, survey) -> str:
        return "answered" if survey.answered_at else "pending"


class WidgetCsatSerializer(serializers.Serializer):
    """The pending question as the widget shows it."""

    id = serializers.IntegerField(source="pk")
    question = serializers.SerializerMethodField()
    resolution_seq = serializers.IntegerField()
    asked_at = serializers.DateTimeField()

    def get_question(self, survey) -> str:
        return QUESTION
