from django.db import models


class AssignmentType(models.TextChoices):
    MANUAL = "manual", "Manual"
    ROUND_ROBIN = "round_robin", "Round robin"


class Team(models.Model):
    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    emoji = models.CharField(max_length=16, blank=True)
    conversation_assignment_type = models.CharField(
        max_length=20, choices=AssignmentType.choices, default=AssignmentType.MANUAL
    )
    max_auto_assigned_conversations = models.PositiveIntegerField(
        default=0, help_text="Cap of open conversations auto-assigned to one agent (0 = no cap)."
    )
    timezone = models.CharField(max_length=64, default="UTC")
    assign_on_reply = models.BooleanField(
        default=True, help_text="An agent who replies to an unassigned conversation of the team gets it."
    )
    # The conversations app's SLA settings, named by string (the helpdesk imports no app).
    business_hours = models.ForeignKey(
        "conversations.BusinessHours", null=True, blank=True, on_delete=models.SET_NULL, related_name="teams"
    )
    sla_policy = models.ForeignKey(
        "conversations.SLAPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="teams"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="unique_team_name")]

    def __str__(self) -> str:
        return f"{self.emoji} {self.name}".strip()
