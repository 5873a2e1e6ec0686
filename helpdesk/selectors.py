"""Read queries of the core domain, always scoped to one organization."""

from django.db.models import Prefetch, QuerySet

from helpdesk.models import ApiKey, Membership, Operation, Organization, Team, Webhook, WebhookDelivery
from helpdesk.models.api_key import ApiKeyKind


def agent_list(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .prefetch_related(Prefetch("teams", queryset=Team.objects.only("id", "name", "emoji")))
        .order_by("user__first_name", "user__email")
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
