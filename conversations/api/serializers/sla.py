from rest_framework import serializers

from conversations.models import BusinessHours, SLAPolicy
from helpdesk.api.serializers import IdField


class BusinessHoursSerializer(serializers.ModelSerializer):
    hours = serializers.JSONField(
        required=False,
        help_text='{"monday": [{"open": "09:00", "close": "17:00"}], ...}; a missing day is closed',
    )
    holidays = serializers.JSONField(
        required=False, help_text='[{"date": "2025-12-25", "name": "Christmas"}]'
    )

    class Meta:
        model = BusinessHours
        fields = [
            "id",
            "name",
            "description",
            "timezone",
            "is_always_open",
            "hours",
            "holidays",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class SLAPolicySerializer(serializers.ModelSerializer):
    business_hours_id = IdField(required=False, allow_null=True)
    conditions = serializers.JSONField(
        required=False, help_text='{"priority": ["High", "Urgent"], "inbox_id": [1], "channel": ["email"]}'
    )

    class Meta:
        model = SLAPolicy
        fields = [
            "id",
            "name",
            "description",
            "first_response_minutes",
            "next_response_minutes",
            "resolution_minutes",
            "conditions",
            "business_hours_id",
            "position",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
