"""Small serializers shared by several resources."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from helpdesk.models import Membership


class AgentBriefSerializer(serializers.Serializer):
    """An agent (membership) as shown next to a message, an assignment or a note."""

    id = serializers.IntegerField()
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    email = serializers.EmailField(source="user.email")
    avatar_url = serializers.SerializerMethodField()

    def get_avatar_url(self, obj: Membership) -> str | None:
        return obj.user.avatar_url or None


class TeamBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    emoji = serializers.CharField()


class SuccessSerializer(serializers.Serializer):
    status = serializers.CharField(default="success")
    data = serializers.BooleanField(default=True)


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "email"}})
class EmailListField(serializers.ListField):
    """A list of addresses (a comma-separated string is accepted too)."""

    child = serializers.CharField(max_length=254)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [part.strip() for part in data.split(",") if part.strip()]
        return super().to_internal_value(data)


def safe_url(value: str) -> str:
    """Only http(s) and site-relative URLs (no javascript:, data: …) for images we display."""
    value = (value or "").strip()
    if value and not (
        value.startswith(("http://", "https://")) or (value.startswith("/") and not value.startswith("//"))
    ):
        raise serializers.ValidationError("Use an http(s) URL or a path starting with /.")
    return value
