"""Documents: upload (checked by content), metadata edits, queueing ingestion, deletion."""

from __future__ import annotations

import hashlib
import inspect
import logging
from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from helpdesk import limits
from helpdesk.errors import BackendUnavailable, DomainError
from helpdesk.models import Membership, Operation
from helpdesk.services import operations as operation_services
from helpdesk.unset import UNSET, Unset, given
from knowledge import vectorstore
from knowledge.chunking import check_chunking
from knowledge.ingestion.formats import detect_format
from knowledge.models import Document, DocumentEvent, DocumentStatus, TrainingStatus

logger = logging.getLogger(__name__)

INGEST_KIND = "document.ingest"
MAX_TAGS, MAX_TAG_LENGTH = 30, 50


class DocumentError(DomainError):
    pass


def clean_tags(tags) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = tags.split(",")
    if not isinstance(tags, list | tuple | set):
        raise DocumentError("Tags must be a list of words.", field="tags")
    cleaned: list[str] = []
    for tag in tags:
        if not isinstance(tag, str | int | float):
            raise DocumentError("Tags must be a list of words.", field="tags")
        word = str(tag).strip()
        if len(word) > MAX_TAG_LENGTH:
            raise DocumentError(f"A tag has at most {MAX_TAG_LENGTH} characters.", field="tags")
        if word and word not in cleaned:
            cleaned.append(word)
    if len(cleaned) > MAX_TAGS:
        raise DocumentError(f"At most {MAX_TAGS} tags.", field="tags")
    return cleaned


def _clean_text(value, *, field: str, max_length: int) -> str:
    value = ("" if value is None else str(value)).strip()
    if len(value) > max_length:
        raise DocumentError(f"At most {max_length} characters.", field=field)
    return value


def _read_upload(file) -> bytes:
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    declared = getattr(file, "size", None)
    if declared is not None and declared > limit:
        raise DocumentError(
            f"The file is {declared / (1024 * 1024):.1f} MB; at most {settings.MAX_UPLOAD_MB} MB is accepted.",
            field="file",
            code="too_large",
        )
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise DocumentError(
            f"The file is larger than {settings.MAX_UPLOAD_MB} MB.", field="file", code="too_large"
        )
    return data


def document_record_event(*, document: Document, status: str, message: str = "") -> DocumentEvent:
    return DocumentEvent.objects.create(
        organization_id=document.organization_id, document=document, status=status, message=message[:2000]
    )


def find_duplicate(*, organization, sha256: str) -> Document | None:
    return Document.objects.filter(organization=organization, sha256=sha256).only("id", "title").first()


def duplicate_error(existing: Document) -> DocumentError:
    return DocumentError(
        f"This file was already uploaded as “{existing.title}” (document {existing.id}); it was not stored again.",
        field="file",
        code="duplicate",
        extra={"document_id": existing.id},
    )


def document_create_from_bytes(
    *,
    organization,
    data: bytes,
    filename: str,
    title: str = "",
    category: str = "",
    description: str = "",
    tags=(),
    train_ai: bool = True,
    uploaded_by=None,
    source_url: str = "",
    queue_ingest: bool = True,
) -> Document:
    """Store checked content as a new document and queue its ingestion (uploads and crawls)."""
    detected = detect_format(data, filename)
    digest = hashlib.sha256(data).hexdigest()
    existing = find_duplicate(organization=organization, sha256=digest)
    if existing is not None:
        raise duplicate_error(existing)
    limits.ensure_within_limit(organization, "documents")
    filename = PurePath(filename or "document").name[:255]
    title = _clean_text(title, field="title", max_length=300) or PurePath(filename).stem[:300] or "Untitled"
    document = Document(
        organization=organization,
        title=title,
        category=_clean_text(category, field="category", max_length=100),
        description=_clean_text(description, field="description", max_length=10000),
        tags=clean_tags(tags),
        original_filename=filename,
        format=detected.format,
        content_type=detected.content_type,
        size=len(data),
        sha256=digest,
        source_url=source_url,
        train_ai=bool(train_ai),
        uploaded_by=uploaded_by,
    )
    document.file.save(filename, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            document.save()
            what = f"Fetched from {source_url}" if source_url else f"Uploaded {filename}"
            document_record_event(
                document=document, status="uploaded", message=f"{what} ({len(data)} bytes)."
            )
            if queue_ingest:
                document_queue_ingest(document=document)
    except IntegrityError:
        document.file.delete(save=False)
        existing = find_duplicate(organization=organization, sha256=digest)
        if existing is not None:  # the same file uploaded twice at the same moment
            raise duplicate_error(existing)
        raise
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


def document_upload(
    *,
    organization,
    uploaded_by=None,
    file,
    title: str = "",
    category: str = "",
    description: str = "",
    tags=(),
    train_ai: bool = True,
) -> Document:
    """Check an uploaded file (size, type by content, DOCX bombs, duplicates, plan limit), store
    it and queue its ingestion. The document starts as processing / pending."""
    data = _read_upload(file)
    return document_create_from_bytes(
        organization=organization,
        data=data,
        filename=getattr(file, "name", "") or "document",
        title=title,
        category=category,
        description=description,
        tags=tags,
        train_ai=train_ai,
        uploaded_by=uploaded_by,
    )


def _queue_ingest_task(document_id: int, operation: Operation, chunk_size, chunk_overlap) -> None:
    from helpdesk import jobs
    from knowledge import tasks

    jobs.enqueue_on_commit(
        tasks.ingest_document, document_id, str(operation.pk), chunk_size, chunk_overlap, operation=operation
    )


def document_queue_ingest(
    *,
    document: Document,
    chunk_size: int | None = None,
    overlap: int | None = None,
    created_by: Membership | None = None,
) -> Operation:
    """Queue (again) the ingestion of a document on the ``ingest`` queue; returns its Operation.
    Chunk settings: ``knowledge.chunking`` (None: the server's)."""
    check_chunking(chunk_size=chunk_size, overlap=overlap)
    operation = operation_services.operation_create(
        organization=document.organization,
        kind=INGEST_KIND,
        message="Queued for ingestion",
        params={"document_id": document.pk, "chunk_size": chunk_size, "chunk_overlap": overlap},
        target_type="document",
        target_id=document.pk,
        created_by=created_by or document.uploaded_by,
    )
    changes = {"status": DocumentStatus.PROCESSING, "error": "", "operation": operation}
    if document.training_status == TrainingStatus.FAILED:
        changes["training_status"] = TrainingStatus.PENDING
    Document.objects.filter(pk=document.pk).update(**changes)
    for field, value in changes.items():
        setattr(document, field, value)
    _queue_ingest_task(document.pk, operation, chunk_size, overlap)
    return operation


def _operation_document(operation: Operation) -> Document | None:
    return Document.objects.filter(
        organization_id=operation.organization_id, pk=operation.params.get("document_id")
    ).first()


def ingest_operation_reopen(operation: Operation) -> None:
    """Before a failed ingestion is queued again (``POST operations/{id}/retry``)."""
    document = _operation_document(operation)
    if document is None:
        raise DocumentError("The document of this operation no longer exists.", code="not_found")
    Document.objects.filter(pk=document.pk).update(
        status=DocumentStatus.PROCESSING, error="", operation=operation
    )
    document_record_event(document=document, status="queued", message="Ingestion retried.")


def ingest_operation_failed(operation: Operation, reason: str) -> None:
    """An ingestion given up (queue unreachable, retries exhausted, worker lost): its document
    fails with the reason, unless another ingestion has taken it over meanwhile."""
    from knowledge.services.ingestion import document_ingest_failed

    document = _operation_document(operation)
    if (
        document is None
        or document.operation_id != operation.pk
        or document.status != DocumentStatus.PROCESSING
    ):
        return
    document_ingest_failed(document=document, operation=None, reason=reason)


def document_reingest(
    *,
    document: Document,
    chunk_size: int | None = None,
    overlap: int | None = None,
    created_by: Membership | None = None,
) -> Operation:
    """Run the ingestion again (retry after a failure, or new chunk settings). Idempotent."""
    if (
        document.status == DocumentStatus.PROCESSING
        and document.operation
        and not document.operation.is_finished
    ):
        raise DocumentError("This document is being processed already.", code="conflict")
    operation = document_queue_ingest(
        document=document, chunk_size=chunk_size, overlap=overlap, created_by=created_by
    )
    document_record_event(document=document, status="queued", message="Ingestion queued again.")
    return operation


@transaction.atomic
def document_update(
    *,
    document: Document,
    title: str | Unset = UNSET,
    category: str | Unset = UNSET,
    description: str | Unset = UNSET,
    tags: Sequence[str] | Unset = UNSET,
    train_ai: bool | Unset = UNSET,
) -> Document:
    """Edit the metadata given (``UNSET`` stays; the serializer or admin form checked the shape).
    The vectors follow: new title/category are written to their metadata, turning ``train_ai``
    off removes them, turning it on indexes the document."""
    changes = given(locals(), exclude=("document",))
    for field in ("title", "category", "description"):
        if field in changes:
            changes[field] = changes[field].strip()
    if "tags" in changes:
        changes["tags"] = clean_tags(list(changes["tags"]))
    before = {field: getattr(document, field) for field in changes}
    for field, value in changes.items():
        setattr(document, field, value)
    document.save()
    if document.status != DocumentStatus.PROCESSED:
        return document  # the running ingestion reads the new values
    if before.get("train_ai") is not None and before["train_ai"] != document.train_ai:
        if document.train_ai:
            document_queue_ingest(document=document)
        else:
            transaction.on_commit(lambda: _drop_vectors(document))
            Document.objects.filter(pk=document.pk).update(
                training_status=TrainingStatus.PENDING, embedding_model=""
            )
            document.training_status = TrainingStatus.PENDING
    elif document.train_ai and any(
        field in before and before[field] != getattr(document, field) for field in ("title", "category")
    ):
        transaction.on_commit(lambda: _refresh_vector_metadata(document))
    return document


# The metadata document_update takes (the admin edits these).
EDITABLE_FIELDS = tuple(name for name in inspect.signature(document_update).parameters if name != "document")


def _drop_vectors(document: Document) -> None:
    try:
        vectorstore.delete(
            document.organization_id, where=vectorstore.document_where(document.organization_id, document.pk)
        )
    except vectorstore.VectorStoreUnavailable:
        logger.warning("could not remove the vectors of document %s now; a reindex will", document.pk)


def _refresh_vector_metadata(document: Document) -> None:
    from knowledge.services.ingestion import index_document_chunks

    try:
        index_document_chunks(document=document)
    except BackendUnavailable as exc:  # the embedding model or the vector store is down
        logger.warning(
            "could not refresh the vectors of document %s; reingest it: %s", document.pk, exc.message
        )


def document_delete(*, document: Document) -> None:
    """Delete the document, its file, its chunks and its vectors."""
    organization_id, document_id = document.organization_id, document.pk
    try:
        vectorstore.delete(organization_id, where=vectorstore.document_where(organization_id, document_id))
    except vectorstore.VectorStoreUnavailable as exc:
        raise DocumentError(
            f"The vector store is unreachable, so the document was not deleted: {exc}", code="unavailable"
        )
    file_name = document.file.name
    storage = document.file.storage
    with transaction.atomic():
        document.delete()  # chunks and events cascade

    def remove_file():
        if file_name and storage.exists(file_name):
            storage.delete(file_name)

    transaction.on_commit(remove_file)
