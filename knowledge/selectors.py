"""Read queries of the knowledge app, always scoped to one organization."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from knowledge.models import Chunk, Document, DocumentEvent, DocumentStatus, KnowledgeItem
from knowledge.scope import SourceScope


def document_list(*, organization, filters: dict | None = None) -> QuerySet[Document]:
    documents = Document.objects.filter(organization=organization).select_related(
        "uploaded_by__user", "operation"
    )
    filters = filters or {}
    for field in ("category", "status", "training_status", "format"):
        if filters.get(field):
            documents = documents.filter(**{field: filters[field]})
    if filters.get("query"):
        documents = documents.filter(
            Q(title__icontains=filters["query"]) | Q(description__icontains=filters["query"])
        )
    return documents.order_by("-created_at", "-id")


def document_get(*, organization, document_id) -> Document | None:
    return document_list(organization=organization).filter(pk=document_id).first()


def document_events(*, document: Document) -> QuerySet[DocumentEvent]:
    return DocumentEvent.objects.filter(document=document).order_by("created_at", "id")


def chunk_list(*, document: Document) -> QuerySet[Chunk]:
    return Chunk.objects.filter(organization_id=document.organization_id, document=document).order_by("index")


def kb_item_list(*, organization, filters: dict | None = None) -> QuerySet[KnowledgeItem]:
    items = KnowledgeItem.objects.filter(organization=organization)
    filters = filters or {}
    if filters.get("category"):
        items = items.filter(category=filters["category"])
    if filters.get("verified") is not None:
        items = items.filter(verified=filters["verified"])
    if filters.get("query"):
        items = items.filter(Q(title__icontains=filters["query"]) | Q(content__icontains=filters["query"]))
    return items.order_by("-created_at", "-id")


def category_list(*, organization) -> list[str]:
    """Every category in use by the organization's documents and knowledge-base items."""
    documents = (
        Document.objects.filter(organization=organization)
        .exclude(category="")
        .values_list("category", flat=True)
    )
    items = (
        KnowledgeItem.objects.filter(organization=organization)
        .exclude(category="")
        .values_list("category", flat=True)
    )
    return sorted(set(documents.distinct()) | set(items.distinct()))


def searchable_chunks(*, organization) -> QuerySet[Chunk]:
    """Chunks of processed documents indexed for the chatbots."""
    return Chunk.objects.filter(
        organization=organization, document__status=DocumentStatus.PROCESSED, document__train_ai=True
    )


def allowed_chunks(*, organization, scope: SourceScope) -> QuerySet[Chunk]:
    """The chunks a search with ``scope`` may return (same rule as ``vectorstore.build_where``)."""
    if not scope.documents_possible:
        return Chunk.objects.none()
    chunks = searchable_chunks(organization=organization)
    if scope.unrestricted:
        return chunks
    allowed = Q(pk__in=[])
    if scope.allowed_document_ids:
        allowed |= Q(document_id__in=scope.allowed_document_ids)
    if scope.allowed_categories:
        allowed |= Q(document__category__in=scope.allowed_categories)
    return chunks.filter(allowed)


def allowed_kb_items(*, organization, scope: SourceScope) -> QuerySet[KnowledgeItem]:
    if not scope.kb_items_possible:
        return KnowledgeItem.objects.none()
    items = KnowledgeItem.objects.filter(organization=organization)
    if scope.unrestricted:
        return items
    allowed = Q(pk__in=[])
    if scope.allowed_kb_item_ids:
        allowed |= Q(pk__in=scope.allowed_kb_item_ids)
    if scope.allowed_categories:
        allowed |= Q(category__in=scope.allowed_categories)
    return items.filter(allowed)


def source_categories(*, organization, document_ids, kb_item_ids) -> dict[tuple[str, int], str]:
    """Categories of the organization's documents and items among these ids, keyed
    ("document", id) / ("kb_item", id); ids of another organization are left out."""
    categories: dict[tuple[str, int], str] = {}
    if document_ids:
        rows = Document.objects.filter(organization=organization, pk__in=document_ids).values_list(
            "id", "category"
        )
        categories.update({("document", pk): category or "" for pk, category in rows})
    if kb_item_ids:
        rows = KnowledgeItem.objects.filter(organization=organization, pk__in=kb_item_ids).values_list(
            "id", "category"
        )
        categories.update({("kb_item", pk): category or "" for pk, category in rows})
    return categories


def document_count(organization) -> int:
    return Document.objects.filter(organization=organization).count()


def kb_item_count(organization) -> int:
    return KnowledgeItem.objects.filter(organization=organization).count()


def _stale_documents(model: str) -> QuerySet[Document]:
    return Document.objects.filter(status=DocumentStatus.PROCESSED, train_ai=True).exclude(
        embedding_model=model
    )


def _stale_kb_items(model: str) -> QuerySet[KnowledgeItem]:
    return KnowledgeItem.objects.exclude(embedding_model__in=["", model])


def organization_needs_reindex(*, organization, model: str) -> bool:
    """True when some of the organization's indexed knowledge was embedded with another model
    than ``model`` (its vectors sit in another model's collection: retrieval cannot use them)."""
    return (
        _stale_documents(model).filter(organization=organization).exists()
        or _stale_kb_items(model).filter(organization=organization).exists()
    )


def stale_embedding_organization_ids(*, model: str) -> set[int]:
    """Ids of the organizations with knowledge embedded with another model than ``model``."""
    documents = _stale_documents(model).values_list("organization_id", flat=True).distinct()
    items = _stale_kb_items(model).values_list("organization_id", flat=True).distinct()
    return set(documents) | set(items)
