"""The ingestion pipeline: partition → clean → chunk → embed in batches → index.

``document_ingest`` is synchronous and idempotent (it replaces the document's chunks and
vectors); the ``ingest`` queue's task calls it. Content problems (encrypted, corrupt, empty)
end as ``failed`` with the reason; a backend that is down (vector store, embedding model) raises
``TransientIngestionError`` so the task can retry before giving up."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from helpdesk import events
from helpdesk.errors import BackendUnavailable, readable
from helpdesk.models import Operation
from helpdesk.services import operations as operation_services
from knowledge import embeddings, vectorstore
from knowledge.models import Chunk, Document, DocumentStatus, TrainingStatus
from knowledge.services.documents import document_record_event

logger = logging.getLogger(__name__)

# What the ingest tasks retry: the embedding model or the vector store being down.
TransientIngestionError = BackendUnavailable


# Bump when the chunks' text, or what is embedded and keyword-indexed for them, changes: every
# document's signature then differs and the next ``rag`` training indexes it again.
CHUNKING_VERSION = 1


def chunking_signature(*, chunk_size=None, chunk_overlap=None) -> str:
    """What a document's chunks depend on: format version, size, overlap, embedding model."""
    size = int(chunk_size or settings.KNOWLEDGE_CHUNK_SIZE)
    overlap = int(settings.KNOWLEDGE_CHUNK_OVERLAP if chunk_overlap is None else chunk_overlap)
    return f"v{CHUNKING_VERSION} {size}/{overlap} {embeddings.embedding_model_name()}"[:300]


def embedding_text(*, title: str, section: str, text: str) -> str:
    """What is embedded for a chunk: its text, headed by where it comes from."""
    heading = f"{title} — {section}" if section and section != title else title
    return f"{heading}\n{text}" if heading else text


def chunk_metadata(*, document: Document, chunk: Chunk) -> dict:
    return {
        "source_type": "document",
        "document_id": document.pk,
        "category": document.category,
        "chunk_index": chunk.index,
        "title": document.title[:300],
        "section": chunk.section[:500],
        "page": chunk.page,
    }


def _embed_with_progress(texts: list[str], on_batch) -> list[list[float]]:
    vectors: list[list[float]] = []
    batches = list(embeddings.iter_batches(texts))
    for number, batch in enumerate(batches, start=1):
        vectors.extend(embeddings.embed_batch(batch))
        on_batch(number, len(batches))
    return vectors


def write_document_vectors(*, document: Document, chunks: list[Chunk], vectors: list[list[float]]) -> None:
    """Upsert the chunks' vectors, then drop any left from a longer earlier version."""
    org_id = document.organization_id
    vectorstore.upsert(
        org_id,
        [chunk.vector_id for chunk in chunks],
        vectors,
        [chunk.text for chunk in chunks],
        [chunk_metadata(document=document, chunk=chunk) for chunk in chunks],
    )
    stale = {
        "$and": [vectorstore.document_where(org_id, document.pk), {"chunk_index": {"$gte": len(chunks)}}]
    }
    vectorstore.delete(org_id, where=stale)


def index_document_chunks(*, document: Document, on_batch=None) -> int:
    """Embed the document's stored chunks again (reindex, metadata change). Returns the count."""
    chunks = list(Chunk.objects.filter(document=document).order_by("index"))
    texts = [embedding_text(title=document.title, section=chunk.section, text=chunk.text) for chunk in chunks]
    vectors = _embed_with_progress(texts, on_batch or (lambda number, total: None))
    write_document_vectors(document=document, chunks=chunks, vectors=vectors)
    Document.objects.filter(pk=document.pk).update(
        embedding_model=embeddings.embedding_model_name(), training_status=TrainingStatus.TRAINED
    )
    return len(chunks)


def document_ingest_failed(*, document: Document, operation: Operation | None, reason: str) -> Document:
    reason = readable(reason) or "Ingestion failed."
    training = TrainingStatus.FAILED if document.train_ai else document.training_status
    Document.objects.filter(pk=document.pk).update(
        status=DocumentStatus.FAILED, training_status=training, error=reason[:2000], updated_at=timezone.now()
    )
    document.status, document.training_status, document.error = DocumentStatus.FAILED, training, reason
    document_record_event(document=document, status="failed", message=reason)
    if operation is not None:
        operation_services.operation_fail(operation=operation, error=reason)
    _emit_processed(document)
    return document


def _emit_processed(document: Document) -> None:
    events.emit(
        document.organization,
        "document.processed",
        {
            "document_id": document.pk,
            "title": document.title,
            "status": document.status,
            "training_status": document.training_status,
            "chunk_count": document.chunk_count,
            "error": document.error,
        },
    )


def _read_file(document: Document) -> bytes:
    from knowledge.ingestion.partition import ExtractionError

    try:
        with document.file.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        logger.warning("stored file of document %s cannot be read", document.pk, exc_info=True)
        raise ExtractionError("The stored file is missing or unreadable: upload the document again.")


def document_ingest(
    *, document: Document, operation: Operation | None = None, chunk_size=None, chunk_overlap=None
) -> Document:
    """Run the whole pipeline for one document now. Returns it processed or failed."""
    from knowledge.ingestion.chunking import chunk_elements
    from knowledge.ingestion.partition import ExtractionError, partition_document

    size = int(chunk_size or settings.KNOWLEDGE_CHUNK_SIZE)
    overlap = int(settings.KNOWLEDGE_CHUNK_OVERLAP if chunk_overlap is None else chunk_overlap)
    seconds = {"partition": 0.0, "embedding": 0.0, "indexing": 0.0}

    def progress(done: int, message: str, total: int | None = None) -> None:
        if operation is not None:
            operation_services.operation_progress(
                operation=operation, done=done, total=total, message=message
            )

    if operation is not None:
        operation_services.operation_start(operation=operation, total=4, message="Partitioning")
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.PROCESSING, error="")
    document_record_event(document=document, status="processing", message="Ingestion started.")
    try:
        started = time.perf_counter()
        elements = partition_document(_read_file(document), document.format)
        drafts = chunk_elements(elements, size=size, overlap=overlap)
        if not drafts:
            raise ExtractionError("No extractable text: the document is empty.")
        seconds["partition"] = time.perf_counter() - started
    except ExtractionError as exc:
        return document_ingest_failed(document=document, operation=operation, reason=str(exc))

    chunks = [
        Chunk(
            organization_id=document.organization_id,
            document=document,
            index=index,
            text=draft.text,
            title=document.title[:300],
            section=draft.section[:500],
            page=draft.page,
            char_count=draft.char_count,
            token_count=draft.token_count,
        )
        for index, draft in enumerate(drafts)
    ]
    batch_count = len(list(embeddings.iter_batches(chunks))) if document.train_ai else 0
    total = 2 + batch_count + 1
    progress(2, f"Chunked into {len(chunks)} passages", total=total)

    vectors: list[list[float]] = []
    if document.train_ai:
        started = time.perf_counter()
        texts = [embedding_text(title=document.title, section=c.section, text=c.text) for c in chunks]
        vectors = _embed_with_progress(
            texts, lambda number, count: progress(2 + number, f"Embedding batch {number}/{count}")
        )
        seconds["embedding"] = time.perf_counter() - started

    progress(total - 1, "Indexing")
    started = time.perf_counter()
    if document.train_ai:
        write_document_vectors(document=document, chunks=chunks, vectors=vectors)
    else:
        vectorstore.delete(
            document.organization_id, where=vectorstore.document_where(document.organization_id, document.pk)
        )
    with transaction.atomic():
        if not Document.objects.select_for_update().filter(pk=document.pk).exists():
            # Deleted while we worked: leave nothing behind.
            transaction.on_commit(
                lambda: vectorstore.delete(
                    document.organization_id,
                    where=vectorstore.document_where(document.organization_id, document.pk),
                )
            )
            return document
        Chunk.objects.filter(document=document).delete()
        Chunk.objects.bulk_create(chunks, batch_size=500)
        document.status = DocumentStatus.PROCESSED
        document.training_status = TrainingStatus.TRAINED if document.train_ai else TrainingStatus.PENDING
        document.error = ""
        document.element_count = len(elements)
        document.chunk_count = len(chunks)
        document.embedding_model = embeddings.embedding_model_name() if document.train_ai else ""
        document.chunking = chunking_signature(chunk_size=size, chunk_overlap=overlap)
        document.processed_at = timezone.now()
        document.save(
            update_fields=[
                "status",
                "training_status",
                "error",
                "element_count",
                "chunk_count",
                "embedding_model",
                "chunking",
                "processed_at",
                "updated_at",
            ]
        )
        seconds["indexing"] = time.perf_counter() - started
        note = "indexed for the chatbots" if document.train_ai else "not indexed (train_ai is off)"
        document_record_event(
            document=document,
            status="processed",
            message=f"{len(elements)} elements, {len(chunks)} chunks; {note}.",
        )
        if operation is not None:
            operation_services.operation_succeed(
                operation=operation,
                message=f"Processed: {len(chunks)} chunks",
                result={
                    "document_id": document.pk,
                    "elements": len(elements),
                    "chunks": len(chunks),
                    "characters": sum(chunk.char_count for chunk in chunks),
                    "seconds": {key: round(value, 4) for key, value in seconds.items()},
                },
            )
        _emit_processed(document)
    return document
