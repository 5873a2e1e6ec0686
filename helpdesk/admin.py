"""Django admin for the core models. Secrets never appear; state changes go through the services."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.forms import UserCreationForm as DjangoUserCreationForm
from django.db import models
from django.db.models import Count

from helpdesk.models import ApiKey, Membership, Operation, Organization, Team, User, Webhook, WebhookDelivery
from helpdesk.services import api_keys as key_services
from helpdesk.services import webhooks as webhook_services

admin.site.site_header = "Parley administration"
admin.site.site_title = "Parley admin"
admin.site.index_title = "Organizations, people and integrations"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "availability_status", "is_active", "last_active_at")
    readonly_fields = ("last_active_at",)
    autocomplete_fields = ("user",)
    show_change_link = True


class UserMembershipInline(MembershipInline):
    fields = ("organization", "role", "availability_status", "is_active", "last_active_at")
    autocomplete_fields = ("organization",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "slug", "plan", "member_count", "created_at")
    list_filter = ("plan",)
    search_fields = ("name", "slug")
    readonly_fields = ("created_at", "updated_at")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "plan", "timezone")}),
        (
            "Limits (empty = unlimited)",
            {
                "fields": (
                    "limit_agents",
                    "limit_domains",
                    "limit_chatbots",
                    "limit_documents",
                    "limit_kb_items",
                )
            },
        ),
        (
            "Assistant",
            {
                "fields": (
                    "logo_url",
                    "assistant_name",
                    "chatbot_name",
                    "chat_system_message",
                    "welcome_message",
                    "starter_message",
                    "error_message",
                )
            },
        ),
        (
            "Outbound and AI provider",
            {"fields": ("allowed_outbound_hosts", "ollama_endpoints", "ollama_endpoint", "ollama_model")},
        ),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("memberships"))

    @admin.display(description="Members", ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


class UserCreationForm(DjangoUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)
        field_classes: dict = {}


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's UserAdmin with the email as the login."""

    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = ("last_login", "date_joined")
    inlines = [UserMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "avatar_url", "phone_number")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # memberships are added once the user exists


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "availability_status", "is_active", "last_active_at")
    list_filter = ("role", "availability_status", "is_active", "organization")
    search_fields = ("user__email", "user__first_name", "user__last_name", "organization__name")
    list_select_related = ("user", "organization")
    autocomplete_fields = ("user", "organization")
    filter_horizontal = ("teams",)
    readonly_fields = ("last_active_at", "created_at", "updated_at")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Only the membership's own organization's teams can be picked.
        if db_field.name == "teams":
            object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            membership = Membership.objects.filter(pk=object_id).first() if object_id else None
            if membership is not None:
                kwargs["queryset"] = Team.objects.filter(organization=membership.organization_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "organization",
        "conversation_assignment_type",
        "max_auto_assigned_conversations",
    )
    list_filter = ("conversation_assignment_type", "organization")
    search_fields = ("name", "organization__name")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created through the UI or the API (the secret is shown once there); the admin can
    inspect and revoke them, never see or change a secret."""

    list_display = ("name", "key_id", "organization", "kind", "owner", "last_used_at", "status")
    list_filter = ("kind", "organization")
    search_fields = ("name", "key_id", "organization__name", "membership__user__email")
    list_select_related = ("organization", "membership__user")
    readonly_fields = (
        "organization",
        "membership",
        "kind",
        "key_id",
        "permissions",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "created_at",
    )
    fields = ("name", *readonly_fields)  # never secret_hash
    actions = ["revoke_keys"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Owner", ordering="membership__user__email")
    def owner(self, obj):
        return obj.membership.user.email

    @admin.display(description="Status")
    def status(self, obj):
        if obj.revoked_at:
            return "revoked"
        return "active" if obj.is_usable else "expired"

    @admin.action(description="Revoke selected API keys")
    def revoke_keys(self, request, queryset):
        count = 0
        for api_key in queryset.filter(revoked_at__isnull=True):
            key_services.api_key_revoke(api_key=api_key)
            count += 1
        self.message_user(request, f"Revoked {count} key(s).", messages.SUCCESS)


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "organization", "progress_done", "progress_total", "created_at")
    list_filter = ("kind", "status", "organization")
    search_fields = ("id", "kind", "message", "target_id", "organization__name")
    list_select_related = ("organization",)
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a record of what a job did: viewable, not editable


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("url", "organization", "is_active", "event_list", "created_at")
    list_filter = ("is_active", "organization")
    search_fields = ("url", "description", "organization__name")
    list_select_related = ("organization",)
    # Created and re-pointed through the UI or the API, so the URL always passes the outbound guard;
    # here an admin may pause it or describe it. The secret is never shown.
    fields = ("organization", "url", "events", "description", "is_active", "created_at", "updated_at")
    readonly_fields = ("organization", "url", "events", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        webhook_services.webhook_update(webhook=obj, description=obj.description, is_active=obj.is_active)

    @admin.display(description="Events")
    def event_list(self, obj):
        return ", ".join(obj.events or [])


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "webhook", "status", "attempts", "response_status_code", "created_at")
    list_filter = ("status", "event", "organization")
    search_fields = ("id", "event", "webhook__url", "last_error")
    list_select_related = ("webhook", "organization")
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
