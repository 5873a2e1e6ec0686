from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpdesk import events
        from helpdesk.navigation import register_nav_item
        from reports.facts import EVENT_KEYS, conversation_changed

        for name in EVENT_KEYS:  # the rollup follows the conversations' changes
            events.subscribe(name, conversation_changed)

        register_nav_item(
            "reports",
            "Reports",
            "reports:overview",
            order=50,
            icon="chart",
            min_role="admin",
            shortcut="g r",
            landing=False,
        )
