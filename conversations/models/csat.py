"""Customer satisfaction (CSAT): the "How did we do?" question asked each time a conversation is
resolved, and the contact's answer (1–5 and an optional comment), given once."""

from django.db import models

from conversations.models.inboxes import Channel

RATING_MIN = 1
RATING_MAX = 5
COMMENT_MAX_LENGTH = 2000


class CsatSurvey(models.Model):
    """One question per resolution: ``resolution_seq`` is the conversation's ``resolution_count``
    when it was resolved, so a re-opened and re-resolved conversation asks again. ``rating`` and
    ``answered_at`` stay null until the contact answers."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="csat_surveys"
    )
    contact = models.ForeignKey(
        "conversations.Contact", on_delete=models.CASCADE, related_name="csat_surveys"
    )
    inbox = models.ForeignKey("conversations.Inbox", on_delete=models.CASCADE, related_name="csat_surveys")
    resolution_seq = models.PositiveIntegerField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    asked_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = "CSAT survey"
        constraints = [
            models.UniqueConstraint(fields=["conversation", "resolution_seq"], name="unique_csat_resolution"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | models.Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="csat_rating_range",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "answered_at"], name="csat_org_answered"),
            models.Index(fields=["organization", "asked_at"], name="csat_org_asked"),  # reports
            models.Index(fields=["organization", "inbox"], name="csat_org_inbox"),
            models.Index(fields=["organization", "contact", "-asked_at"], name="csat_org_contact"),
        ]

    def __str__(self) -> str:
        answer = f"{self.rating}/5" if self.rating else "pending"
        return f"CSAT {self.conversation_id} #{self.resolution_seq}: {answer}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
