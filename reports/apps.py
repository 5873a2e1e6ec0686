from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from helpdesk import events
        from helpdesk.navigation import register_nav_item
        from reports.facts import EVENT_KEYS, business_hours_changed, conversation_changed

        for name in EVENT_KEYS:  # the rollup follows the conversations' changes
            events.subscribe(name, conversation_changed)
        events.subscribe("business_hours.changed", business_hours_changed)
        # After ``migrate`` (``make run`` and the Procfile's release step both run it): conversations
        # from before the rollup existed get their rows, so an upgrade keeps its reports.
        post_migrate.connect(fill_missing_facts, sender=self, dispatch_uid="reports-fill-missing-facts")

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


def fill_missing_facts(sender, verbosity: int = 1, using: str = "default", **kwargs) -> None:
    """Write the rollup's rows of the conversations that have none (nothing to do, one query)."""
    from django.db import connections

    from conversations.models import Conversation
    from reports.facts import conversation_facts_rebuild
    from reports.models import ConversationFacts

    connection = connections[using]
    if ConversationFacts._meta.db_table not in connection.introspection.table_names():
        return  # migrated back before the rollup
    if not Conversation.objects.using(using).filter(report_facts__isnull=True).exists():
        return

    def progress(done: int, total: int) -> None:
        if verbosity:
            print(f"  Report facts: {done:,} of {total:,} conversations")

    conversation_facts_rebuild(missing_only=True, progress=progress)
