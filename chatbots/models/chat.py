import uuid

from django.db import models


class SessionStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    ESCALATED = "escalated", "Escalated to a person"


class MessageRole(models.TextChoices):
    USER = "user", "User"
    ASSISTANT = "assistant", "Assistant"


class AnswerMode(models.TextChoices):
    LLM = "llm", "Answered by the model"
    RETRIEVAL_ONLY = "retrieval_only", "Passages only (the model was unavailable)"
    FALLBACK = "fallback", "Not confident: fallback message and hand-off"


class ChatSession(models.Model):
    """A chat with one bot (SysAid's chat thread). Its messages keep their position (``index``)."""

    session_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    chatbot = models.ForeignKey("chatbots.Chatbot", on_delete=models.CASCADE, related_name="sessions")
    created_by = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=254, blank=True, help_text="The member's email, or a visitor.")
    title = models.CharField(max_length=200, blank=True, help_text="The first question, shortened.")
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    message_count = models.PositiveIntegerField(default=0, help_text="Positions handed out so far.")
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_sessions",
        help_text="The conversation that carries this chat (every question and answer is a message of it).",
    )
    escalated_conversation_uuid = models.UUIDField(null=True, blank=True)
    escalation_operation = models.ForeignKey(
        "helpdesk.Operation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-updated_at"], name="chatsession_org_updated"),
            models.Index(fields=["organization", "created_by", "-updated_at"], name="chatsession_org_member"),
            models.Index(fields=["organization", "username", "-updated_at"], name="chatsession_org_username"),
            models.Index(fields=["organization", "chatbot", "-updated_at"], name="chatsession_org_bot"),
            models.Index(fields=["organization", "status"], name="chatsession_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} ({self.chatbot_id})"


class ChatMessage(models.Model):
    """A question or an answer. Answers carry what the monitor reviews: sources, confidence, the
    mode they were produced in, the rating, and the read/verification indicators."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    message = models.OneToOneField(
        "conversations.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_record",
        help_text="The conversation message this question or answer is.",
    )
    index = models.PositiveIntegerField(help_text="0-based position in the session.")
    role = models.CharField(max_length=10, choices=MessageRole.choices)
    content = models.TextField(blank=True)
    question = models.TextField(blank=True, help_text="Answers: the question they answer.")
    rewritten_query = models.TextField(blank=True, help_text="The standalone query retrieval used.")
    confidence = models.FloatField(null=True, blank=True)
    sources = models.JSONField(default=list, blank=True)
    retrieval = models.JSONField(default=dict, blank=True, help_text="Details for admins.")
    mode = models.CharField(max_length=16, choices=AnswerMode.choices, blank=True)
    handoff_offered = models.BooleanField(default=False)
    interrupted = models.BooleanField(default=False, help_text="The stream ended before the answer did.")
    model = models.CharField(max_length=200, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    rating = models.SmallIntegerField(default=0, help_text="-1, 0 or 1.")
    rated_at = models.DateTimeField(null=True, blank=True)
    read_indicator = models.PositiveSmallIntegerField(default=0)
    verification_indicator = models.PositiveSmallIntegerField(default=0)
    corrected_question = models.TextField(blank=True)
    corrected_answer = models.TextField(blank=True)
    verified_item = models.ForeignKey(
        "knowledge.KnowledgeItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session_id", "index"]
        constraints = [
            models.UniqueConstraint(fields=["session", "index"], name="chatmessage_unique_index"),
            models.CheckConstraint(
                condition=models.Q(rating__in=[-1, 0, 1]), name="chatmessage_rating_range"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "role", "-created_at"], name="chatmsg_org_role_created"),
            models.Index(fields=["organization", "role", "rating"], name="chatmsg_org_role_rating"),
            models.Index(
                fields=["organization", "role", "verification_indicator"], name="chatmsg_org_role_verified"
            ),
            models.Index(fields=["organization", "role", "read_indicator"], name="chatmsg_org_role_read"),
            models.Index(fields=["organization", "role", "confidence"], name="chatmsg_org_role_conf"),
            models.Index(fields=["organization", "role", "mode"], name="chatmsg_org_role_mode"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.index} {self.role}"
