import uuid

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class StatusCategory(models.TextChoices):
    """What a status means to the product. Custom statuses choose one (default: open)."""

    OPEN = "open", "Open"
    SNOOZED = "snoozed", "Snoozed"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


# Built-in statuses: name → category. Created for every organization.
BUILTIN_STATUSES = {
    "Open": StatusCategory.OPEN,
    "Snoozed": StatusCategory.SNOOZED,
    "Resolved": StatusCategory.RESOLVED,
    "Closed": StatusCategory.CLOSED,
}


class Status(models.Model):
    organization = models.ForeignKey(
        "helpdesk.Organization", on_delete=models.CASCADE, related_name="conversation_statuses"
    )
    name = models.CharField(max_length=50)
    category = models.CharField(max_length=10, choices=StatusCategory.choices, default=StatusCategory.OPEN)
    is_builtin = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "statuses"
        constraints = [
            models.UniqueConstraint(Lower("name"), "organization", name="unique_status_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Priority(models.IntegerChoices):
    """Fixed priorities (Libredesk's names); the value is the API's ``priority_id``."""

    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


class Tag(models.Model):
    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), "organization", name="unique_tag_name")]

    def __str__(self) -> str:
        return self.name


class ReferenceSequence(models.Model):
    """The last conversation reference number handed out in an organization."""

    organization = models.OneToOneField(
        "helpdesk.Organization", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.last_value}"


class Conversation(models.Model):
    """A conversation with a contact: Libredesk's conversation, Novumdesk's ticket.

    ``last_message_*`` are denormalized so lists need no per-row message query; SLA deadlines are
    stored (``sla_next_deadline_at``/``sla_at_risk_at`` summarize the pending ones) so the SLA
    overview is a couple of indexed queries."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "helpdesk.Organization", on_delete=models.CASCADE, related_name="conversations"
    )
    reference_number = models.PositiveIntegerField()
    subject = models.CharField(max_length=500, blank=True)
    contact = models.ForeignKey(
        "conversations.Contact", on_delete=models.CASCADE, related_name="conversations"
    )
    inbox = models.ForeignKey("conversations.Inbox", on_delete=models.PROTECT, related_name="conversations")
    status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="conversations")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, null=True, blank=True)
    assigned_agent = models.ForeignKey(
        "helpdesk.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
    )
    assigned_team = models.ForeignKey(
        "helpdesk.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="conversations")
    snoozed_until = models.DateTimeField(null=True, blank=True)
    first_reply_at = models.DateTimeField(null=True, blank=True)
    last_reply_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_count = models.PositiveIntegerField(
        default=0, help_text="How many times it was resolved (each resolution asks for CSAT once)."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(
        null=True, blank=True, help_text="Since when the contact waits for an agent's reply."
    )
    custom_attributes = models.JSONField(default=dict, blank=True)
    meta = models.JSONField(default=dict, blank=True)
    last_message_preview = models.CharField(max_length=300, blank=True)
    last_message_at = models.DateTimeField(default=timezone.now)
    last_message_sender = models.CharField(max_length=10, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    created_by = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sla_policy = models.ForeignKey(
        "conversations.SLAPolicy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    first_response_deadline_at = models.DateTimeField(null=True, blank=True)
    next_response_deadline_at = models.DateTimeField(null=True, blank=True)
    next_response_met_at = models.DateTimeField(null=True, blank=True)
    resolution_deadline_at = models.DateTimeField(null=True, blank=True)
    sla_next_deadline_at = models.DateTimeField(
        null=True, blank=True, help_text="Earliest deadline still to be met (null when none)."
    )
    sla_at_risk_at = models.DateTimeField(
        null=True, blank=True, help_text="When the earliest pending target becomes at risk."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "reference_number"], name="unique_reference_number"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "-last_message_at"], name="conv_org_last_msg"),
            models.Index(fields=["organization", "-created_at"], name="conv_org_created"),
            models.Index(fields=["organization", "status", "-last_message_at"], name="conv_org_status"),
            models.Index(
                fields=["organization", "assigned_agent", "-last_message_at"], name="conv_org_agent"
            ),
            models.Index(fields=["organization", "assigned_team", "-last_message_at"], name="conv_org_team"),
            # Team and unassigned queues (team = X or null, no agent), and their counts.
            models.Index(
                fields=["organization", "assigned_team", "assigned_agent", "-last_message_at"],
                name="conv_org_team_agent",
            ),
            models.Index(
                fields=["organization", "priority", "-last_message_at"], name="conv_org_priority_last"
            ),
            models.Index(fields=["organization", "inbox"], name="conv_org_inbox"),
            models.Index(fields=["organization", "contact", "-created_at"], name="conv_org_contact"),
            models.Index(fields=["organization", "sla_next_deadline_at"], name="conv_org_sla"),
            # Reports: conversations resolved in a period, and the backlog at its end.
            models.Index(fields=["organization", "resolved_at"], name="conv_org_resolved"),
            models.Index(fields=["snoozed_until"], name="conv_snoozed_until"),
        ]

    def __str__(self) -> str:
        return f"#{self.reference_number} {self.subject}"[:120]

    @property
    def priority_name(self) -> str | None:
        return Priority(self.priority).label if self.priority else None


class ConversationReadState(models.Model):
    """When an agent last looked at a conversation (drives unread counts)."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="read_states")
    membership = models.ForeignKey("helpdesk.Membership", on_delete=models.CASCADE, related_name="+")
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "membership"], name="unique_read_state")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} saw {self.conversation_id} at {self.last_seen_at}"


class ConversationParticipant(models.Model):
    """An agent who took part (wrote, noted or was assigned)."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    membership = models.ForeignKey("helpdesk.Membership", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "membership"], name="unique_participant")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} in {self.conversation_id}"
