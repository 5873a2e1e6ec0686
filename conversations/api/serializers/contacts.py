from rest_framework import serializers

from conversations.api.serializers.common import safe_url
from conversations.models import Contact, ContactNote


class ContactSerializer(serializers.ModelSerializer):
    type = serializers.SerializerMethodField()
    avatar_url = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "type",
            "first_name",
            "last_name",
            "email",
            "phone_number",
            "phone_number_country_code",
            "avatar_url",
            "custom_attributes",
            "enabled",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_type(self, obj) -> str:
        return "contact"

    def get_avatar_url(self, obj) -> str | None:
        return obj.avatar_url or None


class ContactFullSerializer(ContactSerializer):
    """A contact as the contacts endpoints answer: the fields embedded in conversations (which
    keep their shape) and the company."""

    class Meta(ContactSerializer.Meta):
        fields = [*ContactSerializer.Meta.fields, "company"]
        read_only_fields = fields


class ContactUpdateSerializer(serializers.Serializer):
    """JSON or multipart (``files``: a new avatar image, stored like any upload)."""

    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    phone_number_country_code = serializers.CharField(max_length=8, required=False, allow_blank=True)
    avatar_url = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)
    company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    enabled = serializers.BooleanField(required=False)
    custom_attributes = serializers.DictField(required=False)
    files = serializers.FileField(required=False, write_only=True, help_text="New avatar image")

    def validate_avatar_url(self, value):
        return safe_url(value or "")


class BlockSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="false blocks the contact, true unblocks it")


class ContactNoteSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="author_id", read_only=True, allow_null=True)
    first_name = serializers.SerializerMethodField()
    last_name = serializers.SerializerMethodField()
    avatar_url = serializers.SerializerMethodField()

    class Meta:
        model = ContactNote
        fields = [
            "id",
            "created_at",
            "updated_at",
            "contact_id",
            "note",
            "user_id",
            "first_name",
            "last_name",
            "avatar_url",
        ]
        read_only_fields = fields

    def get_first_name(self, obj) -> str:
        return obj.author.user.first_name if obj.author else ""

    def get_last_name(self, obj) -> str:
        return obj.author.user.last_name if obj.author else ""

    def get_avatar_url(self, obj) -> str | None:
        return (obj.author.user.avatar_url or None) if obj.author else None


class ContactNoteCreateSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=10_000)


class EndUserSerializer(ContactFullSerializer):
    """Novumdesk's end user: a contact with ``name`` and ``phone``."""

    name = serializers.CharField(source="full_name", read_only=True)
    phone = serializers.CharField(source="phone_number", read_only=True)

    class Meta(ContactFullSerializer.Meta):
        fields = [*ContactFullSerializer.Meta.fields, "name", "phone"]
        read_only_fields = fields
