from django.db import models


class AIPrompt(models.Model):
    """An instruction agents apply to a text (Libredesk's AI prompts: reply_friendly, shorten…)."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    content = models.TextField(help_text="The instruction given to the model.")
    is_builtin = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="aiprompt_unique_key")]

    def __str__(self) -> str:
        return self.key


class AIFeedback(models.Model):
    """An agent's feedback on an AI summary (SysAid ``/feedback``)."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        "conversations.Conversation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    summary = models.TextField(blank=True)
    feedback = models.TextField()
    created_by = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="aifeedback_org_created")]

    def __str__(self) -> str:
        return f"feedback {self.pk}"
