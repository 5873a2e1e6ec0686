"""Notifications and notification preferences in the API (``GET notifications`` …)."""

from rest_framework import serializers

from helpdesk.models import Notification, NotificationPreference


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.BooleanField(source="is_read", read_only=True)
    conversation_uuid = serializers.UUIDField(read_only=True, allow_null=True)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "link",
            "conversation_uuid",
            "actor",
            "read",
            "read_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_actor(self, notification) -> dict | None:
        actor = notification.actor
        if actor is None:
            return None
        return {"id": actor.pk, "name": actor.user.full_name}


class NotificationPreferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = NotificationPreference
        fields = list(NotificationPreference.FIELDS)
