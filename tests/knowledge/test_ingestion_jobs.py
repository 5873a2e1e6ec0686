"""Ingestion through the jobs layer: a broker that is down at upload, a worker that vanished
mid-ingestion (the sweeper), and a vector store that stays down; each leaves the document failed
with a reason people can read, and ``reingest`` / ``operations/{id}/retry`` then work."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.models import Operation
from helpdesk.models.operation import OperationStatus
from helpdesk.services import operations as operation_services
from knowledge import services
from knowledge.models import Document, DocumentEvent
from tests.knowledge.conftest import upload

pytestmark = pytest.mark.django_db

TEXT = "# Widget Pro\n\nThe Widget Pro battery lasts ten hours.\n\nOrders ship from Lisbon.\n"


def test_upload_while_the_broker_is_down_fails_the_document_and_retry_ingests_it(
    org, admin, api_for, broker_down, run_tasks
):
    with broker_down(), run_tasks():
        document = services.document_upload(organization=org, file=upload("widget.md", TEXT))

    document.refresh_from_db()
    operation = Operation.objects.get(pk=document.operation_id)
    assert document.status == "failed"
    assert document.error.startswith("The job queue is unreachable: ")
    assert operation.status == OperationStatus.FAILED and operation.error == document.error
    assert DocumentEvent.objects.filter(document=document, status="failed").exists()

    api = api_for(admin)
    with run_tasks():
        response = api.post(f"/api/v1/operations/{operation.pk}/retry")

    assert response.status_code == 202
    document.refresh_from_db()
    operation.refresh_from_db()
    assert (document.status, document.error) == ("processed", "")
    assert document.chunk_count > 0
    assert operation.status == OperationStatus.SUCCEEDED


def test_a_stale_ingestion_is_failed_by_the_sweeper_then_reingest_works(org, admin, api_for, run_tasks):
    document = services.document_upload(organization=org, file=upload("widget.md", TEXT))  # never run
    operation = Operation.objects.get(pk=document.operation_id)
    operation_services.operation_start(operation=operation, total=4, message="Partitioning")
    api = api_for(admin)
    refused = api.post(f"/api/v1/documents/{document.pk}/reingest")
    assert refused.status_code == 409  # it is being processed, as far as anyone can tell

    later = timezone.now() + timedelta(seconds=301)
    assert operation_services.operations_fail_stale(now=later) == 1

    document.refresh_from_db()
    operation.refresh_from_db()
    reason = "No progress for 5 minutes (the worker may have stopped); retry it."
    assert (document.status, document.error) == ("failed", reason)
    assert (operation.status, operation.error) == (OperationStatus.FAILED, reason)
    with run_tasks():
        response = api.post(f"/api/v1/documents/{document.pk}/reingest")
    assert response.status_code == 202
    assert Document.objects.get(pk=document.pk).status == "processed"


def test_a_stale_ingestion_is_retried_through_its_operation(org, admin, api_for, run_tasks):
    document = services.document_upload(organization=org, file=upload("widget.md", TEXT))
    operation = Operation.objects.get(pk=document.operation_id)
    operation_services.operation_start(operation=operation)
    operation_services.operations_fail_stale(now=timezone.now() + timedelta(seconds=301))

    with run_tasks():
        response = api_for(admin).post(f"/api/v1/operations/{operation.pk}/retry")

    assert response.status_code == 202
    operation.refresh_from_db()
    assert operation.status == OperationStatus.SUCCEEDED and operation.attempts == 2
    assert Document.objects.get(pk=document.pk).status == "processed"


def test_an_embedding_model_that_stays_down_is_retried_then_fails_the_document(
    org, run_tasks, ollama_down, settings
):
    settings.JOBS_MAX_RETRIES = 1
    settings.EMBEDDING_BACKEND, settings.EMBEDDING_MODEL = "ollama", "nomic-embed-text"
    with run_tasks():
        document = services.document_upload(organization=org, file=upload("widget.md", TEXT))

    document.refresh_from_db()
    operation = Operation.objects.get(pk=document.operation_id)
    assert document.status == "failed"
    assert document.error.startswith("Gave up after 2 attempts: ")
    assert " at 0x" not in document.error
    assert operation.status == OperationStatus.FAILED and operation.attempts == 2
