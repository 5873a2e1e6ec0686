from rest_framework import serializers

from conversations import validators
from conversations.models import BusinessHours, SLAPolicy
from helpdesk.api.serializers import IdField

TARGET = {
    "required": False,
    "allow_null": True,
    "min_value": validators.TARGET_MINUTES_RANGE[0],
    "max_value": validators.TARGET_MINUTES_RANGE[1],
}


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

    def validate_timezone(self, value):
        return validators.clean_timezone(value)

    def validate_hours(self, value):
        return validators.clean_hours(value)

    def validate_holidays(self, value):
        return validators.clean_holidays(value)


class SLAPolicySerializer(serializers.ModelSerializer):
    business_hours_id = IdField(required=False, allow_null=True)
    conditions = serializers.JSONField(
        required=False,
        help_text='{"priority": ["High", "Urgent"], "inbox_id": [1], "channel": ["email"]}',
    )
    first_response_minutes = serializers.IntegerField(**TARGET)
    next_response_minutes = serializers.IntegerField(**TARGET)
    resolution_minutes = serializers.IntegerField(**TARGET)

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

    def validate_conditions(self, value):
        return validators.clean_conditions(value)
