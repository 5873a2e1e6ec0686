from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from conversations.api.serializers.common import EmailListField
from conversations.models import Attachment, Message
from helpdesk.api.serializers import IdListField


class MediaSerializer(serializers.ModelSerializer):
    """An upload (Libredesk's Media). ``url`` is the organization-scoped download endpoint."""

    store = serializers.SerializerMethodField()
    content_id = serializers.SerializerMethodField()
    model_id = serializers.IntegerField(source="message_id", read_only=True, allow_null=True)
    model_type = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "uuid",
            "created_at",
            "updated_at",
            "store",
            "filename",
            "content_type",
            "content_id",
            "model_id",
            "model_type",
            "disposition",
            "size",
            "meta",
            "url",
        ]
        read_only_fields = fields

    def get_store(self, obj) -> str:
        return "fs"

    def get_content_id(self, obj) -> str:
        return ""

    def get_model_type(self, obj) -> str | None:
        return "messages" if obj.message_id else None

    def get_url(self, obj) -> str:
        return reverse("api-media-download", kwargs={"uuid": obj.uuid})


class MediaUploadSerializer(serializers.Serializer):
    files = serializers.FileField(help_text="The file (Libredesk's field name; 'file' is accepted too)")


class SenderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    avatar_url = serializers.CharField(allow_null=True)


class MessageSerializer(serializers.ModelSerializer):
    """A thread entry: incoming/outgoing message, private note, or activity (``type=activity``,
    ``meta.action`` says what changed)."""

    conversation_uuid = serializers.SerializerMethodField()
    sender_id = serializers.SerializerMethodField()
    sender = serializers.SerializerMethodField()
    attachments = MediaSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "uuid",
            "created_at",
            "updated_at",
            "type",
            "status",
            "conversation_id",
            "conversation_uuid",
            "content",
            "text_content",
            "content_type",
            "private",
            "sender_id",
            "sender_type",
            "sender",
            "meta",
            "attachments",
            "delivery_error",
        ]
        read_only_fields = fields

    def get_conversation_uuid(self, obj) -> str:
        conversation = self.context.get("conversation")
        if conversation is not None and conversation.pk == obj.conversation_id:
            return str(conversation.uuid)
        return str(obj.conversation.uuid)

    def get_sender_id(self, obj) -> int | None:
        return obj.sender_agent_id or obj.sender_contact_id

    @extend_schema_field(SenderSerializer(allow_null=True))
    def get_sender(self, obj):
        if obj.sender_agent_id and obj.sender_agent:
            user = obj.sender_agent.user
            return {
                "id": obj.sender_agent_id,
                "type": "agent",
                "first_name": user.first_name,
                "last_name": user.last_name,
                "avatar_url": user.avatar_url or None,
            }
        if obj.sender_contact_id and obj.sender_contact:
            contact = obj.sender_contact
            return {
                "id": contact.pk,
                "type": "contact",
                "first_name": contact.first_name,
                "last_name": contact.last_name,
                "avatar_url": contact.avatar_url or None,
            }
        return None


class MessageCreateSerializer(serializers.Serializer):
    message = serializers.CharField(allow_blank=True, help_text="HTML or text (sanitized)")
    private = serializers.BooleanField(default=False, help_text="An internal note")
    attachments = IdListField(required=False, default=list)
    to = EmailListField(required=False, default=list)
    cc = EmailListField(required=False, default=list)
    bcc = EmailListField(required=False, default=list)
    sender_type = serializers.CharField(
        default="agent", help_text="agent (a reply or note by the caller) or contact (the contact writes)"
    )

    def validate_sender_type(self, value):
        if value not in ("agent", "contact"):
            raise serializers.ValidationError("Use agent or contact.")
        return value


class MessageSearchResultSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    type = serializers.CharField()
    private = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    text_content = serializers.CharField()
    conversation_created_at = serializers.DateTimeField(source="conversation.created_at")
    conversation_uuid = serializers.UUIDField(source="conversation.uuid")
    conversation_reference_number = serializers.CharField(source="conversation.reference_number")
    conversation_subject = serializers.CharField(source="conversation.subject")
