"""A worker killed mid-ingestion (``PARLEY_INTEGRATION=1``): a real prefork Celery worker on
Redis, PostgreSQL and the Chroma server, embedding through a fake Ollama that answers slowly, so
the ingestion is still running when the test kills it with SIGKILL.

* Only the busy child process is killed: the worker's main process sends the task again
  (late acks, ``retry_on_worker_lost``) and the document ends processed.
* The whole worker is killed: nothing is left to redeliver soon, so the stale-operation sweeper
  fails the operation and the document with the reason; ``operations/{id}/retry`` then ingests it.

Each test has its own worker consuming its own queue, so the session's solo worker never takes
these tasks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import psutil
import pytest
from django.conf import settings as django_settings

from helpdesk.models import Operation
from helpdesk.models.operation import OperationStatus
from helpdesk.services import operations as operation_services
from knowledge import services, vectorstore
from knowledge.models import Document
from tests.integration import INTEGRATION, ROOT, integration_only, wait_until
from tests.knowledge.conftest import upload

pytestmark = [integration_only, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Forty paragraphs of about 600 characters: forty chunks, one embedding request each.
TEXT = "\n\n".join(
    f"## Section {n}\n\n" + " ".join(f"The Widget Pro part {n}-{m} is described here." for m in range(14))
    for n in range(40)
)


class Worker:
    """A prefork worker (one child) on its own queue, started and killed by the test."""

    def __init__(self, *, queue: str, env: dict[str, str]):
        self.queue, self.env = queue, env
        self.name = f"{queue}@{socket.gethostname()}"
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        from helpdesk.celery import app

        log = open(Path(django_settings.VAR_DIR) / f"{self.queue}.log", "a")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "helpdesk",
                "worker",
                "-Q",
                self.queue,
                "-n",
                self.name,
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

        def ready():
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited with {self.process.returncode}; see {log.name}")
            return app.control.ping(destination=[self.name], timeout=1.0)

        wait_until(ready, timeout=120, interval=0.5, message="the prefork worker")
        return self

    def children(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children()

    def kill_busy_child(self) -> None:
        children = self.children()
        assert len(children) == 1, children
        os.kill(children[0].pid, signal.SIGKILL)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


@pytest.fixture
def worker_on_own_queue(settings, fake_ollama_server):
    """``start(**env)`` → a Worker embedding through the (slow) fake Ollama; the test process
    routes the knowledge tasks to that worker's queue meanwhile."""
    if not INTEGRATION:
        pytest.skip("needs PARLEY_INTEGRATION=1")
    from django.db import connection

    from helpdesk.celery import app

    queue = f"killtest-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test",
        "PARLEY_INTEGRATION": "1",
        "DATABASE_URL": f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_QUEUE_INGEST": queue,
        "EMBEDDING_BACKEND": "ollama",
        "EMBEDDING_MODEL": "nomic-embed-text",
        "EMBEDDING_BATCH_SIZE": "1",
        "OLLAMA_HOST": fake_ollama_server.url,
        "JOBS_RETRY_BACKOFF": "1",
        "PYTHONUNBUFFERED": "1",
    }
    settings.EMBEDDING_BACKEND, settings.EMBEDDING_MODEL = "ollama", "nomic-embed-text"
    settings.OLLAMA_HOST = fake_ollama_server.url
    settings.MEDIA_ROOT = Path(os.environ["PARLEY_TEST_MEDIA_ROOT"])  # the folder the worker uses too
    previous_routes, previous_eager = app.conf.task_routes, app.conf.task_always_eager
    app.conf.task_routes = {**previous_routes, "knowledge.tasks.*": {"queue": queue}}
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    fake_ollama_server.reset()
    fake_ollama_server.delay = 0.5  # every embedding request: the ingestion runs for a while
    workers: list[Worker] = []

    def start(**extra_env: str) -> Worker:
        worker = Worker(queue=queue, env={**env, **extra_env}).start()
        workers.append(worker)
        return worker

    yield start
    fake_ollama_server.reset()
    for worker in workers:
        worker.kill()
    app.conf.task_routes = previous_routes
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    app.conf.task_always_eager = previous_eager


def embedding_underway(document: Document):
    def check():
        operation = Operation.objects.filter(pk=document.operation_id).first()
        if (
            operation is not None
            and operation.status == OperationStatus.RUNNING
            and operation.progress_done >= 3
        ):
            return operation
        return None

    return wait_until(check, timeout=120, message="the worker to be embedding the document")


def finished(document: Document):
    def check():
        current = Document.objects.get(pk=document.pk)
        return current if current.status != "processing" else None

    return check


def test_a_killed_worker_child_has_its_ingestion_sent_again(org, worker_on_own_queue, fake_ollama_server):
    worker = worker_on_own_queue()
    document = services.document_upload(organization=org, file=upload("manual.md", TEXT))
    embedding_underway(document)

    worker.kill_busy_child()
    fake_ollama_server.delay = 0.0

    processed = wait_until(finished(document), timeout=240, message="the ingestion to be sent again")
    operation = Operation.objects.get(pk=document.operation_id)
    assert processed.status == "processed", processed.error
    assert operation.status == OperationStatus.SUCCEEDED
    assert operation.attempts >= 2  # started once by the killed child, again after it
    assert (
        vectorstore.count(org, where=vectorstore.document_where(org.pk, document.pk)) == processed.chunk_count
    )


def test_a_killed_worker_is_swept_visibly_and_retry_ingests_the_document(
    org, admin, api_for, worker_on_own_queue, fake_ollama_server, settings
):
    worker = worker_on_own_queue(OPERATION_STALE_SECONDS="3")
    document = services.document_upload(organization=org, file=upload("manual.md", TEXT))
    operation = embedding_underway(document)
    api = api_for(admin)

    worker.kill()
    assert api.post(f"/api/v1/documents/{document.pk}/reingest").status_code == 409  # still "processing"
    fake_ollama_server.delay = 0.0
    settings.OPERATION_STALE_SECONDS = 3
    worker_on_own_queue(OPERATION_STALE_SECONDS="3")  # a new worker (it sweeps at start too)

    def swept():  # what the beat task does every minute
        operation_services.operations_fail_stale()
        return Document.objects.get(pk=document.pk).status == "failed"

    wait_until(swept, timeout=120, message="the sweeper to fail the stale ingestion")
    reason = "No progress for 3 seconds (the worker may have stopped); retry it."
    operation.refresh_from_db()
    assert (operation.status, operation.error) == (OperationStatus.FAILED, reason)
    assert Document.objects.get(pk=document.pk).error == reason

    response = api.post(f"/api/v1/operations/{operation.pk}/retry")
    assert response.status_code == 202

    processed = wait_until(finished(document), timeout=240, message="the retried ingestion")
    assert processed.status == "processed", processed.error
    operation.refresh_from_db()
    assert operation.status == OperationStatus.SUCCEEDED
    assert (
        vectorstore.count(org, where=vectorstore.document_where(org.pk, document.pk)) == processed.chunk_count
    )
