from django.contrib.auth import password_validation
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from helpdesk.ids import MAX_ID, parse_id
from helpdesk.models import ApiKey, Operation, Organization, Plan, Team, User
from helpdesk.models.api_key import ApiKeyPermission
from helpdesk.validators import validate_time_zone


class IdField(serializers.IntegerField):
    """A row id in a request body: a positive integer that a 64-bit id column can hold (a larger
    one is a 400, not an ``OverflowError`` from the database)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault(
            "error_messages",
            {"invalid": "An id is a positive whole number.", "max_value": "No row has this id.",
             "min_value": "An id is a positive whole number."},
        )  # fmt: skip
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):  # True is not the id 1
            self.fail("invalid")
        return super().to_internal_value(data)


def IdListField(**kwargs) -> serializers.ListField:  # noqa: N802 - used like a field class
    """A list of row ids (``IdField`` each)."""
    return serializers.ListField(child=IdField(), **kwargs)


class UserSerializer(serializers.ModelSerializer):
    enabled = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "enabled"]


class SignupSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="Organization name")
    email = serializers.EmailField()
    password = serializers.CharField(
        min_length=8, max_length=128, write_only=True, style={"input_type": "password"}
    )
    plan = serializers.ChoiceField(choices=Plan.choices, default=Plan.STARTER)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def validate_password(self, value):
        password_validation.validate_password(value)
        return value


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})
    organization_id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Sign in to this organization (one you are a member of); default: your first one",
    )


class OrganizationCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="Organization name")
    plan = serializers.ChoiceField(choices=Plan.choices, default=Plan.STARTER)


class MemberOrganizationSerializer(serializers.Serializer):
    """An organization the signed-in user belongs to, with the user's role there."""

    id = serializers.IntegerField(source="organization.id")
    name = serializers.CharField(source="organization.name")
    slug = serializers.CharField(source="organization.slug")
    plan = serializers.CharField(source="organization.plan")
    role = serializers.CharField()
    current = serializers.SerializerMethodField()

    def get_current(self, membership) -> bool:
        return membership.organization_id == self.context.get("current_organization_id")


class OrganizationCreatedSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="A login token acting in the new organization")
    organization = MemberOrganizationSerializer()


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    user = UserSerializer()
    organization = serializers.DictField(required=False)


class TeamCompactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "emoji"]


@extend_schema_field({"type": "integer", "nullable": True})
class SameOrganizationIdField(serializers.PrimaryKeyRelatedField):
    """The id of a row of the request's organization, for a ForeignKey of ``Team`` that names
    another app's model by string (its model is read from the field: no import of that app).
    Another organization's id is refused like an unknown one."""

    def __init__(self, model_field: str, *, owner=Team, **kwargs):
        self.model_field, self.owner = model_field, owner
        super().__init__(**{"source": model_field, **kwargs})

    def to_internal_value(self, data):
        if data is not None and parse_id(data) is None:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)

    def get_queryset(self):
        model = self.owner._meta.get_field(self.model_field).related_model
        organization = self.context.get("organization")
        return model.objects.filter(organization=organization) if organization else model.objects.none()


class TeamSerializer(serializers.ModelSerializer):
    business_hours_id = SameOrganizationIdField(
        "business_hours", source="business_hours", allow_null=True, required=False
    )
    sla_policy_id = SameOrganizationIdField(
        "sla_policy", source="sla_policy", allow_null=True, required=False
    )

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "emoji",
            "conversation_assignment_type",
            "max_auto_assigned_conversations",
            "timezone",
            "assign_on_reply",
            "business_hours_id",
            "sla_policy_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "conversation_assignment_type": {"required": False},
            "name": {"validators": []},
            "timezone": {"validators": [validate_time_zone]},
        }

    def to_internal_value(self, data):
        # Libredesk sends "Manual" / "Round robin": normalize before choice validation.
        if hasattr(data, "get") and isinstance(data.get("conversation_assignment_type"), str):
            data = {
                **data,
                "conversation_assignment_type": data["conversation_assignment_type"]
                .strip()
                .lower()
                .replace(" ", "_")
                .replace("-", "_"),
            }
        return super().to_internal_value(data)


class ApiKeySerializer(serializers.ModelSerializer):
    created_by = serializers.EmailField(source="membership.user.email", read_only=True)
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "key_id",
            "permissions",
            "created_by",
            "is_active",
            "last_used_at",
            "revoked_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_is_active(self, obj) -> bool:
        return obj.is_usable


class ApiKeyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    permissions = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiKeyPermission.choices), required=False, default=["read"]
    )


class ApiKeyCreatedSerializer(serializers.Serializer):
    key = ApiKeySerializer()
    full_key = serializers.CharField(help_text="Shown once: store it now.")


class AgentApiKeySerializer(serializers.Serializer):
    api_key = serializers.CharField()
    api_secret = serializers.CharField(help_text="Shown once.")


class OrganizationSettingsSerializer(serializers.ModelSerializer):
    default_business_hours_id = SameOrganizationIdField(
        "default_business_hours", owner=Organization, allow_null=True, required=False
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "plan",
            "logo_url",
            "assistant_name",
            "chatbot_name",
            "chat_system_message",
            "welcome_message",
            "starter_message",
            "error_message",
            "allowed_outbound_hosts",
            "ollama_endpoints",
            "ollama_endpoint",
            "ollama_model",
            "timezone",
            "default_business_hours_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "slug", "plan", "created_at", "updated_at"]
        extra_kwargs = {"timezone": {"validators": [validate_time_zone]}}

    def _validate_entries(self, value, label):
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise serializers.ValidationError(f"{label} must be a list of non-empty strings.")
        if len(value) > 100:
            raise serializers.ValidationError("At most 100 entries.")
        return [v.strip() for v in value]

    def validate_allowed_outbound_hosts(self, value):
        return self._validate_entries(value, "allowed_outbound_hosts")

    def validate_ollama_endpoints(self, value):
        value = self._validate_entries(value, "ollama_endpoints")
        for endpoint in value:
            if not endpoint.startswith(("http://", "https://")):
                raise serializers.ValidationError(f"'{endpoint}' is not an http(s) URL.")
        return [v.rstrip("/") for v in value]


class PlanSerializer(serializers.Serializer):
    plan = serializers.ChoiceField(choices=Plan.choices)


class AccountStatusSerializer(serializers.Serializer):
    plan = serializers.CharField()
    limits = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    usage = serializers.DictField(child=serializers.IntegerField())
    agentic_rag_enabled = serializers.BooleanField()
    domains = serializers.ListField(child=serializers.DictField())
    organization = serializers.DictField()


class OperationSerializer(serializers.ModelSerializer):
    progress = serializers.FloatField(read_only=True)

    class Meta:
        model = Operation
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "progress_done",
            "progress_total",
            "message",
            "error",
            "result",
            "target_type",
            "target_id",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "updated_at",
        ]
        read_only_fields = fields
