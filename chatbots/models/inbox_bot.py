from django.db import models


class InboxBot(models.Model):
    """Which bot answers the conversations of a ``web`` or ``api`` inbox (one bot per inbox).
    While ``is_active``, the bot answers every contact message of a conversation that no person
    has taken over yet."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    inbox = models.OneToOneField("conversations.Inbox", on_delete=models.CASCADE, related_name="inbox_bot")
    chatbot = models.ForeignKey("chatbots.Chatbot", on_delete=models.CASCADE, related_name="inbox_bots")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["inbox_id"]
        indexes = [models.Index(fields=["organization", "chatbot"], name="inboxbot_org_chatbot")]

    def __str__(self) -> str:
        return f"{self.chatbot_id} answers inbox {self.inbox_id}"
