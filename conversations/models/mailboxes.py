"""An email inbox's mailbox (IMAP settings, poll state) and the Message-IDs of its mail, in
and out, which thread replies and make an import idempotent."""

from django.db import models
from django.db.models import Q


class MailboxSecurity(models.TextChoices):
    TLS = "tls", "TLS (implicit, usually port 993)"
    STARTTLS = "starttls", "STARTTLS (usually port 143)"
    NONE = "none", "None (loopback or a trusted network only)"


class AfterImport(models.TextChoices):
    MARK_SEEN = "seen", "Mark as seen"
    MOVE = "move", "Move to a folder"


class BotMode(models.TextChoices):
    DRAFT = "draft", "Draft a suggested reply for an agent"
    ANSWER = "answer", "Answer first (hand off below the confidence threshold)"
    OFF = "off", "Off"


class Mailbox(models.Model):
    """The IMAP mailbox an ``email`` inbox polls, and the SMTP server its replies leave by (blank
    host: the server-wide ``EMAIL_URL``). Passwords are stored as ``helpdesk.encryption`` tokens
    (a database dump alone does not reveal them) and never echoed by the UI."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    inbox = models.OneToOneField("conversations.Inbox", on_delete=models.CASCADE, related_name="mailbox")
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=MailboxSecurity.choices, default=MailboxSecurity.TLS)
    username = models.CharField(max_length=255)
    password_encrypted = models.TextField(blank=True)
    folder = models.CharField(max_length=255, default="INBOX")
    after_import = models.CharField(max_length=10, choices=AfterImport.choices, default=AfterImport.MARK_SEEN)
    move_to_folder = models.CharField(max_length=255, blank=True)
    poll_interval_seconds = models.PositiveIntegerField(default=60)
    enabled = models.BooleanField(default=True)
    bot_mode = models.CharField(max_length=10, choices=BotMode.choices, default=BotMode.DRAFT)
    # Outbound: blank smtp_host sends through the server-wide EMAIL_URL.
    from_name = models.CharField(max_length=100, blank=True)
    signature = models.TextField(blank=True, help_text="Plain text added under every reply mailed.")
    smtp_host = models.CharField(max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(default=587)
    smtp_security = models.CharField(
        max_length=10, choices=MailboxSecurity.choices, default=MailboxSecurity.STARTTLS
    )
    smtp_username = models.CharField(max_length=255, blank=True)
    smtp_password_encrypted = models.TextField(blank=True)
    # Poll state: a lease (one poll at a time), the last outcome shown on the inbox page.
    lease_until = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    last_poll_at = models.DateTimeField(null=True, blank=True)
    last_poll_count = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_imported_total = models.PositiveIntegerField(default=0)
    pending_count = models.PositiveIntegerField(
        default=0,
        help_text="Mail the last poll left in the folder for the next ones (a big import goes batch by batch).",
    )
    # Where the next poll starts: UIDs above last_uid, while the folder's UIDVALIDITY holds.
    uid_validity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["enabled", "next_poll_at"], name="mailbox_due")]

    def __str__(self) -> str:
        return f"{self.username}@{self.host}/{self.folder}"


class EmailDirection(models.TextChoices):
    INBOUND = "in", "Received"
    OUTBOUND = "out", "Sent"


class EmailOutcome(models.TextChoices):
    IMPORTED = "imported", "Imported"
    SENT = "sent", "Sent"
    AUTO_REPLY = "dropped_auto", "Dropped: an automatic reply"
    OWN_ADDRESS = "dropped_own", "Dropped: from one of our own addresses"
    RATE_LIMITED = "dropped_rate", "Dropped: the sender's rate limit"
    NO_SENDER = "dropped_sender", "Dropped: no usable From address"
    BLOCKED = "dropped_blocked", "Dropped: the contact is blocked"
    BOUNCE = "bounce", "A bounce of a sent reply"


class EmailRecord(models.Model):
    """One mail of an email inbox by its Message-ID: an imported one (with its mailbox UID) or
    one we sent. Unique per inbox and Message-ID, and per mailbox UID: importing twice is a no-op."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    inbox = models.ForeignKey("conversations.Inbox", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        "conversations.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    direction = models.CharField(max_length=3, choices=EmailDirection.choices)
    header_id = models.CharField(max_length=998, help_text="The Message-ID header, without <>.")
    uid_validity = models.BigIntegerField(null=True, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    sender = models.EmailField(max_length=254, blank=True)
    outcome = models.CharField(max_length=30, choices=EmailOutcome.choices, default=EmailOutcome.IMPORTED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["inbox", "header_id"], name="emailrecord_inbox_msgid"),
            models.UniqueConstraint(
                fields=["inbox", "uid_validity", "uid"],
                condition=Q(uid__isnull=False),
                name="emailrecord_inbox_uid",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "header_id"], name="emailrecord_org_msgid"),
            models.Index(fields=["inbox", "sender", "created_at"], name="emailrecord_sender_recent"),
        ]

    def __str__(self) -> str:
        return self.header_id
