"""The reports' rollup: one row of facts per conversation, what the report queries read instead
of joining conversations to their messages, surveys, breaches and business hours each time.

Kept current by ``reports.facts`` (a row is recomputed from its conversation when an event says
the conversation changed) and rebuilt by ``manage.py reports_facts_rebuild``. Durations are
stored as computed at refresh time: business time where the conversation's SLA counts business
hours (its team's, else its policy's), calendar time otherwise."""

from __future__ import annotations

from django.db import models


class ConversationFacts(models.Model):
    conversation = models.OneToOneField(
        "conversations.Conversation", primary_key=True, on_delete=models.CASCADE, related_name="report_facts"
    )
    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    inbox = models.ForeignKey("conversations.Inbox", on_delete=models.CASCADE, related_name="+")
    assigned_agent = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_team = models.ForeignKey(
        "helpdesk.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged = models.BooleanField(default=False, help_text="Merged into another conversation.")
    opened_at = models.DateTimeField()
    first_reply_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution_count = models.PositiveIntegerField(default=0)
    is_resolved = models.BooleanField(default=False, help_text="Resolved or closed, with a resolution time.")
    first_response_seconds = models.FloatField(null=True, blank=True)
    resolution_seconds = models.FloatField(null=True, blank=True)
    sla_policy = models.BooleanField(default=False, help_text="Under an SLA policy.")
    sla_breached = models.BooleanField(default=False)
    sla_pending = models.BooleanField(default=False, help_text="A target still running.")
    bot_answered = models.BooleanField(default=False)
    agent_wrote = models.BooleanField(default=False, help_text="An agent's reply or note.")
    handed_off = models.BooleanField(default=False)
    thumbs_up = models.BooleanField(default=False, help_text="A bot answer rated helpful.")
    thumbs_down = models.BooleanField(default=False, help_text="A bot answer rated not helpful.")
    csat_good = models.BooleanField(default=False, help_text="A CSAT answer of 4 or 5.")
    csat_bad = models.BooleanField(default=False, help_text="A CSAT answer of 1 or 2.")

    class Meta:
        verbose_name_plural = "conversation facts"
        indexes = [
            models.Index(fields=["organization", "opened_at"], name="facts_org_opened"),
            models.Index(fields=["organization", "resolved_at"], name="facts_org_resolved"),
        ]

    def __str__(self) -> str:
        return f"Facts of conversation {self.conversation_id}"
