from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Helpdesk core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpdesk import health  # noqa: F401  (registers the core health checks)
        from helpdesk.api import schema  # noqa: F401  (OpenAPI auth extensions)
        from helpdesk.services.agents import register_agent_usage

        register_agent_usage()

        from helpdesk.services.webhooks import register_webhook_subscriber

        register_webhook_subscriber()

        from helpdesk.realtime.domain_events import register_realtime_subscriber

        register_realtime_subscriber()

        from helpdesk.views.areas import register_core_navigation

        register_core_navigation()

        from helpdesk.credential_cache import register_credential_cache_invalidation

        register_credential_cache_invalidation()
