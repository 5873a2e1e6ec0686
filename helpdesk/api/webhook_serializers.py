"""Webhook API shapes. Validation that needs the organization (the outbound guard) is the
service's; these check types and choices only."""

from rest_framework import serializers

from helpdesk.models import Webhook, WebhookDelivery
from helpdesk.services.webhooks import (
    SECRET_MAX_LENGTH,
    SECRET_MIN_LENGTH,
    SUBSCRIBABLE_EVENTS,
    URL_MAX_LENGTH,
    webhook_secret_masked,
)


class WebhookSerializer(serializers.ModelSerializer):
    secret = serializers.SerializerMethodField(help_text="Masked; the full secret is shown on create only.")

    class Meta:
        model = Webhook
        fields = ["id", "url", "events", "secret", "description", "is_active", "created_at", "updated_at"]
        read_only_fields = fields

    def get_secret(self, obj) -> str:
        return webhook_secret_masked(obj.secret)


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret, in full: shown once, store it now."
    )


class WebhookWriteSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=URL_MAX_LENGTH, help_text="http(s) URL that receives the POSTs.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=SUBSCRIBABLE_EVENTS),
        allow_empty=False,
        max_length=len(SUBSCRIBABLE_EVENTS),
        help_text='Event names, or "*" for every event.',
    )
    secret = serializers.CharField(
        min_length=SECRET_MIN_LENGTH,
        max_length=SECRET_MAX_LENGTH,
        required=False,
        write_only=True,
        help_text="HMAC signing secret; generated when left out.",
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook_id",
            "event",
            "payload",
            "status",
            "attempts",
            "response_status_code",
            "response_body",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
