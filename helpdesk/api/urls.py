"""``/api/v1/`` routes of the core domain. Each app adds its own in ``<app>/api/urls.py``."""

from django.urls import re_path

from helpdesk.api.routers import Router
from helpdesk.api.views import (
    accounts,
    ai_provider,
    health,
    invitations,
    keys,
    notifications,
    operations,
    people,
    webhooks,
)

router = Router()
router.register("agents", people.AgentViewSet, basename="agent")
router.register("teams", people.TeamViewSet, basename="team")
router.register("api-keys", keys.ApiKeyViewSet, basename="api-key")
router.register("operations", operations.OperationViewSet, basename="operation")
router.register("webhooks", webhooks.WebhookViewSet, basename="webhook")
router.register("notifications", notifications.NotificationViewSet, basename="notification")

urlpatterns = [
    re_path(r"^accounts/?$", accounts.AccountCreateView.as_view(), name="api-accounts"),
    re_path(r"^organizations/?$", accounts.OrganizationsView.as_view(), name="api-organizations"),
    re_path(r"^invitations/?$", invitations.InvitationListView.as_view(), name="api-invitations"),
    re_path(
        r"^invitations/(?P<invitation_id>\d{1,18})/accept/?$",
        invitations.InvitationAcceptView.as_view(),
        name="api-invitation-accept",
    ),
    re_path(
        r"^invitations/(?P<invitation_id>\d{1,18})/decline/?$",
        invitations.InvitationDeclineView.as_view(),
        name="api-invitation-decline",
    ),
    re_path(r"^auth/login/?$", accounts.LoginView.as_view(), name="api-login"),
    re_path(r"^account/status/?$", accounts.AccountStatusView.as_view(), name="api-account-status"),
    re_path(r"^account/settings/?$", accounts.AccountSettingsView.as_view(), name="api-account-settings"),
    re_path(r"^health/?$", health.HealthView.as_view(), name="api-health"),
    re_path(r"^ai/provider/?$", ai_provider.AIProviderView.as_view(), name="api-ai-provider"),
    re_path(r"^ai/provider/test/?$", ai_provider.AIProviderTestView.as_view(), name="api-ai-provider-test"),
    *router.urls,
]
