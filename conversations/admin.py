"""Django admin for the conversations domain. State changes go through the services (admin
actions), so activity entries and events stay consistent with the API and the UI."""

from django.contrib import admin, messages

from conversations.models import (
    Attachment,
    BusinessHours,
    CannedResponse,
    Contact,
    ContactNote,
    Conversation,
    CsatSurvey,
    Domain,
    EmailRecord,
    Inbox,
    Macro,
    Mailbox,
    Message,
    SavedView,
    SLABreach,
    SLAPolicy,
    Status,
    StatusCategory,
    Tag,
    WidgetVisitor,
)
from conversations.services import defaults, lifecycle
from helpdesk.errors import DomainError


class ContactNoteInline(admin.TabularInline):
    model = ContactNote
    extra = 0
    fields = ("note", "author", "created_at")
    readonly_fields = ("author", "created_at")
    raw_id_fields = ("author",)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("email", "first_name", "last_name", "organization", "enabled", "created_at")
    list_filter = ("enabled", "organization")
    search_fields = ("email", "first_name", "last_name", "phone_number")
    raw_id_fields = ("organization",)
    inlines = [ContactNoteInline]


@admin.register(Inbox)
class InboxAdmin(admin.ModelAdmin):
    list_display = ("name", "channel", "email", "organization", "enabled", "csat_enabled")
    list_filter = ("channel", "enabled", "csat_enabled")
    raw_id_fields = ("organization",)


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    """Binding goes through the service (inbox, token, plan limit): admins change, not add."""

    list_display = ("label", "website_url", "organization", "is_active", "created_at")
    list_filter = ("is_active", "position")
    search_fields = ("label", "website_url")
    raw_id_fields = ("organization", "inbox")
    readonly_fields = ("website_token", "inbox", "organization", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False


@admin.register(WidgetVisitor)
class WidgetVisitorAdmin(admin.ModelAdmin):
    list_display = ("id", "domain", "contact", "created_at", "last_seen_at")
    raw_id_fields = ("organization", "domain", "contact", "conversations")
    readonly_fields = ("token_hash", "created_at", "last_seen_at")

    def has_add_permission(self, request):
        return False


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "is_builtin", "organization")
    list_filter = ("category", "is_builtin")
    raw_id_fields = ("organization",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "created_at")
    search_fields = ("name",)
    raw_id_fields = ("organization",)


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ("created_at", "type", "private", "sender_type", "status", "text_content")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


def _set_status(modeladmin, request, queryset, category):
    changed = 0
    for conversation in queryset.select_related("organization", "status", "contact", "inbox"):
        try:
            lifecycle.conversation_set_status(
                conversation=conversation,
                status=defaults.builtin_status(conversation.organization, category),
                actor=None,
            )
            changed += 1
        except DomainError as exc:
            modeladmin.message_user(
                request, f"#{conversation.reference_number}: {exc.message}", messages.ERROR
            )
    modeladmin.message_user(request, f"{changed} conversation(s) updated.")


@admin.action(description="Resolve selected conversations")
def resolve_conversations(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, StatusCategory.RESOLVED)


@admin.action(description="Close selected conversations")
def close_conversations(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, StatusCategory.CLOSED)


@admin.action(description="Reopen selected conversations")
def reopen_conversations(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, StatusCategory.OPEN)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = (
        "reference_number", "subject", "organization", "contact", "status", "priority",
        "assigned_agent", "assigned_team", "last_message_at",
    )  # fmt: skip
    list_filter = ("status__category", "priority", "inbox__channel")
    search_fields = ("subject", "contact__email", "=reference_number", "=uuid")
    raw_id_fields = (
        "organization", "contact", "inbox", "status", "assigned_agent", "assigned_team",
        "merged_into", "created_by", "sla_policy",
    )  # fmt: skip
    readonly_fields = ("uuid", "reference_number", "created_at", "updated_at")
    list_select_related = ("organization", "contact", "status", "assigned_agent__user", "assigned_team")
    actions = [resolve_conversations, close_conversations, reopen_conversations]
    inlines = [MessageInline]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("filename", "content_type", "size", "disposition")
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("uuid", "conversation", "type", "private", "sender_type", "status", "created_at")
    list_filter = ("type", "status", "private")
    search_fields = ("=uuid", "text_content")
    raw_id_fields = ("organization", "conversation", "sender_agent", "sender_contact")
    readonly_fields = ("uuid", "content", "created_at", "updated_at")
    inlines = [AttachmentInline]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("filename", "content_type", "size", "disposition", "organization", "created_at")
    list_filter = ("content_type",)
    raw_id_fields = ("organization", "message", "uploaded_by")
    readonly_fields = ("uuid", "file", "content_type", "size", "disposition")


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "visibility", "owner", "organization")
    raw_id_fields = ("organization", "owner")


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "updated_at")
    search_fields = ("title", "content")
    raw_id_fields = ("organization", "created_by")


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "updated_at")
    raw_id_fields = ("organization", "created_by")


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):
    list_display = ("name", "timezone", "is_always_open", "organization")
    raw_id_fields = ("organization",)


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name", "organization", "first_response_minutes", "next_response_minutes", "resolution_minutes",
        "position", "is_active",
    )  # fmt: skip
    list_filter = ("is_active",)
    raw_id_fields = ("organization", "business_hours")


@admin.register(SLABreach)
class SLABreachAdmin(admin.ModelAdmin):
    list_display = ("conversation", "metric", "deadline_at", "breached_at", "organization")
    list_filter = ("metric",)
    raw_id_fields = ("organization", "conversation")


@admin.register(CsatSurvey)
class CsatSurveyAdmin(admin.ModelAdmin):
    """Read-only: a survey is asked on resolve and answered by the contact (services only)."""

    list_display = ("conversation", "resolution_seq", "rating", "channel", "inbox", "asked_at", "answered_at")
    list_filter = ("rating", "channel", ("answered_at", admin.EmptyFieldListFilter), "organization")
    search_fields = ("conversation__subject", "contact__email", "comment")
    list_select_related = ("conversation", "inbox")
    date_hierarchy = "asked_at"
    raw_id_fields = ("organization", "conversation", "contact", "inbox")
    readonly_fields = [field.name for field in CsatSurvey._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    """Read-only (settings change on the inbox's Mailbox page, through ``mailbox_save``; the
    passwords are never shown); actions test the connection and queue a poll."""

    list_display = (
        "inbox",
        "username",
        "host",
        "folder",
        "enabled",
        "bot_mode",
        "last_poll_at",
        "last_error",
    )
    list_filter = ("enabled", "bot_mode", "security", "organization")
    search_fields = ("inbox__name", "username", "host")
    list_select_related = ("inbox",)
    exclude = ("password_encrypted", "smtp_password_encrypted")
    readonly_fields = [
        field.name
        for field in Mailbox._meta.fields
        if field.name not in ("password_encrypted", "smtp_password_encrypted")
    ]
    actions = ["test_connection", "poll_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Test the IMAP connection")
    def test_connection(self, request, queryset):
        from conversations.services.mailboxes import mailbox_test_connection

        for mailbox in queryset:
            try:
                self.message_user(request, f"{mailbox}: {mailbox_test_connection(mailbox=mailbox)}")
            except DomainError as error:
                self.message_user(request, f"{mailbox}: {error.message}", level=messages.ERROR)

    @admin.action(description="Poll now")
    def poll_now(self, request, queryset):
        from conversations.services.mailboxes import mailboxes_poll_now

        self.message_user(request, f"{mailboxes_poll_now(mailboxes=list(queryset))} poll(s) queued.")


@admin.register(EmailRecord)
class EmailRecordAdmin(admin.ModelAdmin):
    """Read-only: the Message-IDs of the mail an email inbox imported, dropped or sent."""

    list_display = ("header_id", "direction", "outcome", "sender", "inbox", "uid", "created_at")
    list_filter = ("direction", "outcome", "organization")
    search_fields = ("header_id", "sender")
    list_select_related = ("inbox",)
    raw_id_fields = ("organization", "inbox", "message")
    readonly_fields = [field.name for field in EmailRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
