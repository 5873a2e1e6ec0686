"""Fixtures of the knowledge tests: the embedding model loaded once per session, a clean vector
store and keyword cache after each test, helpers that make small files of every format, and a
small web site served on loopback for crawling."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge import embeddings, keyword, vectorstore
from tests.knowledge.site import LocalSite


@pytest.fixture(scope="session")
def embedding_model():
    """Load all-MiniLM-L6-v2 once for the whole session (it takes seconds)."""
    embeddings.warm_up()
    return embeddings.embedding_model_name()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores its files in its own folder, so 'nothing stored' can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def clean_knowledge_state():
    """Database rows roll back after each test but Chroma's folder does not: empty it, so ids
    reused by the next test never meet old vectors."""
    yield
    if vectorstore._client is not None:
        client = vectorstore.client()
        for collection in client.list_collections():
            client.delete_collection(getattr(collection, "name", collection))
    vectorstore._collections.clear()
    keyword.forget()
    cache.clear()


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """``with run_tasks():`` runs what was queued after commit (eager Celery tasks, events)."""

    def runner():
        return django_capture_on_commit_callbacks(execute=True)

    return runner


def upload(
    name: str, data: bytes | str, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_docx(paragraphs: list[tuple[str, str]]) -> bytes:
    """A real DOCX: [("heading", text) | ("text", text)]."""
    import docx

    document = docx.Document()
    for kind, text in paragraphs:
        if kind == "heading":
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_blank_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def make_encrypted_pdf(source: bytes) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(source)) as pdf:
        buffer = io.BytesIO()
        pdf.save(buffer, encryption=pikepdf.Encryption(owner="owner-secret", user="user-secret", R=6))
    return buffer.getvalue()


@pytest.fixture
def loopback_allowed(org):
    org.allowed_outbound_hosts = ["127.0.0.1"]
    org.save(update_fields=["allowed_outbound_hosts"])
    return org


@pytest.fixture
def site():
    """A small web site on 127.0.0.1 (random port), stopped after the test."""
    server = LocalSite().start()
    yield server
    server.stop()
