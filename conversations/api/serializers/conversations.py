"""Conversations as Libredesk shows them (list items, detail) and the bodies of their actions."""

from django.utils import timezone
from rest_framework import serializers

from conversations.api.serializers.common import AgentBriefSerializer, TeamBriefSerializer
from conversations.api.serializers.contacts import ContactSerializer
from conversations.models import Conversation
from conversations.services.sla import sla_status_of
from helpdesk.api.serializers import IdField, IdListField


class ContactSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.CharField()
    avatar_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_avatar_url(self, obj) -> str | None:
        return obj.avatar_url or None


class ConversationListSerializer(serializers.ModelSerializer):
    """A row of a conversation list. ``unread_message_count`` and ``assignee_last_seen_at`` come
    from ``page_extras`` in the context (computed once per page)."""

    reference_number = serializers.SerializerMethodField()
    contact = ContactSummarySerializer(read_only=True)
    contact_id = serializers.IntegerField(read_only=True)
    inbox_id = serializers.IntegerField(read_only=True)
    inbox_name = serializers.CharField(source="inbox.name", read_only=True)
    inbox_channel = serializers.CharField(source="inbox.channel", read_only=True)
    status = serializers.CharField(source="status.name", read_only=True)
    status_id = serializers.IntegerField(read_only=True)
    status_category = serializers.CharField(source="status.category", read_only=True)
    priority = serializers.CharField(source="priority_name", read_only=True, allow_null=True)
    priority_id = serializers.IntegerField(source="priority", read_only=True, allow_null=True)
    assigned_user_id = serializers.IntegerField(source="assigned_agent_id", read_only=True, allow_null=True)
    assigned_team_id = serializers.IntegerField(read_only=True, allow_null=True)
    assignee = AgentBriefSerializer(source="assigned_agent", read_only=True, allow_null=True)
    team = TeamBriefSerializer(source="assigned_team", read_only=True, allow_null=True)
    tags = serializers.SerializerMethodField()
    last_message = serializers.CharField(source="last_message_preview", read_only=True)
    sla_policy_id = serializers.IntegerField(read_only=True, allow_null=True)
    sla_policy_name = serializers.SerializerMethodField()
    next_sla_deadline_at = serializers.DateTimeField(
        source="sla_next_deadline_at", read_only=True, allow_null=True
    )
    sla_status = serializers.SerializerMethodField()
    unread_message_count = serializers.SerializerMethodField()
    assignee_last_seen_at = serializers.SerializerMethodField()
    merged_into_uuid = serializers.SerializerMethodField()

    class Meta:
        model = Conversation
        fields = [
            "id",
            "uuid",
            "reference_number",
            "created_at",
            "updated_at",
            "subject",
            "contact",
            "contact_id",
            "inbox_id",
            "inbox_name",
            "inbox_channel",
            "status",
            "status_id",
            "status_category",
            "priority",
            "priority_id",
            "assigned_user_id",
            "assigned_team_id",
            "assignee",
            "team",
            "tags",
            "snoozed_until",
            "waiting_since",
            "first_reply_at",
            "last_reply_at",
            "resolved_at",
            "closed_at",
            "last_message",
            "last_message_at",
            "last_message_sender",
            "unread_message_count",
            "assignee_last_seen_at",
            "sla_policy_id",
            "sla_policy_name",
            "first_response_deadline_at",
            "next_response_deadline_at",
            "next_response_met_at",
            "resolution_deadline_at",
            "next_sla_deadline_at",
            "sla_status",
            "merged_into_uuid",
        ]
        read_only_fields = fields

    def _extras(self) -> dict:
        return self.context.get("page_extras") or {}

    def get_reference_number(self, obj) -> str:
        return str(obj.reference_number)

    def get_tags(self, obj) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    def get_sla_policy_name(self, obj) -> str | None:
        return self._extras().get("sla_policy_names", {}).get(obj.sla_policy_id)

    def get_sla_status(self, obj) -> str | None:
        """on_track, at_risk or breached while a target is pending; null otherwise."""
        if "now" not in self.context:
            self.context["now"] = timezone.now()
        return sla_status_of(obj, now=self.context["now"])

    def get_unread_message_count(self, obj) -> int:
        return self._extras().get("unread", {}).get(obj.pk, 0)

    def get_assignee_last_seen_at(self, obj) -> str | None:
        seen = self._extras().get("assignee_last_seen", {}).get(obj.pk)
        return seen.isoformat().replace("+00:00", "Z") if seen else None

    def get_merged_into_uuid(self, obj) -> str | None:
        value = self._extras().get("merged_into_uuids", {}).get(obj.merged_into_id)
        return str(value) if value else None


class PreviousConversationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uuid = serializers.UUIDField()
    reference_number = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.CharField(source="status.name")
    last_message = serializers.CharField(source="last_message_preview")
    last_message_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ConversationDetailSerializer(ConversationListSerializer):
    """The full conversation: the contact's whole card, the inbox's address, custom attributes
    and the contact's previous conversations (``previous_conversations`` in the context)."""

    contact = ContactSerializer(read_only=True)
    inbox_mail = serializers.CharField(source="inbox.email", read_only=True)
    previous_conversations = serializers.SerializerMethodField()

    class Meta(ConversationListSerializer.Meta):
        fields = [
            *ConversationListSerializer.Meta.fields,
            "inbox_mail",
            "custom_attributes",
            "meta",
            "previous_conversations",
        ]
        read_only_fields = fields

    def get_previous_conversations(self, obj) -> list[dict]:
        return PreviousConversationSerializer(self.context.get("previous_conversations", []), many=True).data


class ConversationCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=500, allow_blank=True)
    content = serializers.CharField(help_text="The first message (HTML accepted; sanitized)")
    inbox_id = IdField(required=False, allow_null=True, help_text="Default: the API inbox")
    contact_email = serializers.CharField(max_length=254)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    initiator = serializers.ChoiceField(
        choices=["contact", "agent"],
        default="contact",
        help_text="contact: the first message is incoming; agent: an outgoing reply by the caller",
    )
    team_id = IdField(required=False, allow_null=True)
    agent_id = IdField(required=False, allow_null=True)
    attachments = IdListField(required=False, default=list)
    priority = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)
    custom_attributes = serializers.DictField(required=False)


class AssigneeSerializer(serializers.Serializer):
    assignee_id = IdField(help_text="Agent id (assignee/user) or team id (assignee/team)")


class StatusUpdateSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="A status name (Open, Snoozed, Resolved, Closed, custom) or id")
    snoozed_until = serializers.CharField(
        required=False, allow_blank=True, allow_null=True,
        help_text="With Snoozed: a duration (30m, 1h, 3h, 100h) or an ISO 8601 time",
    )  # fmt: skip


class PriorityUpdateSerializer(serializers.Serializer):
    priority = serializers.CharField(
        allow_null=True, allow_blank=True, help_text="Low, Medium, High or Urgent"
    )


class TagsUpdateSerializer(serializers.Serializer):
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50),
        allow_empty=True,
        help_text="The conversation's tags (replaces them)",
    )


class MergeSerializer(serializers.Serializer):
    into_uuid = serializers.UUIDField(help_text="The conversation that receives the messages")


class ParticipantSerializer(AgentBriefSerializer):
    pass


class ConversationSearchResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uuid = serializers.UUIDField()
    reference_number = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.CharField(source="status.name")
    contact_email = serializers.CharField(source="contact.email")
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField()


class SLAConversationSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    reference_number = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.CharField(source="status.name")
    priority = serializers.CharField(source="priority_name", allow_null=True)
    contact_email = serializers.CharField(source="contact.email")
    assigned_user_id = serializers.IntegerField(source="assigned_agent_id", allow_null=True)
    assigned_team_id = serializers.IntegerField(allow_null=True)
    sla_policy_id = serializers.IntegerField(allow_null=True)
    next_sla_deadline_at = serializers.DateTimeField(source="sla_next_deadline_at", allow_null=True)
    first_response_deadline_at = serializers.DateTimeField(allow_null=True)
    next_response_deadline_at = serializers.DateTimeField(allow_null=True)
    resolution_deadline_at = serializers.DateTimeField(allow_null=True)


class SLAConversationGroupsSerializer(serializers.Serializer):
    on_track = SLAConversationSerializer(many=True)
    at_risk = SLAConversationSerializer(many=True)
    breached = SLAConversationSerializer(many=True)


class SLAStatusSerializer(serializers.Serializer):
    on_track = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    breached = serializers.IntegerField()
    conversations = SLAConversationGroupsSerializer()
