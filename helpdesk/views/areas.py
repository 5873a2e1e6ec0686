"""The core's entries in the navigation registry (called from ``HelpdeskConfig.ready()``)."""

from helpdesk.navigation import register_nav_item, register_settings_page


def register_core_navigation() -> None:
    # Settings is always there but is never the landing area: home shows "getting started" instead.
    register_nav_item(
        "settings", "Settings", "settings:index", order=1000, icon="settings", shortcut="g s", landing=False
    )
    register_settings_page(
        "organization", "Organization", "settings:organization", 10, "Workspace", "admin", icon="building"
    )
    register_settings_page("agents", "Agents", "settings:agents", 20, "Workspace", "agent", icon="users")
    register_settings_page("teams", "Teams", "settings:teams", 30, "Workspace", "agent", icon="layers")
    register_settings_page(
        "api-keys", "API keys", "settings:api-keys", 500, "Developers", "admin", icon="key"
    )
    register_settings_page(
        "webhooks", "Webhooks", "settings:webhooks", 510, "Developers", "admin", icon="webhook"
    )
    register_settings_page("profile", "My profile", "settings:profile", 900, "Account", "agent", icon="user")
