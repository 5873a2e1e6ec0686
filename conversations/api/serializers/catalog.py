from rest_framework import serializers

from conversations.models import CannedResponse, Inbox, Macro, SavedView, Status, Tag
from conversations.validators import clean_view_filters


class InboxSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inbox
        fields = ["id", "name", "channel", "email", "enabled", "csat_enabled", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "channel": {"required": False},
            "csat_enabled": {
                "required": False,
                "help_text": "Ask for CSAT on resolve (default: web and email on)",
            },
        }


class StatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = Status
        fields = ["id", "name", "category", "is_builtin", "created_at"]
        read_only_fields = ["id", "is_builtin", "created_at"]
        extra_kwargs = {"category": {"required": False}, "name": {"validators": []}}


class PrioritySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"name": {"validators": []}}


class SavedViewSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="owner_id", read_only=True, allow_null=True)

    class Meta:
        model = SavedView
        fields = ["id", "name", "filters", "visibility", "user_id", "created_at", "updated_at"]
        read_only_fields = ["id", "user_id", "created_at", "updated_at"]
        extra_kwargs = {"visibility": {"required": False}, "filters": {"required": False}}

    def validate_filters(self, value):
        return clean_view_filters(value)


class CannedResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = CannedResponse
        fields = ["id", "title", "content", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"title": {"validators": []}}


class CannedRenderRequestSerializer(serializers.Serializer):
    conversation_uuid = serializers.UUIDField()


class CannedRenderSerializer(serializers.Serializer):
    content = serializers.CharField()


class MacroActionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[
            "reply", "note", "set_status", "set_priority", "add_tags", "remove_tags",
            "assign_agent", "assign_team", "unassign_agent", "unassign_team",
        ]
    )  # fmt: skip
    value = serializers.JSONField(required=False, allow_null=True)
    snoozed_until = serializers.CharField(required=False, help_text="With set_status Snoozed")


class MacroSerializer(serializers.ModelSerializer):
    actions = MacroActionSerializer(many=True)

    class Meta:
        model = Macro
        fields = ["id", "name", "description", "actions", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"name": {"validators": []}}


class MacroApplySerializer(serializers.Serializer):
    conversation_uuid = serializers.UUIDField()


class MacroAppliedSerializer(serializers.Serializer):
    applied = serializers.ListField(child=serializers.CharField())
    conversation_uuid = serializers.UUIDField()
