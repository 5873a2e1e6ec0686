from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from conversations.services import defaults
        from helpdesk.services.accounts import register_organization_initializer

        # Every new organization gets the built-in statuses and an ``api`` inbox.
        register_organization_initializer(defaults.organization_defaults_create)
        _register_domains()
        _register_navigation()
        _register_notifications()


def _register_domains() -> None:
    """Bound domains count against the plan and are listed by ``account/status``."""
    from conversations.selectors.domains import domains_brief
    from conversations.services.domains import domain_count
    from helpdesk.api.views.accounts import register_domain_lister
    from helpdesk.limits import register_usage_counter

    register_usage_counter("domains", domain_count)
    register_domain_lister(domains_brief)


def _register_notifications() -> None:
    """Mentions, replies and assign-on-reply follow each new message."""
    from conversations.services.notifications import register_notification_subscribers

    register_notification_subscribers()


def _register_navigation() -> None:
    """The agent UI's areas and settings pages (``helpdesk.navigation``)."""
    from helpdesk.navigation import register_nav_item, register_settings_page

    register_nav_item("inbox", "Inbox", "conversations:inbox", order=10, icon="inbox", shortcut="g i")
    register_nav_item(
        "contacts", "Contacts", "conversations:contacts", order=20, icon="contacts", shortcut="g c"
    )
    section = "Conversations"
    pages = [
        ("inboxes", "Inboxes", "conversations:settings-inboxes", 300, "admin", "inbox"),
        ("statuses", "Statuses", "conversations:settings-statuses", 310, "admin", "check"),
        ("tags", "Tags", "conversations:settings-tags", 320, "agent", "tag"),
        ("canned-responses", "Canned responses", "conversations:settings-canned", 330, "agent", "message"),
        ("macros", "Macros", "conversations:settings-macros", 340, "agent", "zap"),
        ("sla-policies", "SLA policies", "conversations:settings-sla", 350, "admin", "clock"),
        ("business-hours", "Business hours", "conversations:settings-business-hours", 360, "admin", "globe"),
        ("domains", "Website domains", "conversations:settings-domains", 370, "admin", "globe"),
    ]
    for key, label, url_name, order, min_role, icon in pages:
        register_settings_page(key, label, url_name, order, section, min_role, icon=icon)
