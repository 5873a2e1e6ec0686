from django.db import models


class Channel(models.TextChoices):
    API = "api", "API"
    WEB = "web", "Web chat widget"
    EMAIL = "email", "Email"


class Inbox(models.Model):
    """Where conversations come in. Every organization has at least one ``api`` inbox."""

    organization = models.ForeignKey(
        "helpdesk.Organization", on_delete=models.CASCADE, related_name="inboxes"
    )
    name = models.CharField(max_length=100)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.API)
    email = models.EmailField(blank=True, help_text="Sender address of an email inbox.")
    enabled = models.BooleanField(default=True)
    csat_enabled = models.BooleanField(
        default=False, help_text='Ask the contact "How did we do?" when a conversation is resolved.'
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "inboxes"
        indexes = [models.Index(fields=["organization", "channel"], name="inbox_org_channel")]

    def __str__(self) -> str:
        return f"{self.name} ({self.channel})"
