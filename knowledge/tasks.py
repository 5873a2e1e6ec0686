"""Celery tasks of the knowledge app (queue ``ingest``): thin, by id, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready

from helpdesk.models import Operation
from helpdesk.models.operation import OperationStatus
from helpdesk.services import operations as operation_services

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


def _backoff(retries: int) -> int:
    return min(30 * 2**retries, 600)


def _operation(operation_id) -> Operation | None:
    if not operation_id:
        return None
    return Operation.objects.filter(pk=operation_id).select_related("organization").first()


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def ingest_document(
    self, document_id: int, operation_id: str | None = None, chunk_size=None, chunk_overlap=None
):
    from knowledge.models import Document
    from knowledge.services.ingestion import TransientIngestionError, document_ingest, document_ingest_failed

    document = Document.objects.filter(pk=document_id).select_related("organization").first()
    operation = _operation(operation_id)
    if document is None:  # deleted before its turn came
        if operation is not None and not operation.is_finished:
            operation_services.operation_fail(operation=operation, error="The document was deleted.")
        return
    try:
        document_ingest(
            document=document, operation=operation, chunk_size=chunk_size, chunk_overlap=chunk_overlap
        )
    except TransientIngestionError as exc:
        if self.request.retries >= self.max_retries:
            document_ingest_failed(
                document=document, operation=operation, reason=f"Gave up after retries: {exc}"
            )
            return
        if operation is not None:
            operation_services.operation_progress(
                operation=operation, done=operation.progress_done, message=f"Waiting to retry: {exc}"
            )
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries))
    except SoftTimeLimitExceeded:
        document_ingest_failed(
            document=document, operation=operation, reason="Ingestion took too long; split the document."
        )


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def index_kb_items(self, organization_id: int, item_ids: list[int]):
    from helpdesk.models import Organization
    from knowledge.services.ingestion import TransientIngestionError
    from knowledge.services.kb_items import kb_items_index

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return
    try:
        kb_items_index(organization=organization, item_ids=item_ids)
    except TransientIngestionError as exc:
        if self.request.retries >= self.max_retries:
            logger.error(
                "giving up indexing %d KB items of organization %s: %s", len(item_ids), organization_id, exc
            )
            return
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries))


@shared_task(acks_late=True)
def crawl_site(operation_id: str):
    from knowledge.services.crawl import crawl_run

    operation = _operation(operation_id)
    if operation is None or operation.status == OperationStatus.SUCCEEDED:
        return
    try:
        crawl_run(operation=operation)
    except SoftTimeLimitExceeded:
        operation_services.operation_fail(
            operation=operation, error="The crawl took too long; lower max_pages."
        )


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def reindex_organization(self, operation_id: str):
    from knowledge.services.index import organization_reindex
    from knowledge.services.ingestion import TransientIngestionError

    operation = _operation(operation_id)
    if operation is None or operation.status == OperationStatus.SUCCEEDED:
        return
    try:
        organization_reindex(
            organization=operation.organization,
            operation=operation,
            reparse=bool(operation.params.get("reparse")),
        )
    except TransientIngestionError as exc:
        if self.request.retries >= self.max_retries:
            operation_services.operation_fail(operation=operation, error=f"Gave up after retries: {exc}")
            return
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries))


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
