from django.db import models


class BusinessHours(models.Model):
    """A weekly schedule in a time zone, with holidays. Deadlines count only open time.

    ``hours``: {"monday": [{"open": "09:00", "close": "17:00"}], ...} (a day missing or empty is
    closed; "24:00" closes at midnight). ``holidays``: [{"date": "2025-12-25", "name": "..."}]."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    is_always_open = models.BooleanField(default=False)
    hours = models.JSONField(default=dict, blank=True)
    holidays = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "business hours"

    def __str__(self) -> str:
        return self.name


class SLAMetric(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    NEXT_RESPONSE = "next_response", "Next response"
    RESOLUTION = "resolution", "Resolution"


class SLAPolicy(models.Model):
    """Response and resolution targets in business minutes.

    Applied to a conversation by its team's ``sla_policy``, or else by the first active policy
    (lowest ``position``) whose ``conditions`` match: {"priority": ["High", "Urgent"],
    "inbox_id": [1], "channel": ["email"]}; empty conditions match every conversation."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    conditions = models.JSONField(default=dict, blank=True)
    business_hours = models.ForeignKey(
        BusinessHours,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="policies",
        help_text="Used when the conversation's team has no business hours of its own.",
    )
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return self.name


class SLABreach(models.Model):
    """A missed target, recorded once (the ``sla.breached`` event is emitted when it is created)."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="sla_breaches"
    )
    metric = models.CharField(max_length=20, choices=SLAMetric.choices)
    deadline_at = models.DateTimeField()
    breached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-breached_at"]
        verbose_name = "SLA breach"
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "metric", "deadline_at"], name="unique_sla_breach"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} of {self.conversation_id} at {self.deadline_at}"


class RoundRobinState(models.Model):
    """Round-robin bookkeeping: the team-wide turn at which each agent was last auto-assigned."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("helpdesk.Team", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("helpdesk.Membership", on_delete=models.CASCADE, related_name="+")
    last_turn = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "membership"], name="unique_round_robin")]

    def __str__(self) -> str:
        return f"{self.membership_id} in team {self.team_id}: turn {self.last_turn}"
