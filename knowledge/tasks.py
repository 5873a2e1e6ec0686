"""Celery tasks of the knowledge app (queue ``ingest``): thin, by id, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready

from helpdesk.models import Operation
from helpdesk.models.operation import OperationStatus
from helpdesk.services import operations as operation_services

# Retries (BackendUnavailable: the embedding model or the vector store is down), backoff, time
# limits, late acks and failing the operation when a task gives up: helpdesk.jobs.ParleyTask.


def _operation(operation_id) -> Operation | None:
    if not operation_id:
        return None
    return Operation.objects.filter(pk=operation_id).select_related("organization").first()


@shared_task
def ingest_document(document_id: int, operation_id: str | None = None, chunk_size=None, chunk_overlap=None):
    from knowledge.models import Document
    from knowledge.services.ingestion import document_ingest

    document = Document.objects.filter(pk=document_id).select_related("organization").first()
    operation = _operation(operation_id)
    if document is None:  # deleted before its turn came
        if operation is not None and not operation.is_finished:
            operation_services.operation_fail(operation=operation, error="The document was deleted.")
        return
    if operation is not None and operation.status == OperationStatus.SUCCEEDED:
        return  # delivered again after it finished
    document_ingest(
        document=document, operation=operation, chunk_size=chunk_size, chunk_overlap=chunk_overlap
    )


@shared_task
def index_kb_items(organization_id: int, item_ids: list[int]):
    from helpdesk.models import Organization
    from knowledge.services.kb_items import kb_items_index

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is not None:
        kb_items_index(organization=organization, item_ids=item_ids)


@shared_task
def crawl_site(operation_id: str):
    from knowledge.services.crawl import crawl_run

    operation = _operation(operation_id)
    if operation is not None and operation.status != OperationStatus.SUCCEEDED:
        crawl_run(operation=operation)


@shared_task
def reindex_organization(operation_id: str):
    from knowledge.services.index import organization_reindex

    operation = _operation(operation_id)
    if operation is None or operation.status == OperationStatus.SUCCEEDED:
        return
    organization_reindex(
        organization=operation.organization,
        operation=operation,
        reparse=bool(operation.params.get("reparse")),
    )


@shared_task
def reindex_stale_embeddings() -> int:
    """Beat: queue one reindex per organization whose knowledge was embedded with another model
    than the configured one (after ``EMBEDDING_MODEL`` or ``EMBEDDING_BACKEND`` changed)."""
    from knowledge.services.index import reindex_stale_organizations

    return len(reindex_stale_organizations())


@worker_ready.connect
def _check_embedding_model_at_start(**_kwargs) -> None:
    """The embedding settings change only with a restart: check as soon as a worker is up."""
    reindex_stale_embeddings.delay()
