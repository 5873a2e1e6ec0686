"""Django admin for knowledge. Writes go through the services, so deleting here also removes the
file and the vectors, and re-ingesting queues the same task the API does."""

from django.contrib import admin, messages

from helpdesk.errors import DomainError
from knowledge import services
from knowledge.models import Document, DocumentEvent, KnowledgeItem


class DocumentEventInline(admin.TabularInline):
    model = DocumentEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "status", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "organization",
        "format",
        "status",
        "training_status",
        "chunk_count",
        "created_at",
    ]
    list_filter = ["status", "training_status", "format", "train_ai", "organization"]
    search_fields = ["title", "original_filename", "source_url", "sha256"]
    list_select_related = ["organization"]
    readonly_fields = [
        "organization",
        "file",
        "original_filename",
        "format",
        "content_type",
        "size",
        "sha256",
        "source_url",
        "status",
        "training_status",
        "error",
        "element_count",
        "chunk_count",
        "embedding_model",
        "operation",
        "processed_at",
        "summary",
        "key_features",
        "entities",
        "review_confidence",
        "review_model",
        "reviewed_at",
        "uploaded_by",
        "created_at",
        "updated_at",
    ]
    fields = ["title", "category", "description", "tags", "train_ai", *readonly_fields]
    inlines = [DocumentEventInline]
    actions = ["reingest"]

    def has_add_permission(self, request):
        return False  # uploads go through the UI or the API, which check the content

    def save_model(self, request, obj, form, change):
        changes = {
            field: form.cleaned_data[field]
            for field in form.changed_data
            if field in services.documents.EDITABLE_FIELDS
        }
        original = Document.objects.get(pk=obj.pk)
        try:
            services.document_update(document=original, **changes)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def delete_model(self, request, obj):
        services.document_delete(document=obj)

    def delete_queryset(self, request, queryset):
        for document in queryset:
            services.document_delete(document=document)

    @admin.action(description="Ingest again")
    def reingest(self, request, queryset):
        queued = 0
        for document in queryset:
            try:
                services.document_reingest(document=document)
                queued += 1
            except DomainError as exc:
                self.message_user(request, f"{document}: {exc.message}", messages.WARNING)
        self.message_user(request, f"Queued {queued} documents for ingestion.")


@admin.register(KnowledgeItem)
class KnowledgeItemAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "category", "verified", "source", "indexed_at", "updated_at"]
    list_filter = ["verified", "source", "organization"]
    search_fields = ["title", "content", "category"]
    list_select_related = ["organization"]
    readonly_fields = [
        "organization",
        "source",
        "embedding_model",
        "indexed_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    actions = ["mark_verified", "mark_unverified"]

    def has_add_permission(self, request):
        return False  # an item needs an organization: created through the UI or the API

    def save_model(self, request, obj, form, change):
        editable = services.kb_items.EDITABLE_FIELDS
        changes = {field: form.cleaned_data[field] for field in form.changed_data if field in editable}
        try:
            services.kb_item_update(item=KnowledgeItem.objects.get(pk=obj.pk), **changes)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def delete_model(self, request, obj):
        services.kb_item_delete(item=obj)

    def delete_queryset(self, request, queryset):
        for item in queryset:
            services.kb_item_delete(item=item)

    @admin.action(description="Mark as verified (ranks first)")
    def mark_verified(self, request, queryset):
        for item in queryset:
            services.kb_item_update(item=item, verified=True)

    @admin.action(description="Mark as not verified")
    def mark_unverified(self, request, queryset):
        for item in queryset:
            services.kb_item_update(item=item, verified=False)
