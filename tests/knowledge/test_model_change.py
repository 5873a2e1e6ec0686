"""An embedding-model change: a read (retrieval) never writes or queues anything; the beat task
``reindex_stale_embeddings`` queues one reindex per affected organization, once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.celery import app
from helpdesk.models import Operation
from helpdesk.models.operation import OperationStatus
from knowledge import retrieval, selectors, services, tasks
from knowledge.embeddings import LOCAL_MODEL, embedding_model_name
from knowledge.services.index import REINDEX_KIND
from tests.factories import OrganizationFactory
from tests.knowledge.conftest import upload
from tests.knowledge.factories import KnowledgeItemFactory

pytestmark = pytest.mark.usefixtures("embedding_model")

NEW_MODEL = "ollama/nomic-embed-text"


BATTERY = "# Battery\n\nThe Widget Pro battery lasts ten hours and charges in ninety minutes.\n"
SHIPPING = "# Shipping\n\nOrders ship within two business days from our warehouse in Lisbon.\n"
SECURITY = "# Two-factor login\n\nEnable two-factor authentication in your account settings.\n"


def add_document(organization, run_tasks, name="battery.md", text=BATTERY):
    with run_tasks():
        document = services.document_upload(organization=organization, file=upload(name, text))
    document.refresh_from_db()
    assert document.status == "processed" and document.embedding_model == LOCAL_MODEL, document.error
    return document


@pytest.fixture
def change_model(settings):
    """``change_model(name)``: the configured embedding model is now Ollama's ``name``."""

    def change(name="nomic-embed-text"):
        settings.EMBEDDING_BACKEND = "ollama"
        settings.EMBEDDING_MODEL = name
        return embedding_model_name()

    return change


def test_retrieval_after_a_model_change_writes_and_queues_nothing(
    org, run_tasks, change_model, fake_ollama, django_capture_on_commit_callbacks
):
    document = add_document(org, run_tasks)
    add_document(org, run_tasks, "shipping.md", SHIPPING)  # BM25 needs a few documents
    add_document(org, run_tasks, "security.md", SECURITY)
    assert change_model() == NEW_MODEL
    assert selectors.organization_needs_reindex(organization=org, model=NEW_MODEL)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        with CaptureQueriesContext(connection) as queries:
            results = retrieval.retrieve(organization=org, query="battery ten hours", k=3)

    assert [result.document_id for result in results] == [document.pk]  # by keywords
    assert results[0].vector_score is None  # the new model's collection is empty
    assert queued == []
    assert Operation.objects.filter(kind=REINDEX_KIND).count() == 0
    writes = [q["sql"] for q in queries.captured_queries if not _reads(q["sql"])]
    assert writes == []


def test_the_beat_task_queues_one_reindex_per_affected_organization(
    org, run_tasks, change_model, django_capture_on_commit_callbacks
):
    with_document = org
    add_document(with_document, run_tasks)
    with_item = OrganizationFactory(name="Items")
    KnowledgeItemFactory(organization=with_item, embedding_model=LOCAL_MODEL)
    never_indexed = OrganizationFactory(name="Never indexed")
    KnowledgeItemFactory(organization=never_indexed, embedding_model="")
    current = OrganizationFactory(name="Current")
    KnowledgeItemFactory(organization=current, embedding_model=NEW_MODEL)
    change_model()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert tasks.reindex_stale_embeddings() == 2
    operations = Operation.objects.filter(kind=REINDEX_KIND)
    assert sorted(operations.values_list("organization_id", flat=True)) == sorted(
        [with_document.pk, with_item.pk]
    )
    assert {op.status for op in operations} == {OperationStatus.PENDING}
    assert {op.params["embedding_model"] for op in operations} == {NEW_MODEL}
    assert len(queued) == 2  # one task sent after commit per operation

    with django_capture_on_commit_callbacks(execute=False) as queued_again:
        assert tasks.reindex_stale_embeddings() == 0  # queued already: not twice
    assert queued_again == [] and operations.count() == 2


def test_a_failed_reindex_to_the_same_model_is_not_queued_again_until_the_model_changes(
    org, run_tasks, change_model, django_capture_on_commit_callbacks
):
    add_document(org, run_tasks)
    change_model()
    with django_capture_on_commit_callbacks(execute=False):
        tasks.reindex_stale_embeddings()
    Operation.objects.filter(kind=REINDEX_KIND).update(status=OperationStatus.FAILED)

    with django_capture_on_commit_callbacks(execute=False):
        assert tasks.reindex_stale_embeddings() == 0  # the failed operation says why; retry it

    change_model("mxbai-embed-large")
    with django_capture_on_commit_callbacks(execute=False):
        assert tasks.reindex_stale_embeddings() == 1
    assert Operation.objects.filter(kind=REINDEX_KIND, status=OperationStatus.PENDING).count() == 1


def test_the_queued_reindex_moves_the_organization_to_the_new_model(
    org, run_tasks, change_model, fake_ollama, django_capture_on_commit_callbacks
):
    add_document(org, run_tasks)
    change_model()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reindex_stale_embeddings() == 1

    operation = Operation.objects.get(kind=REINDEX_KIND)
    assert operation.status == OperationStatus.SUCCEEDED, operation.error
    assert not selectors.organization_needs_reindex(organization=org, model=NEW_MODEL)
    results = retrieval.retrieve(organization=org, query="battery ten hours", k=3)
    assert results and results[0].vector_score is not None


def test_the_model_check_runs_on_the_beat_schedule(settings):
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "knowledge.tasks.reindex_stale_embeddings" in entries
    assert "knowledge.tasks.reindex_stale_embeddings" in app.tasks


def test_a_worker_that_starts_checks_the_model_at_once(
    org, run_tasks, change_model, django_capture_on_commit_callbacks
):
    from celery.signals import worker_ready

    add_document(org, run_tasks)
    change_model()
    with django_capture_on_commit_callbacks(execute=False):
        worker_ready.send(sender=None)
    assert Operation.objects.filter(kind=REINDEX_KIND, organization=org).count() == 1


def _reads(sql: str) -> bool:
    """A SELECT, or PostgreSQL's server-side cursor over one (what ``.iterator()`` sends)."""
    statement = sql.lstrip().upper()
    return statement.startswith("SELECT") or (
        statement.startswith("DECLARE") and " CURSOR FOR SELECT " in statement
    )
