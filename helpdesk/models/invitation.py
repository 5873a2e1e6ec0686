from django.db import models

from helpdesk.models.people import Role


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Invitation(models.Model):
    """An organization's offer to an existing user to join it. The user becomes a member only by
    accepting it; until then the organization sees nothing of the user but the email it typed."""

    organization = models.ForeignKey(
        "helpdesk.Organization", on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey("helpdesk.User", on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.AGENT)
    teams = models.ManyToManyField("helpdesk.Team", blank=True, related_name="invitations")
    invited_by = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.email} invited to {self.organization.name} ({self.status})"
