"""Django admin for the chatbots app (operators; the organization-facing UI is elsewhere)."""

from django.contrib import admin, messages

from chatbots.models import AIFeedback, AIPrompt, Chatbot, ChatMessage, ChatSession, Training
from chatbots.services import sessions as session_services


@admin.register(Chatbot)
class ChatbotAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "organization",
        "model",
        "derived_model_name",
        "is_active",
        "handoff_enabled",
        "updated_at",
    )
    list_filter = ("is_active", "handoff_enabled")
    search_fields = ("name", "organization__name", "model")
    raw_id_fields = ("organization", "handoff_team", "created_by", "product_documents", "verified_items")
    readonly_fields = ("derived_model_name", "derived_model_at", "created_at", "updated_at")


class ChatMessageInline(admin.TabularInline):
    model = ChatMessage
    extra = 0
    can_delete = False
    fields = ("index", "role", "content", "mode", "confidence", "rating", "verification_indicator")
    readonly_fields = fields
    ordering = ("index",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description="Escalate to a person (creates a conversation)")
def escalate_sessions(modeladmin, request, queryset):
    queued = 0
    for session in queryset:
        try:
            session_services.chat_escalate(session=session)
            queued += 1
        except session_services.SessionError as exc:
            modeladmin.message_user(request, f"{session.session_id}: {exc.message}", messages.WARNING)
    modeladmin.message_user(request, f"{queued} escalation(s) queued.")


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    list_display = (
        "session_id",
        "organization",
        "chatbot",
        "username",
        "status",
        "message_count",
        "updated_at",
    )
    list_filter = ("status",)
    search_fields = ("session_id", "username", "title", "chatbot__name")
    raw_id_fields = ("organization", "chatbot", "created_by", "escalation_operation")
    readonly_fields = ("session_id", "message_count", "created_at", "updated_at")
    inlines = [ChatMessageInline]
    actions = [escalate_sessions]


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = (
        "session",
        "index",
        "role",
        "mode",
        "confidence",
        "rating",
        "verification_indicator",
        "created_at",
    )
    list_filter = ("role", "mode", "rating", "verification_indicator", "read_indicator")
    search_fields = ("content", "question", "session__session_id")
    raw_id_fields = ("organization", "session", "verified_item", "reviewed_by")
    readonly_fields = ("retrieval", "sources", "latency_ms", "created_at", "updated_at")


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = (
        "training_id",
        "organization",
        "chatbot",
        "training_type",
        "status",
        "documents_processed",
        "total_documents",
        "created_at",
    )
    list_filter = ("training_type", "status")
    search_fields = ("training_id", "chatbot__name")
    raw_id_fields = ("organization", "chatbot", "operation", "created_by")
    readonly_fields = (
        "training_id",
        "result",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "updated_at",
    )


@admin.register(AIPrompt)
class AIPromptAdmin(admin.ModelAdmin):
    list_display = ("key", "title", "organization", "is_builtin", "updated_at")
    list_filter = ("is_builtin",)
    search_fields = ("key", "title", "organization__name")
    raw_id_fields = ("organization",)


@admin.register(AIFeedback)
class AIFeedbackAdmin(admin.ModelAdmin):
    list_display = ("id", "organization", "conversation", "created_by", "created_at")
    raw_id_fields = ("organization", "conversation", "created_by")
