"""Documents (Novumdesk) and URL crawling (SysAid URLMaster).

Roles: members with the ``write`` permission upload, edit, re-ingest and review; deleting a
document and starting a crawl (outbound requests, many documents at once) need an admin."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from helpdesk.api.exceptions import error_body
from helpdesk.api.viewsets import OrganizationScopedViewSet
from helpdesk.errors import DomainError
from helpdesk.models import Role
from knowledge import selectors, services
from knowledge.api.serializers import (
    ChunkSerializer,
    CrawlRequestSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
    DocumentUpdateSerializer,
    DocumentUploadResultSerializer,
    DocumentUploadSerializer,
    OperationAcceptedSerializer,
    ReingestSerializer,
    ReviewRequestSerializer,
    ReviewResponseSerializer,
)
from knowledge.ingestion.formats import CONTENT_TYPES
from knowledge.services.uploads import documents_upload


def domain_error_response(exc: DomainError, *, fields: dict | None = None, **extra) -> Response:
    """The error shape, with the domain error's extra details (e.g. the duplicate's id)."""
    if fields is None:
        fields = {exc.field: [exc.message]} if exc.field else {}
    return Response({**error_body(exc.message, exc.code, fields), **extra}, status=exc.status_code)


@extend_schema(tags=["Knowledge: documents"])
class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Uploaded and crawled documents, their ingestion state, chunks and review."""

    serializer_class = DocumentSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["category", "status", "training_status", "format", "train_ai"]
    ordering_fields = ["created_at", "updated_at", "title", "size"]
    action_roles = {"destroy": Role.ADMIN, "crawl": Role.ADMIN}
    lookup_value_regex = r"\d+"

    def scoped_queryset(self, organization):
        documents = selectors.document_list(organization=organization)
        if getattr(self, "action", None) == "retrieve":
            documents = documents.prefetch_related("events")
        return documents

    def get_serializer_class(self):
        return DocumentDetailSerializer if getattr(self, "action", None) == "retrieve" else DocumentSerializer

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={
            201: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="DocumentUploadResponse",
                    serializers=[DocumentSerializer, DocumentUploadResultSerializer],
                    resource_type_field_name=None,
                ),
                description="One file: the document. Several: {results, errors}.",
            ),
            409: OpenApiResponse(description="Duplicate content or plan limit."),
            413: OpenApiResponse(description="Too large (or a DOCX archive bomb)."),
            415: OpenApiResponse(description="Not a supported format (decided by content)."),
        },
    )
    def create(self, request):
        """Upload one (`file`) or several (`files`) documents. Answers at once with status
        `processing`; ingestion runs on the worker (follow `operation_id`)."""
        form = DocumentUploadSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        outcomes = documents_upload(
            organization=self.organization,
            uploaded_by=self.membership,
            files=values.pop("uploads"),
            **values,
        )
        created = [outcome.document for outcome in outcomes if outcome.ok]
        refused = [outcome for outcome in outcomes if not outcome.ok]
        if len(outcomes) == 1:
            if refused:
                return domain_error_response(refused[0].refusal, **_extra_of(refused[0].refusal))
            return Response(DocumentSerializer(created[0]).data, status=status.HTTP_201_CREATED)
        errors = [
            {
                "filename": outcome.name,
                "error": outcome.error,
                "code": outcome.code,
                **_extra_of(outcome.refusal),
            }
            for outcome in refused
        ]
        if not created:
            return domain_error_response(refused[0].refusal, fields={"files": errors})
        body = {"results": DocumentSerializer(created, many=True).data, "errors": errors}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=DocumentUpdateSerializer, responses=DocumentSerializer)
    def partial_update(self, request, pk=None):
        """Edit title, category, description, tags or `train_ai` (vectors follow)."""
        document = self.get_object()
        form = DocumentUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        document = services.document_update(document=document, **form.validated_data)
        return Response(DocumentSerializer(document).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Delete the document with its file, chunks and vectors (admin)."""
        services.document_delete(document=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses={
            (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="The original file.")
            for content_type in sorted(set(CONTENT_TYPES.values()))
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The original file, as an attachment."""
        document = self.get_object()
        try:
            handle = document.file.open("rb")
        except (OSError, ValueError):
            return Response(error_body("The stored file is missing.", "not_found"), status=404)
        filename = document.original_filename or f"document-{document.pk}.{document.format}"
        return FileResponse(handle, as_attachment=True, filename=filename, content_type=document.content_type)

    @extend_schema(responses=ChunkSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_fields=[], ordering_fields=["index"])
    def chunks(self, request, pk=None):
        """The passages extracted from the document, in order (paginated)."""
        document = self.get_object()
        chunks = selectors.chunk_list(document=document)
        page = self.paginate_queryset(chunks)
        return self.get_paginated_response(ChunkSerializer(page, many=True).data)

    @extend_schema(request=ReingestSerializer, responses={202: OperationAcceptedSerializer})
    @action(detail=True, methods=["post"])
    def reingest(self, request, pk=None):
        """Run the ingestion again (retry after a failure, or other chunk settings). Idempotent."""
        document = self.get_object()
        form = ReingestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        operation = services.document_reingest(
            document=document,
            chunk_size=form.validated_data.get("chunk_size"),
            overlap=form.validated_data.get("overlap"),
            created_by=self.membership,
        )
        return Response(
            {"operation_id": str(operation.pk), "status": operation.status, "document_id": document.pk},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(request=ReviewRequestSerializer, responses=ReviewResponseSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Ask Ollama for a summary, key features, entities and a confidence (502/503 when Ollama fails)."""
        document = self.get_object()
        form = ReviewRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = form.validated_data
        document = services.document_review(
            document=document,
            model=values.get("model") or None,
            prompt=values.get("prompt", ""),
            extract_entities=values.get("extract_entities", True),
            endpoint=values.get("ollama_endpoint") or None,
        )
        return Response(
            {
                "document_id": document.pk,
                "summary": document.summary,
                "key_features": document.key_features,
                "entities": document.entities,
                "confidence": document.review_confidence,
                "model": document.review_model,
            }
        )

    @extend_schema(request=CrawlRequestSerializer, responses={202: OperationAcceptedSerializer})
    @action(detail=False, methods=["post"])
    def crawl(self, request):
        """Crawl one site breadth-first (same host, robots.txt honoured), each HTML page a document (admin)."""
        form = CrawlRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = form.validated_data
        operation = services.crawl_start(
            organization=self.organization,
            url=values["url"],
            max_levels=values.get("max_levels", 1),
            max_pages=values.get("max_pages"),
            title=values.get("title", ""),
            category=values.get("category", ""),
            created_by=self.membership,
        )
        operation.refresh_from_db(fields=["status"])
        return Response({"operation_id": str(operation.pk), "status": operation.status}, status=202)


def _extra_of(exc: DomainError) -> dict:
    return {"document_id": exc.extra["document_id"]} if "document_id" in exc.extra else {}
