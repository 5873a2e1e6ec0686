"""Reindexing: embed an organization's knowledge again with the configured model (after a model
change, or on demand), then drop the collections of other models so vectors never mix."""

from __future__ import annotations

import logging

from django.db import transaction

from helpdesk.models import Operation
from helpdesk.services import operations as operation_services
from knowledge import vectorstore
from knowledge.models import Document, DocumentStatus, KnowledgeItem
from knowledge.services.ingestion import document_ingest, index_document_chunks
from knowledge.services.kb_items import kb_items_index

logger = logging.getLogger(__name__)

REINDEX_KIND = "knowledge.reindex"


def organization_reindex(*, organization, operation: Operation | None = None, reparse: bool = False) -> dict:
    """Re-embed every processed document (from its stored chunks, or from the file again with
    ``reparse``) and every KB item into the current model's collection. Synchronous."""
    documents = list(
        Document.objects.filter(
            organization=organization, status=DocumentStatus.PROCESSED, train_ai=True
        ).order_by("pk")
    )
    if reparse:
        documents += list(
            Document.objects.filter(organization=organization, status=DocumentStatus.FAILED).order_by("pk")
        )
    item_count = KnowledgeItem.objects.filter(organization=organization).count()
    total = len(documents) + 1
    if operation is not None:
        operation_services.operation_start(operation=operation, total=total, message="Reindexing")
    if reparse:  # start clean: also removes vectors nothing refers to any more
        vectorstore.drop_organization(organization)
    chunks = 0
    for number, document in enumerate(documents, start=1):
        if reparse:
            document_ingest(document=document)
            document.refresh_from_db(fields=["chunk_count"])
            chunks += document.chunk_count
        else:
            chunks += index_document_chunks(document=document)
        if operation is not None:
            operation_services.operation_progress(
                operation=operation, done=number, message=f"Reindexed {number} of {len(documents)} documents"
            )
    items = kb_items_index(organization=organization) if item_count else 0
    dropped = vectorstore.drop_other_models(organization)
    result = {
        "documents": len(documents),
        "chunks": chunks,
        "kb_items": items,
        "dropped_collections": dropped,
    }
    if operation is not None:
        operation_services.operation_succeed(
            operation=operation,
            result=result,
            message=f"Reindexed {len(documents)} documents and {items} items",
        )
    return result


def organization_queue_reindex(*, organization, reparse: bool = False, created_by=None) -> Operation:
    operation = operation_services.operation_create(
        organization=organization,
        kind=REINDEX_KIND,
        message="Reindex queued",
        params={"reparse": reparse},
        target_type="organization",
        target_id=organization.pk,
        created_by=created_by,
    )
    queue_reindex(operation)
    return operation


def queue_reindex(operation: Operation) -> None:
    def send():
        from knowledge import tasks

        try:
            tasks.reindex_organization.delay(str(operation.pk))
        except Exception as exc:
            logger.exception("could not queue reindex %s", operation.pk)
            operation_services.operation_fail(
                operation=operation, error=f"Could not queue the reindex: {exc}"
            )

    transaction.on_commit(send)
