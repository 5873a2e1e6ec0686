from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = "Knowledge"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpdesk import health, limits
        from helpdesk.services import operations
        from knowledge import selectors, vectorstore
        from knowledge.services import documents

        health.register_check("vector_store", vectorstore.heartbeat)
        limits.register_usage_counter("documents", selectors.document_count)
        limits.register_usage_counter("kb_items", selectors.kb_item_count)
        operations.register_kind(
            documents.INGEST_KIND,
            fail=documents.ingest_operation_failed,
            reopen=documents.ingest_operation_reopen,
        )

        from helpdesk.navigation import register_nav_item

        register_nav_item(
            "knowledge", "Knowledge", "knowledge:documents", order=30, icon="knowledge", shortcut="g k"
        )
