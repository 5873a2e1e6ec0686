"""Health checks: each backend reports up or down with its latency.

The helpdesk checks the database, the broker and Ollama; apps add theirs (the vector store)
with ``register_check`` in ``AppConfig.ready()``."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection

from helpdesk.errors import exception_reason

logger = logging.getLogger(__name__)

_checks: dict[str, Callable[[], str | None]] = {}


def register_check(name: str, check: Callable[[], str | None]) -> None:
    """``check()`` raises when the backend is down; it may return a short detail string."""
    _checks[name] = check


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in _checks.items():
        started = time.perf_counter()
        try:
            detail = check()
            results[name] = {"status": "up"}
            if detail:
                results[name]["detail"] = detail
        except Exception as exc:  # a health check reports failures, it never raises them
            results[name] = {"status": "down", "error": exception_reason(exc)[:300]}
        results[name]["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return results


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _broker() -> str:
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager (tasks run in the web process)"
    if url.startswith("filesystem://"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        if not os.access(folder, os.W_OK):
            raise RuntimeError(f"broker folder {folder} is not writable")
        return "filesystem"
    if url.startswith("memory://"):
        return "memory"
    from helpdesk.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return url.split("://", 1)[0]


def _ollama() -> str:
    from helpdesk import ollama

    return ollama.server_version()


register_check("database", _database)
register_check("broker", _broker)
register_check("ollama", _ollama)
