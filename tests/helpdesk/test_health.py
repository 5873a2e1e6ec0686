"""``/health`` and ``/api/v1/health``: public, one entry per backend, failures reported not raised."""

import socket
import sys

import pytest
from rest_framework.test import APIClient

from helpdesk import health

pytestmark = pytest.mark.django_db

HEALTH_URLS = ["/health", "/health/", "/api/v1/health", "/api/v1/health/"]


@pytest.fixture
def ollama_down(settings):
    """Point OLLAMA_HOST at a loopback port nothing listens on (deterministic, no real Ollama)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.OLLAMA_HOST = f"http://127.0.0.1:{port}"
    settings.OLLAMA_CONNECT_TIMEOUT = 1.0
    return settings.OLLAMA_HOST


@pytest.mark.parametrize("url", HEALTH_URLS)
def test_health_answers_without_credentials_with_each_backend(url, ollama_down):
    response = APIClient().get(url)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert {"database", "broker", "ollama"} <= set(checks)
    assert checks["database"]["status"] == "up"
    assert checks["broker"]["status"] == "up"
    for check in checks.values():
        assert check["status"] in ("up", "down")
        assert check["latency_ms"] >= 0


def test_ollama_unreachable_is_reported_down_not_raised(ollama_down):
    response = APIClient().get("/api/v1/health")

    assert response.status_code == 200
    ollama = response.json()["checks"]["ollama"]
    assert ollama["status"] == "down"
    assert ollama["error"]


def test_ollama_adapter_missing_is_reported_down(monkeypatch):
    import helpdesk

    monkeypatch.delattr(helpdesk, "ollama", raising=False)
    monkeypatch.setitem(sys.modules, "helpdesk.ollama", None)  # importing it now raises ImportError

    ollama = APIClient().get("/health").json()["checks"]["ollama"]

    assert ollama["status"] == "down"
    assert "helpdesk.ollama" in ollama["error"]


def test_a_failing_database_makes_the_service_unhealthy(monkeypatch, ollama_down):
    def database_down():
        raise RuntimeError("connection refused")

    monkeypatch.setitem(health._checks, "database", database_down)

    response = APIClient().get("/api/v1/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == {
        "status": "down",
        "error": "connection refused",
        "latency_ms": body["checks"]["database"]["latency_ms"],
    }
    assert body["checks"]["broker"]["status"] == "up"


def test_a_check_returning_a_detail_reports_it(monkeypatch, ollama_down):
    monkeypatch.setitem(health._checks, "vector_store", lambda: "3 collections")

    checks = health.run_checks()

    assert checks["vector_store"]["status"] == "up"
    assert checks["vector_store"]["detail"] == "3 collections"


def test_a_down_backend_is_described_without_python_internals(monkeypatch, ollama_down):
    import io

    def vector_store_down():
        raise ConnectionError(f"Caused by NewConnectionError('{io.BytesIO()}: Connection refused')")

    monkeypatch.setitem(health._checks, "vector_store", vector_store_down)

    error = health.run_checks()["vector_store"]["error"]

    assert "Connection refused" in error
    assert "0x" not in error and "object at" not in error and "NewConnectionError" not in error
