from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from conversations.services import defaults
        from helpdesk.services.accounts import register_organization_initializer

        # Every new organization gets the built-in statuses and an ``api`` inbox.
        register_organization_initializer(defaults.organization_defaults_create)
