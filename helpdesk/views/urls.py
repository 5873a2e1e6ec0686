"""UI routes of the core: authentication, home, organization switcher and settings."""

from django.urls import include, path

from helpdesk.views import auth, home, invitations, notifications, presence
from helpdesk.views.settings import agents, api_keys, index, organization, profile, teams, webhooks

settings_patterns = [
    path("", index.settings_index, name="index"),
    path("organization/", organization.organization_settings, name="organization"),
    path("agents/", agents.agent_list, name="agents"),
    path("agents/<int:pk>/", agents.agent_detail, name="agent"),
    path("agents/<int:pk>/status/", agents.agent_set_enabled, name="agent-status"),
    path("agents/<int:pk>/remove/", agents.agent_remove, name="agent-remove"),
    path("teams/", teams.team_list, name="teams"),
    path("teams/new/", teams.team_create, name="team-create"),
    path("teams/<int:pk>/", teams.team_detail, name="team"),
    path("teams/<int:pk>/delete/", teams.team_delete, name="team-delete"),
    path("api-keys/", api_keys.api_key_list, name="api-keys"),
    path("api-keys/<int:pk>/revoke/", api_keys.api_key_revoke, name="api-key-revoke"),
    path("webhooks/", webhooks.webhook_list, name="webhooks"),
    path("webhooks/new/", webhooks.webhook_create, name="webhook-create"),
    path("webhooks/<int:pk>/", webhooks.webhook_detail, name="webhook"),
    path("webhooks/<int:pk>/delete/", webhooks.webhook_delete, name="webhook-delete"),
    path("webhooks/<int:pk>/deliveries/", webhooks.webhook_deliveries, name="webhook-deliveries"),
    path("webhooks/<int:pk>/test/", webhooks.webhook_test, name="webhook-test"),
    path(
        "webhooks/<int:pk>/deliveries/<uuid:delivery_id>/redeliver/",
        webhooks.webhook_redeliver,
        name="webhook-redeliver",
    ),
    path("profile/", profile.profile, name="profile"),
    path("profile/password/", profile.change_password, name="password"),
    path("profile/organizations/new/", profile.organization_create, name="organization-create"),
    path(
        "profile/invitations/<int:pk>/accept/",
        profile.invitation_respond,
        {"answer": "accept"},
        name="invitation-accept",
    ),
    path(
        "profile/invitations/<int:pk>/decline/",
        profile.invitation_respond,
        {"answer": "decline"},
        name="invitation-decline",
    ),
]

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invitation/<str:token>/", invitations.invitation_link, name="invitation-link"),
    path("switch-organization/", auth.switch_organization, name="switch-organization"),
    path("settings/", include((settings_patterns, "settings"))),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/menu/", notifications.notification_menu, name="notifications-menu"),
    path("notifications/<str:pk>/read/", notifications.notification_read, name="notification-read"),
    path("notifications/read-all/", notifications.notification_read_all, name="notifications-read-all"),
    path(
        "notifications/preferences/", notifications.notification_preferences, name="notification-preferences"
    ),
    path("presence/", presence.choose, name="presence"),
    path("presence/heartbeat/", presence.heartbeat, name="presence-heartbeat"),
    path("agents/suggest/", presence.agent_suggestions, name="agent-suggestions"),
    path("", home.home, name="home"),
]
