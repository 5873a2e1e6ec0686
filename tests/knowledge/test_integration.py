"""The ingestion path once through the real parts (``PARLEY_INTEGRATION=1``): a Celery worker
process on Redis, PostgreSQL (full-text keyword ranking) and a Chroma server over HTTP."""

import os
from pathlib import Path

import pytest

from knowledge import keyword, retrieval, services, vectorstore
from knowledge.models import Document
from tests.integration import integration_only, wait_until
from tests.knowledge.conftest import upload


@integration_only
@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_upload_is_ingested_by_a_real_worker_and_retrieved(org, real_worker, settings):
    settings.MEDIA_ROOT = Path(os.environ["PARLEY_TEST_MEDIA_ROOT"])  # the folder the worker uses too
    text = (
        "# Widget Pro\n\nThe Widget Pro battery lasts ten hours.\n\n## Shipping\n\nOrders ship from Lisbon.\n"
    )
    document = services.document_upload(organization=org, file=upload("widget.md", text), category="product")
    assert document.status == "processing"

    def finished():
        current = Document.objects.get(pk=document.pk)
        return current if current.status != "processing" else None

    processed = wait_until(finished, timeout=180, message="the worker to ingest the document")
    assert processed.status == "processed", processed.error
    assert (
        vectorstore.count(org, where=vectorstore.document_where(org.pk, document.pk)) == processed.chunk_count
    )

    assert keyword.backend() == "bm25"  # auto: the faster side (bench/speed.py)
    settings.KNOWLEDGE_KEYWORD_BACKEND = "postgres"  # the full-text side, asked for explicitly
    assert keyword.backend() == "postgres"
    results = retrieval.retrieve(organization=org, query="How long does the battery last?", k=2)
    assert results[0].document_id == document.pk
    assert results[0].vector_score is not None and results[0].keyword_score is not None
    services.document_delete(document=processed)
    assert vectorstore.count(org, where=vectorstore.document_where(org.pk, document.pk)) == 0
