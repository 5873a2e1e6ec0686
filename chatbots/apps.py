from django.apps import AppConfig


class ChatbotsConfig(AppConfig):
    name = "chatbots"
    verbose_name = "Chatbots and AI assist"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from chatbots.services import assist, chatbots, training
        from helpdesk import limits
        from helpdesk.services import operations
        from helpdesk.services.accounts import register_organization_initializer

        limits.register_usage_counter("chatbots", chatbots.chatbot_count)
        from chatbots.services.conversation_bot import on_agent_takeover, on_message_created
        from helpdesk import events

        events.subscribe("message.created", on_message_created)
        events.subscribe("message.created", on_agent_takeover)
        events.subscribe("conversation.updated", on_agent_takeover)
        from chatbots.api.widget import answer_details
        from conversations.selectors.domains import register_message_details

        register_message_details(answer_details)  # sources and ratings under the widget's bot answers
        register_organization_initializer(assist.ai_prompts_ensure)
        operations.register_kind(
            training.TRAINING_KIND,
            fail=training.training_operation_failed,
            reopen=training.training_operation_reopen,
        )

        from helpdesk.navigation import register_nav_item, register_settings_page

        register_nav_item("chatbots", "Chatbots", "chatbots:list", order=40, icon="bot", shortcut="g b")
        register_settings_page(
            "ai-provider",
            "AI provider",
            "chatbots:ai-provider",
            400,
            "AI",
            "admin",
            icon="sparkles",
            description="The Ollama server and model the chatbots use.",
        )
