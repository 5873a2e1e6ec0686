"""Nova Chat ``POST account/domains/{id}/ai-config`` {chatbot_id or ai_bot_config_id, is_active}:
which bot answers a website domain's visitors. It lives here, not beside the other domain views
in conversations, because it names chatbots (conversations never imports this app)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from chatbots.selectors import chatbot_get
from chatbots.services.inbox_bots import inbox_bot_set
from conversations.api.views.domains import domain_or_404
from helpdesk.api.viewsets import TenantMixin
from helpdesk.models import Role


class DomainAIConfigSerializer(serializers.Serializer):
    chatbot_id = serializers.CharField(required=False, max_length=40)
    ai_bot_config_id = serializers.CharField(
        required=False, max_length=40, help_text="Nova Chat's name for chatbot_id"
    )
    is_active = serializers.BooleanField(default=True)

    def validate(self, attrs):
        chatbot_id = attrs.get("chatbot_id") or attrs.get("ai_bot_config_id")
        if not chatbot_id:
            raise serializers.ValidationError({"chatbot_id": ["Give chatbot_id (or ai_bot_config_id)."]})
        return {"chatbot_id": chatbot_id, "is_active": attrs["is_active"]}


class DomainAIConfigResultSerializer(serializers.Serializer):
    domain_id = serializers.IntegerField()
    inbox_id = serializers.IntegerField()
    chatbot_id = serializers.IntegerField()
    is_active = serializers.BooleanField()


class DomainAIConfigView(TenantMixin, APIView):
    required_role = Role.ADMIN

    @extend_schema(
        request=DomainAIConfigSerializer,
        responses=DomainAIConfigResultSerializer,
        tags=["Domains"],
        summary="Choose the bot that answers a domain's visitors",
    )
    def post(self, request, pk):
        domain = domain_or_404(self.organization, pk)
        data = DomainAIConfigSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chatbot = chatbot_get(organization=self.organization, chatbot_id=data.validated_data["chatbot_id"])
        if chatbot is None:
            raise NotFound("Chatbot not found.")
        inbox_bot = inbox_bot_set(
            organization=self.organization,
            inbox=domain.inbox,
            chatbot=chatbot,
            is_active=data.validated_data["is_active"],
        )
        return Response(
            {
                "domain_id": domain.pk,
                "inbox_id": domain.inbox_id,
                "chatbot_id": chatbot.pk,
                "is_active": inbox_bot.is_active,
            }
        )
