"""Read queries of the core domain, always scoped to one organization."""

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet

from helpdesk import ollama
from helpdesk.models import (
    ApiKey,
    Invitation,
    InvitationStatus,
    Membership,
    Notification,
    NotificationPreference,
    Operation,
    Organization,
    Team,
    Webhook,
    WebhookDelivery,
)
from helpdesk.models.api_key import ApiKeyKind


def agent_list(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .prefetch_related(Prefetch("teams", queryset=Team.objects.only("id", "name", "emoji")))
        .order_by("user__first_name", "user__email")
    )


def member_organizations(*, user) -> QuerySet[Membership]:
    """The user's active memberships with their organizations, oldest first."""
    return (
        Membership.objects.select_related("organization")
        .filter(user=user, is_active=True)
        .order_by("created_at")
    )


def pending_invitations(*, user) -> QuerySet[Invitation]:
    """Invitations waiting for the user's answer, newest first."""
    return Invitation.objects.select_related("organization", "user", "invited_by__user").filter(
        user=user, status=InvitationStatus.PENDING
    )


def team_list(*, organization: Organization) -> QuerySet[Team]:
    return Team.objects.filter(organization=organization).order_by("name")


def api_key_list(*, organization: Organization) -> QuerySet[ApiKey]:
    return (
        ApiKey.objects.filter(organization=organization, kind=ApiKeyKind.ORGANIZATION)
        .select_related("membership__user")
        .order_by("-created_at")
    )


def operation_list(*, organization: Organization) -> QuerySet[Operation]:
    return Operation.objects.filter(organization=organization).order_by("-created_at")


def webhook_list(*, organization: Organization) -> QuerySet[Webhook]:
    return Webhook.objects.filter(organization=organization).order_by("-created_at")


def webhook_delivery_list(*, organization: Organization, webhook: Webhook) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(organization=organization, webhook=webhook).order_by("-created_at")


def ai_provider_summary(*, organization: Organization) -> dict:
    """Which AI providers the organization uses: the LLM (Ollama endpoint and default model in
    use, the endpoints its chatbots may use, the server's defaults) and the embedding backend.
    No network: reachability is what a connection test or the chatbots' probe tells. The
    settings page and ``GET ai/provider`` show this same summary."""
    server_default = ollama.server_default_endpoint()
    configured = ollama.normalize_endpoints([organization.ollama_endpoint])
    return {
        "provider": "ollama",
        "endpoint": configured[0] if configured else organization.ollama_endpoint or server_default,
        "model": ollama.default_model(organization),
        "uses_server_default": not organization.ollama_endpoint,
        "endpoints": ollama.allowed_endpoints(organization),
        "server_default": {"endpoint": server_default, "model": ollama.default_model(None)},
        "embedding": {
            "backend": str(settings.EMBEDDING_BACKEND).strip().lower(),
            "model": settings.EMBEDDING_MODEL,
        },
    }


def notification_list(*, membership: Membership, unread: bool | None = None) -> QuerySet[Notification]:
    """The member's own notifications, newest first (with who caused them)."""
    rows = (
        Notification.objects.filter(organization_id=membership.organization_id, recipient=membership)
        .select_related("actor__user")
        .annotate(conversation_uuid=F("conversation__uuid"))
    )
    if unread is True:
        rows = rows.filter(read_at__isnull=True)
    elif unread is False:
        rows = rows.filter(read_at__isnull=False)
    return rows.order_by("-created_at", "-id")


def notification_unread_count(*, membership: Membership) -> int:
    return Notification.objects.filter(recipient=membership, read_at__isnull=True).count()


def notification_preference(*, membership: Membership) -> NotificationPreference:
    """The member's preferences, or the defaults (unsaved: a read never writes)."""
    stored = NotificationPreference.objects.filter(membership=membership).first()
    return stored or NotificationPreference(membership=membership)


def agent_suggestions(*, organization: Organization, prefix: str, limit: int = 8) -> list[Membership]:
    """Active agents of the organization whose first name, last name or email starts with
    ``prefix`` (the @mention autocomplete), by name."""
    prefix = (prefix or "").strip()
    rows = Membership.objects.filter(organization=organization, is_active=True, user__is_active=True)
    if prefix:
        rows = rows.filter(
            Q(user__first_name__istartswith=prefix)
            | Q(user__last_name__istartswith=prefix)
            | Q(user__email__istartswith=prefix)
        )
    return list(rows.select_related("user").order_by("user__first_name", "user__email")[:limit])
