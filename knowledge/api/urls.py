"""``/api/v1/`` routes of the knowledge app."""

from django.urls import re_path

from helpdesk.api.routers import Router
from knowledge.api.documents import DocumentViewSet
from knowledge.api.knowledge_base import KnowledgeFileImportView, KnowledgeItemViewSet, KnowledgeSearchView

router = Router()
router.register("documents", DocumentViewSet, basename="document")
router.register("knowledge_base/items", KnowledgeItemViewSet, basename="knowledge-item")

urlpatterns = [
    re_path(r"^knowledge_base/import/?$", KnowledgeFileImportView.as_view(), name="api-knowledge-import"),
    re_path(r"^knowledge/search/?$", KnowledgeSearchView.as_view(), name="api-knowledge-search"),
    *router.urls,
]
