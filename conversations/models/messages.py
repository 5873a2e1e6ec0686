import uuid

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class MessageType(models.TextChoices):
    INCOMING = "incoming", "Incoming (from the contact)"
    OUTGOING = "outgoing", "Outgoing (from an agent)"
    ACTIVITY = "activity", "Activity (a state change, shown in the thread)"


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"  # a worker claimed it and is handing it to the mail server
    SENT = "sent", "Sent"
    RECEIVED = "received", "Received"
    FAILED = "failed", "Failed"


class SenderType(models.TextChoices):
    AGENT = "agent", "Agent"
    CONTACT = "contact", "Contact"
    SYSTEM = "system", "System"
    BOT = "bot", "Bot"


class Message(models.Model):
    """One entry of a conversation's thread: a contact's message, an agent's reply, a private
    note (``private``), or an activity entry (``type=activity``: who changed what, and when).

    ``content`` is HTML sanitized on the way in; ``text_content`` is its plain-text version."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="messages"
    )
    type = models.CharField(max_length=10, choices=MessageType.choices)
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.SENT)
    private = models.BooleanField(default=False)
    content = models.TextField(blank=True)
    text_content = models.TextField(blank=True)
    content_type = models.CharField(max_length=10, default="html")
    sender_type = models.CharField(max_length=10, choices=SenderType.choices)
    sender_agent = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender_contact = models.ForeignKey(
        "conversations.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    meta = models.JSONField(default=dict, blank=True)
    # PostgreSQL only: ``to_tsvector('simple', text_content)``, kept up to date by a trigger (see
    # migration 0005) and served by a GIN index. Stored, so that testing a row against a search
    # costs next to nothing whichever plan the planner picks. Always null on other databases.
    search_vector = SearchVectorField(null=True, editable=False)
    delivery_attempts = models.PositiveIntegerField(default=0)
    delivery_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="msg_conv_created"),
            models.Index(fields=["conversation", "type", "created_at"], name="msg_conv_type_created"),
            # Reports: did an agent (or the bot, or a hand-off) write in the conversation?
            models.Index(fields=["conversation", "sender_type"], name="msg_conv_sender"),
            models.Index(fields=["organization", "-created_at"], name="msg_org_created"),
            models.Index(fields=["status"], name="msg_status"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.uuid}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Never the uploader's file name on disk: a random name under the organization's folder.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{instance.organization_id}/{uuid.uuid4().hex}.{extension[:10]}"


class Attachment(models.Model):
    """A file uploaded with ``POST media``, later linked to a message. Its type was detected from
    its content; it is only ever served by the organization-scoped download endpoint."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    disposition = models.CharField(max_length=20, default="attachment")
    meta = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "message"], name="attachment_org_message")]

    def __str__(self) -> str:
        return self.filename
