"""Novumdesk's tickets: the same conversations, seen as tickets."""

from rest_framework import serializers

from conversations.models import Conversation
from helpdesk.api.serializers import IdField


class TicketSerializer(serializers.ModelSerializer):
    """``id`` is the reference number (the ticket's public number); ``description`` the first
    message's text (annotated by the selector)."""

    id = serializers.IntegerField(source="reference_number", read_only=True)
    reference_number = serializers.SerializerMethodField()
    description = serializers.CharField(read_only=True, default="")
    status = serializers.SerializerMethodField()
    priority = serializers.SerializerMethodField()
    customer_email = serializers.CharField(source="contact.email", read_only=True)
    customer_name = serializers.CharField(source="contact.full_name", read_only=True)
    assignee_id = serializers.IntegerField(source="assigned_agent_id", read_only=True, allow_null=True)
    team_id = serializers.IntegerField(source="assigned_team_id", read_only=True, allow_null=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Conversation
        fields = [
            "id",
            "uuid",
            "reference_number",
            "subject",
            "description",
            "status",
            "priority",
            "customer_email",
            "customer_name",
            "assignee_id",
            "team_id",
            "tags",
            "created_at",
            "updated_at",
            "resolved_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_reference_number(self, obj) -> str:
        return str(obj.reference_number)

    def get_status(self, obj) -> str:
        return obj.status.name.lower()

    def get_priority(self, obj) -> str | None:
        return obj.priority_name.lower() if obj.priority else None

    def get_tags(self, obj) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


class TicketCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=500)
    description = serializers.CharField()
    priority = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="low, medium, high, urgent"
    )
    customer_email = serializers.CharField(max_length=254)
    customer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)


class TicketUpdateSerializer(serializers.Serializer):
    status = serializers.CharField(
        required=False, help_text="open, snoozed, resolved, closed or a custom status"
    )
    snoozed_until = serializers.CharField(required=False, allow_blank=True, help_text="With status snoozed")
    priority = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    subject = serializers.CharField(max_length=500, required=False)
    assignee_id = IdField(required=False, allow_null=True)
    team_id = IdField(required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
