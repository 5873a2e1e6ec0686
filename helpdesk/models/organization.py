import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from helpdesk.validators import validate_time_zone

LIMITED_RESOURCES = ("agents", "domains", "chatbots", "documents", "kb_items")


class Plan(models.TextChoices):
    STARTER = "starter", "Starter"
    BUSINESS = "business", "Business"
    ENTERPRISE = "enterprise", "Enterprise"
    SELF_HOSTED = "self_hosted", "Self-hosted"


# None means "no limit". API.md: Nova Chat's starter numbers, business, unlimited above.
PLAN_LIMITS: dict[str, dict[str, int | None]] = {
    Plan.STARTER: {"domains": 1, "agents": 3, "kb_items": 50, "chatbots": 1, "documents": 25},
    Plan.BUSINESS: {"domains": 10, "agents": 25, "kb_items": 1000, "chatbots": 10, "documents": 1000},
    Plan.ENTERPRISE: dict.fromkeys(LIMITED_RESOURCES),
    Plan.SELF_HOSTED: dict.fromkeys(LIMITED_RESOURCES),
}


def default_time_zone() -> str:
    """The server's ``TIME_ZONE`` when it names an IANA zone, else UTC (a new organization's zone)."""
    name = str(getattr(settings, "TIME_ZONE", "") or "")
    try:
        validate_time_zone(name)
    except ValidationError:
        return "UTC"
    return name


class Organization(models.Model):
    """A tenant. Every other row in the product belongs to exactly one organization."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.STARTER)
    limit_agents = models.PositiveIntegerField(null=True, blank=True)
    limit_domains = models.PositiveIntegerField(null=True, blank=True)
    limit_chatbots = models.PositiveIntegerField(null=True, blank=True)
    limit_documents = models.PositiveIntegerField(null=True, blank=True)
    limit_kb_items = models.PositiveIntegerField(null=True, blank=True)

    # SysAid-style assistant settings (API: account/settings).
    logo_url = models.URLField(blank=True)
    assistant_name = models.CharField(max_length=100, default="Parley Assistant")
    chatbot_name = models.CharField(max_length=100, default="Parley Bot")
    chat_system_message = models.TextField(blank=True)
    welcome_message = models.TextField(default="Hi! How can we help you today?")
    starter_message = models.TextField(blank=True)
    error_message = models.TextField(
        default="I'm not sure about that one. Would you like me to connect you with a person from our team?"
    )

    timezone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text="IANA time zone (such as Asia/Kolkata): the dates and times the product shows, and the days of reports.",
    )

    # Outbound safety and AI provider (admin-managed).
    allowed_outbound_hosts = models.JSONField(default=list, blank=True)
    ollama_endpoints = models.JSONField(default=list, blank=True)
    ollama_endpoint = models.CharField(max_length=300, blank=True)
    ollama_model = models.CharField(max_length=200, blank=True)

    # The conversations app's schedule, named by string (the helpdesk imports no app).
    default_business_hours = models.ForeignKey(
        "conversations.BusinessHours",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Used where a team has no business hours of its own (the bot's out-of-hours hand-off notice).",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def limits(self) -> dict[str, int | None]:
        return {resource: getattr(self, f"limit_{resource}") for resource in LIMITED_RESOURCES}

    @property
    def agentic_rag_enabled(self) -> bool:
        return self.plan != Plan.STARTER

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """``timezone`` as a ZoneInfo (UTC when the stored name is not a known zone)."""
        try:
            validate_time_zone(self.timezone)
            return zoneinfo.ZoneInfo(self.timezone)
        except (ValidationError, zoneinfo.ZoneInfoNotFoundError):  # a stale name must not break a page
            return zoneinfo.ZoneInfo("UTC")

    def apply_plan_limits(self) -> None:
        for resource, value in PLAN_LIMITS[self.plan].items():
            setattr(self, f"limit_{resource}", value)
