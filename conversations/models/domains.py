"""Website domains (Nova Chat): a customer's site that embeds the chat widget, its own ``web``
inbox, and the visitors who write from it.

The website token is stored as it is, not hashed (unlike API keys): it is public by nature, since
every page of the site embeds it in the snippet, and the Settings page and ``account/domains``
must show it again. It grants nothing but the right to open widget conversations on that domain
(from its allowed origins, throttled). What a visitor proves is its own visitor token, which is
random, shown once to its browser and stored hashed."""

from __future__ import annotations

import hashlib

from django.db import models


class WidgetPosition(models.TextChoices):
    BOTTOM_RIGHT = "bottom_right", "Bottom right"
    BOTTOM_LEFT = "bottom_left", "Bottom left"


class Domain(models.Model):
    organization = models.ForeignKey(
        "helpdesk.Organization", on_delete=models.CASCADE, related_name="domains"
    )
    inbox = models.OneToOneField("conversations.Inbox", on_delete=models.PROTECT, related_name="domain")
    label = models.CharField(max_length=100)
    website_url = models.URLField(max_length=500)
    website_token = models.CharField(max_length=64, unique=True)
    allowed_origins = models.JSONField(
        default=list, blank=True, help_text="Origins (scheme://host[:port]) whose pages may use the widget."
    )
    color = models.CharField(max_length=7, default="#4f46e5")
    position = models.CharField(
        max_length=20, choices=WidgetPosition.choices, default=WidgetPosition.BOTTOM_RIGHT
    )
    greeting = models.CharField(max_length=300, default="Hi! How can we help?")
    launcher_text = models.CharField(max_length=40, default="Chat with us")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "created_at"], name="domain_org_created")]

    def __str__(self) -> str:
        return f"{self.label} ({self.website_url})"


class WidgetVisitor(models.Model):
    """One browser on a domain: the holder of a visitor token reads and writes only the
    conversations bound to it."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="visitors")
    contact = models.ForeignKey(
        "conversations.Contact", on_delete=models.CASCADE, related_name="widget_visitors"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    conversations = models.ManyToManyField("conversations.Conversation", related_name="widget_visitors")
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Visitor {self.pk} on {self.domain_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        # Visitor tokens are 192-bit random values: a fast hash is enough (nothing to guess).
        return hashlib.sha256(token.encode()).hexdigest()
