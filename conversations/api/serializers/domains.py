"""Website domains (Nova Chat ``account/bind-domain``, ``account/domains``) and the public widget
API (``widget/*``)."""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from conversations.api.serializers.csat import WidgetCsatSerializer
from conversations.models import Domain, Message, SenderType, WidgetPosition
from conversations.services.domains import MAX_ORIGINS, widget_code, widget_code_sdk

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def clean_color(value: str) -> str:
    if not COLOR.match(value or ""):
        raise serializers.ValidationError("A colour is written #rrggbb.")
    return value.lower()


class DomainBindSerializer(serializers.Serializer):
    website_url = serializers.URLField(max_length=500)
    label = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class DomainBoundSerializer(serializers.Serializer):
    domain_id = serializers.IntegerField(source="pk")
    website_token = serializers.CharField()
    widget_code = serializers.SerializerMethodField()
    inbox_id = serializers.IntegerField()

    def get_widget_code(self, domain: Domain) -> str:
        return widget_code(domain)


class DomainSerializer(serializers.ModelSerializer):
    """A bound domain: ``chatwoot_inbox_id`` is Nova Chat's name for the domain's inbox."""

    website_token = serializers.CharField(read_only=True)
    chatwoot_inbox_id = serializers.IntegerField(source="inbox_id", read_only=True)
    inbox_id = serializers.IntegerField(read_only=True)
    widget_code = serializers.SerializerMethodField()
    widget_code_sdk = serializers.SerializerMethodField()
    allowed_origins = serializers.ListField(
        child=serializers.CharField(max_length=300), max_length=MAX_ORIGINS, required=False
    )
    color = serializers.CharField(max_length=7, required=False)
    position = serializers.ChoiceField(choices=WidgetPosition.choices, required=False)

    class Meta:
        model = Domain
        fields = [
            "id",
            "label",
            "website_url",
            "website_token",
            "chatwoot_inbox_id",
            "inbox_id",
            "allowed_origins",
            "color",
            "position",
            "greeting",
            "launcher_text",
            "is_active",
            "widget_code",
            "widget_code_sdk",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "website_url", "created_at", "updated_at"]

    def get_widget_code(self, domain: Domain) -> str:
        return widget_code(domain)

    def validate_color(self, value: str) -> str:
        return clean_color(value)

    def get_widget_code_sdk(self, domain: Domain) -> str:
        return widget_code_sdk(domain)


# ---------- the public widget API ----------


class WidgetConfigSerializer(serializers.ModelSerializer):
    """What the widget script needs to draw itself."""

    name = serializers.CharField(source="label")
    max_message_chars = serializers.SerializerMethodField()
    handoff = serializers.SerializerMethodField(help_text="Whether widget/handoff is served.")
    ratings = serializers.SerializerMethodField(help_text="Whether widget/messages/{id}/rating is served.")

    class Meta:
        model = Domain
        fields = [
            "name",
            "color",
            "position",
            "greeting",
            "launcher_text",
            "max_message_chars",
            "handoff",
            "ratings",
        ]

    def get_max_message_chars(self, domain) -> int:
        return settings.WIDGET_MAX_MESSAGE_CHARS

    # Hand-off and ratings belong to the chatbots app, which adds their routes; the widget
    # offers them only where they exist (this app names them by string, never imports them).
    def get_handoff(self, domain) -> bool:
        return _route_exists("api-widget-handoff")

    def get_ratings(self, domain) -> bool:
        return _route_exists(
            "api-widget-rating", kwargs={"message_uuid": "00000000-0000-0000-0000-000000000000"}
        )


def _route_exists(name: str, kwargs: dict | None = None) -> bool:
    try:
        reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return False
    return True


class WidgetContactInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")


class WidgetConversationCreateSerializer(serializers.Serializer):
    contact = WidgetContactInputSerializer(required=False)
    # The length limit is the service's (413), not a 400 here.
    message = serializers.CharField(trim_whitespace=True)


class WidgetContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="full_name")
    email = serializers.CharField()


class WidgetConversationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    uuid = serializers.UUIDField()
    status = serializers.SerializerMethodField()
    contact = WidgetContactSerializer()
    created_at = serializers.DateTimeField()
    csat = serializers.SerializerMethodField(
        help_text="The satisfaction question waiting for the visitor's answer (null when none)"
    )

    def get_status(self, conversation) -> str:
        return conversation.status.category

    @extend_schema_field(WidgetCsatSerializer(allow_null=True))
    def get_csat(self, conversation):
        survey = self.context.get("csat")
        return WidgetCsatSerializer(survey).data if survey is not None else None


class WidgetConversationCreatedSerializer(WidgetConversationSerializer):
    visitor_token = serializers.CharField(
        allow_null=True, help_text="Returned to a new visitor only; send it as X-Visitor-Token."
    )


class WidgetSenderSerializer(serializers.Serializer):
    type = serializers.CharField()
    name = serializers.CharField()
    avatar_url = serializers.CharField(allow_null=True)


class WidgetMessageSerializer(serializers.Serializer):
    """A message as the visitor sees it: public messages only, agents by first name."""

    id = serializers.UUIDField(source="uuid")
    conversation_id = serializers.IntegerField()
    content = serializers.CharField(help_text="Sanitized HTML.")
    text = serializers.CharField(source="text_content")
    sender_type = serializers.CharField()
    sender = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField(help_text="A bot answer's numbered sources")
    rating = serializers.SerializerMethodField(
        help_text="The visitor's thumbs on a bot answer: up, down or null"
    )
    created_at = serializers.DateTimeField()

    def _details(self, message: Message) -> dict:
        return (self.context.get("details") or {}).get(message.pk, {})

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_sources(self, message: Message) -> list:
        return self._details(message).get("sources", [])

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rating(self, message: Message):
        return self._details(message).get("rating")

    @extend_schema_field(WidgetSenderSerializer)
    def get_sender(self, message: Message) -> dict:
        if message.sender_type == SenderType.AGENT and message.sender_agent_id:
            user = message.sender_agent.user
            return {
                "type": "agent",
                "name": user.first_name or user.full_name,
                "avatar_url": user.avatar_url or None,
            }
        if message.sender_type == SenderType.CONTACT:
            return {"type": "contact", "name": "You", "avatar_url": None}
        return {
            "type": message.sender_type,
            "name": self.context.get("bot_name") or "Assistant",
            "avatar_url": None,
        }


class WidgetMessageCreateSerializer(serializers.Serializer):
    conversation_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    content = serializers.CharField(trim_whitespace=True)


class WidgetConversationRefSerializer(serializers.Serializer):
    conversation_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
