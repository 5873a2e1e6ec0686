"""Reindexing: embed an organization's knowledge again with the configured model (after a model
change, or on demand), then drop the collections of other models so vectors never mix.

A model change (``EMBEDDING_BACKEND``/``EMBEDDING_MODEL``) is found by ``reindex_stale_organizations``,
which the beat task ``knowledge.tasks.reindex_stale_embeddings`` runs: never by a read."""

from __future__ import annotations

import logging

from django.db import transaction

from helpdesk.models import Operation, Organization
from helpdesk.models.operation import OperationStatus
from helpdesk.services import operations as operation_services
from knowledge import embeddings, selectors, vectorstore
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
        params={"reparse": reparse, "embedding_model": embeddings.embedding_model_name()},
        target_type="organization",
        target_id=organization.pk,
        created_by=created_by,
    )
    queue_reindex(operation)
    return operation


def queue_reindex(operation: Operation) -> None:
    from helpdesk import jobs
    from knowledge import tasks

    jobs.enqueue_on_commit(tasks.reindex_organization, str(operation.pk), operation=operation)


def reindex_stale_organizations() -> list[Operation]:
    """Queue one reindex for each organization whose indexed knowledge was embedded with another
    model than the configured one. Skipped for an organization with a reindex queued or running
    already, or whose reindex to this model failed (the failed operation says why and can be
    retried; queuing it again every few minutes would only repeat the failure)."""
    model = embeddings.embedding_model_name()
    waiting = Operation.objects.filter(
        kind=REINDEX_KIND, status__in=[OperationStatus.PENDING, OperationStatus.RUNNING]
    ).values("organization_id")
    failed = Operation.objects.filter(
        kind=REINDEX_KIND, status=OperationStatus.FAILED, params__embedding_model=model
    ).values("organization_id")
    organizations = (
        Organization.objects.filter(pk__in=selectors.stale_embedding_organization_ids(model=model))
        .exclude(pk__in=waiting)
        .exclude(pk__in=failed)
        .order_by("pk")
    )
    queued = []
    for organization in organizations:
        logger.warning(
            "organization %s has knowledge embedded with another model than %s: reindexing",
            organization.pk,
            model,
        )
        with transaction.atomic():
            queued.append(organization_queue_reindex(organization=organization))
    return queued
