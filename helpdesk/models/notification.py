from django.db import models


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", "Assigned to you"
    MENTIONED = "mentioned", "Mentioned"
    REPLIED = "replied", "Reply in your conversation"
    SLA_WARNING = "sla_warning", "SLA about to breach"


class Notification(models.Model):
    """Something one agent should look at. ``key`` makes a notification that jobs may create
    again (an SLA warning) exist once per recipient."""

    organization = models.ForeignKey(
        "helpdesk.Organization", on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        "helpdesk.Membership", on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=300, blank=True)
    link = models.CharField(max_length=300, blank=True, help_text="Where the notification leads (a path).")
    # The conversations app's conversation, named by string (the helpdesk imports no app).
    conversation = models.ForeignKey(
        "conversations.Conversation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=200, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~models.Q(key=""), name="unique_notification_key"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """What one agent wants to hear about, and how. Absent: the defaults of these fields."""

    membership = models.OneToOneField(
        "helpdesk.Membership", on_delete=models.CASCADE, related_name="notification_preference"
    )
    assigned = models.BooleanField(default=True, help_text="A conversation is assigned to me.")
    mentioned = models.BooleanField(default=True, help_text="Someone mentions me in a private note.")
    replied = models.BooleanField(default=True, help_text="A new message in a conversation I take part in.")
    sla_warning = models.BooleanField(default=True, help_text="An SLA target of my conversation is close.")
    email_mentions_when_away = models.BooleanField(
        default=True, help_text="Email me a mention when I am away or offline."
    )
    browser = models.BooleanField(default=False, help_text="Show browser notifications.")
    sound = models.BooleanField(default=False, help_text="Play a sound for a new notification.")
    updated_at = models.DateTimeField(auto_now=True)

    KIND_FIELDS = ("assigned", "mentioned", "replied", "sla_warning")
    HOW_FIELDS = ("browser", "sound", "email_mentions_when_away")
    FIELDS = KIND_FIELDS + HOW_FIELDS  # the form, the serializer and the service take these

    def __str__(self) -> str:
        return f"Notification preferences of {self.membership_id}"

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind, False))
