"""The integration suite's real parts (``PARLEY_INTEGRATION=1``, see ``make test-integration``).

- a Chroma server (``chroma run``) for the whole session, at ``settings.CHROMA_URL``;
- a Celery worker process consuming from Redis against the test PostgreSQL database, started
  on first use; tests that take ``real_worker`` send their tasks to it instead of running them
  eagerly (they need ``transaction=True`` so the worker sees committed rows)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

INTEGRATION = bool(getattr(settings, "INTEGRATION", False))
ROOT = Path(__file__).resolve().parent.parent

integration_only = pytest.mark.skipif(not INTEGRATION, reason="needs PARLEY_INTEGRATION=1 (make test-integration)")


def wait_until(predicate, *, timeout: float = 60.0, interval: float = 0.2, message: str = "condition"):
    """Poll ``predicate`` until it returns a truthy value; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {message}")


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)
        return True
    except OSError:
        return False


@pytest.fixture(scope="session", autouse=True)
def chroma_server():
    """In the integration suite every process talks to one Chroma server, as in production."""
    if not INTEGRATION:
        yield None
        return
    heartbeat = settings.CHROMA_URL.rstrip("/") + "/api/v2/heartbeat"
    process = None
    if not _answers(heartbeat):
        port = settings.CHROMA_URL.rsplit(":", 1)[1].strip("/")
        chroma = Path(sys.executable).parent / "chroma"
        process = subprocess.Popen(
            [str(chroma), "run", "--path", str(settings.CHROMA_PATH), "--host", "127.0.0.1", "--port", port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        wait_until(lambda: _answers(heartbeat), timeout=60, message="the Chroma server")
    yield settings.CHROMA_URL
    if process is not None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    if not INTEGRATION:
        pytest.skip("needs PARLEY_INTEGRATION=1 (make test-integration)")
    from django.db import connection

    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test",
        "PARLEY_INTEGRATION": "1",
        "DATABASE_URL": f"postgres://{user}@{host}:{port}/{db['NAME']}",
        "PYTHONUNBUFFERED": "1",
    }
    log = open(Path(settings.VAR_DIR) / "celery-worker.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "-Q", "default,ingest,ai",
         "--pool", "solo", "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    from helpdesk.celery import app

    def worker_ready():
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited with {process.returncode}; see {log.name}")
        return app.control.ping(timeout=1.0)

    wait_until(worker_ready, timeout=90, interval=0.5, message="the Celery worker")
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


@pytest.fixture
def real_worker(celery_worker_process, settings):
    """Send tasks to the worker process (Redis) instead of running them in the test."""
    from helpdesk.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield celery_worker_process
    app.conf.task_always_eager = previous
