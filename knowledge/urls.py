"""UI routes of the knowledge app (mounted at ``/``)."""

from django.urls import path

from knowledge.views import documents, items, search, sources

app_name = "knowledge"

urlpatterns = [
    path("knowledge/", documents.document_list, name="documents"),
    path("knowledge/upload/", sources.document_upload, name="upload"),
    path("knowledge/crawl/", sources.crawl, name="crawl"),
    path("knowledge/operations/<uuid:operation_id>/", sources.operation_progress, name="operation"),
    path("knowledge/documents/<int:pk>/", documents.document_detail, name="document"),
    path("knowledge/documents/<int:pk>/status/", documents.document_status, name="document-status"),
    path("knowledge/documents/<int:pk>/download/", documents.document_download, name="document-download"),
    path("knowledge/documents/<int:pk>/retry/", documents.document_retry, name="document-retry"),
    path("knowledge/documents/<int:pk>/review/", documents.document_review, name="document-review"),
    path("knowledge/documents/<int:pk>/delete/", documents.document_delete, name="document-delete"),
    path("knowledge/items/", items.item_list, name="items"),
    path("knowledge/items/new/", items.item_create, name="item-create"),
    path("knowledge/items/import/", items.item_import, name="items-import"),
    path("knowledge/items/<int:pk>/", items.item_detail, name="item"),
    path("knowledge/items/<int:pk>/delete/", items.item_delete, name="item-delete"),
    path("knowledge/search/", search.knowledge_search, name="search"),
]
