"""Knowledge-base items (Nova Chat): CRUD, bulk import (JSON array ≤ 200) and file import (≤ 500),
plus ``knowledge/search``, the hybrid retrieval the chatbots use.

Roles: members with ``write`` create and edit items; deleting and bulk imports need an admin.
Search is a read: a key with only ``read`` may use it although it is a POST."""

from __future__ import annotations

import json

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.api.exceptions import ServiceError
from helpdesk.api.permissions import IsOrganizationMember, current_tenant
from helpdesk.api.viewsets import OrganizationScopedViewSet, TenantMixin
from helpdesk.errors import DomainError
from helpdesk.models import Role
from knowledge import retrieval, selectors, services
from knowledge.api.documents import domain_error_response
from knowledge.api.serializers import (
    KnowledgeImportItemSerializer,
    KnowledgeItemSerializer,
    KnowledgeItemWriteSerializer,
    SearchRequestSerializer,
    SearchResponseSerializer,
)

MAX_IMPORT_FILE_BYTES = 5 * 1024 * 1024


def _import_response(organization, membership, items, max_items: int) -> Response:
    try:
        created = services.kb_items_import(
            organization=organization, items=items, created_by=membership, max_items=max_items
        )
    except DomainError as exc:
        if "errors" in exc.extra:
            return domain_error_response(exc, fields={"items": exc.extra["errors"]})
        extra = {key: value for key, value in exc.extra.items() if key in ("max_items", "received")}
        return domain_error_response(exc, **extra)
    return Response(KnowledgeItemSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


def _items_from_json(value):
    """Accept a bare array, or an object wrapping it under items / questions / faqs / data."""
    if isinstance(value, dict):
        for key in ("items", "questions", "faqs", "faq", "data", "pairs"):
            if isinstance(value.get(key), list):
                return value[key]
    return value


@extend_schema(tags=["Knowledge: knowledge base"])
class KnowledgeItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Questions and answers the chatbots use; verified items rank first."""

    serializer_class = KnowledgeItemSerializer
    filterset_fields = ["category", "verified", "source"]
    ordering_fields = ["created_at", "updated_at", "title"]
    action_roles = {"destroy": Role.ADMIN, "import_items": Role.ADMIN}
    lookup_value_regex = r"\d+"

    def scoped_queryset(self, organization):
        return selectors.kb_item_list(organization=organization)

    @extend_schema(request=KnowledgeItemWriteSerializer, responses={201: KnowledgeItemSerializer})
    def create(self, request):
        form = KnowledgeItemWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = form.validated_data
        item = services.kb_item_create(
            organization=self.organization,
            title=values.get("title", ""),
            content=values.get("content", ""),
            category=values.get("category", ""),
            tags=values.get("tags") or [],
            verified=values.get("verified", False),
            created_by=self.membership,
        )
        return Response(KnowledgeItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=KnowledgeItemWriteSerializer, responses=KnowledgeItemSerializer)
    def update(self, request, pk=None):
        item = self.get_object()
        form = KnowledgeItemWriteSerializer(data=request.data, partial=request.method == "PATCH")
        form.is_valid(raise_exception=True)
        item = services.kb_item_update(item=item, **form.validated_data)
        return Response(KnowledgeItemSerializer(item).data)

    @extend_schema(request=KnowledgeItemWriteSerializer, responses=KnowledgeItemSerializer)
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.kb_item_delete(item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=KnowledgeImportItemSerializer(many=True),
        responses={
            201: KnowledgeItemSerializer(many=True),
            400: OpenApiResponse(
                description="Invalid items (per-item errors in fields.items); nothing created."
            ),
            413: OpenApiResponse(description="More than 200 items."),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        filterset_fields=[],
        ordering_fields=[],
        pagination_class=None,
    )
    def import_items(self, request):
        """Create up to 200 items from a JSON array, all or nothing (admin)."""
        return _import_response(
            self.organization, self.membership, _items_from_json(request.data), settings.KB_IMPORT_MAX_ITEMS
        )


@extend_schema(tags=["Knowledge: knowledge base"])
class KnowledgeFileImportView(TenantMixin, APIView):
    """Import a JSON file of Q&A pairs (at most 500): the body itself, or a file in field `file`.
    Items are {question, answer} or {title, content}, with optional category and tags (admin)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    required_role = Role.ADMIN

    @extend_schema(
        request={
            "application/json": KnowledgeImportItemSerializer(many=True),
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            },
        },
        responses={201: KnowledgeItemSerializer(many=True)},
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_FILE_BYTES:
                raise ServiceError("The JSON file is larger than 5 MB.", code="too_large", status_code=413)
            try:
                payload = json.loads(upload.read().decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise ServiceError(f"The file is not valid JSON: {exc}", fields={"file": ["Not valid JSON."]})
        else:
            payload = request.data
        return _import_response(
            self.organization, self.membership, _items_from_json(payload), settings.KB_FILE_IMPORT_MAX_ITEMS
        )


class SearchPermission(IsOrganizationMember):
    """A search changes nothing: it needs the ``read`` permission although it is a POST."""

    def has_permission(self, request, view):
        tenant = current_tenant(request)
        if tenant is None or not request.user or not request.user.is_authenticated:
            return False
        if not tenant.can("read"):
            self.message = "This API key lacks the 'read' permission."
            return False
        return True


@extend_schema(tags=["Knowledge: search"])
class KnowledgeSearchView(TenantMixin, APIView):
    """Hybrid retrieval (vector + keyword, verified Q&A first) over the organization's knowledge,
    optionally limited to documents, categories or KB items."""

    permission_classes = [SearchPermission]

    @extend_schema(request=SearchRequestSerializer, responses=SearchResponseSerializer)
    def post(self, request):
        form = SearchRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = form.validated_data
        hits = retrieval.retrieve(
            organization=self.organization,
            query=values["query"],
            document_ids=values.get("document_ids"),
            categories=values.get("categories"),
            kb_item_ids=values.get("kb_item_ids"),
            include_kb_items=values.get("include_kb_items", True),
            k=values.get("k", 5),
        )
        results = [
            {
                "source_type": hit.source_type,
                "chunk_id": hit.chunk_id,
                "document_id": hit.document_id,
                "kb_item_id": hit.kb_item_id,
                "title": hit.title,
                "section": hit.section,
                "page": hit.page,
                "category": hit.category,
                "snippet": retrieval.snippet(hit.text, values["query"]),
                "score": hit.score,
                "vector_score": hit.vector_score,
                "keyword_score": hit.keyword_score,
                "verified": hit.verified,
            }
            for hit in hits
        ]
        return Response({"query": values["query"], "count": len(results), "results": results})
