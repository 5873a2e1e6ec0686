"""Write operations of the knowledge app (the only place that changes its state)."""

from knowledge.services.crawl import CRAWL_KIND, crawl_run, crawl_start
from knowledge.services.documents import (
    INGEST_KIND,
    document_delete,
    document_queue_ingest,
    document_record_event,
    document_reingest,
    document_update,
    document_upload,
)
from knowledge.services.index import REINDEX_KIND, organization_queue_reindex, organization_reindex
from knowledge.services.ingestion import document_ingest, document_ingest_failed
from knowledge.services.kb_items import (
    kb_item_create,
    kb_item_delete,
    kb_item_update,
    kb_item_verify,
    kb_items_import,
    kb_items_index,
)
from knowledge.services.review import document_review

__all__ = [
    "CRAWL_KIND",
    "INGEST_KIND",
    "REINDEX_KIND",
    "crawl_run",
    "crawl_start",
    "document_delete",
    "document_ingest",
    "document_ingest_failed",
    "document_queue_ingest",
    "document_record_event",
    "document_reingest",
    "document_review",
    "document_update",
    "document_upload",
    "kb_item_create",
    "kb_item_delete",
    "kb_item_update",
    "kb_item_verify",
    "kb_items_import",
    "kb_items_index",
    "organization_queue_reindex",
    "organization_reindex",
]
