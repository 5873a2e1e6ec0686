from django.db import models
from django.db.models.functions import Lower


class ViewVisibility(models.TextChoices):
    USER = "user", "Only me"
    ALL = "all", "Everyone in the organization"


class SavedView(models.Model):
    """A saved set of conversation filters, for one agent (``owner``) or shared (``owner`` null).

    ``filters`` keys: status, priority, team_id, assignee ("me", "none" or agent ids), tags,
    inbox_id (lists) and text (string)."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    filters = models.JSONField(default=dict, blank=True)
    visibility = models.CharField(max_length=5, choices=ViewVisibility.choices, default=ViewVisibility.USER)
    owner = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organization", "owner"], name="view_org_owner")]

    def __str__(self) -> str:
        return self.name


class CannedResponse(models.Model):
    """A reply snippet; placeholders like ``{{contact.first_name}}`` are filled when rendered."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    content = models.TextField()
    created_by = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [models.UniqueConstraint(Lower("title"), "organization", name="unique_canned_title")]

    def __str__(self) -> str:
        return self.title


class Macro(models.Model):
    """A saved list of actions applied to a conversation in one step.

    ``actions``: [{"type": "reply"|"note"|"set_status"|"set_priority"|"add_tags"|"remove_tags"|
    "assign_agent"|"assign_team"|"unassign_agent"|"unassign_team", "value": ...}]."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    actions = models.JSONField(default=list)
    created_by = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(Lower("name"), "organization", name="unique_macro_name")]

    def __str__(self) -> str:
        return self.name
