"""The ingestion pipeline: every format gives its text, unusable files fail with a reason,
re-running replaces chunks and vectors, deleting removes everything."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from helpdesk.models import Operation
from knowledge import services, vectorstore
from knowledge.models import Chunk, Document, DocumentEvent
from tests.knowledge.conftest import make_blank_pdf, make_docx, make_encrypted_pdf, upload

CORPUS = Path("/work/shared/corpus")
MIXED = CORPUS / "readthedocs-mixed-formats"

pytestmark = pytest.mark.usefixtures("embedding_model")


def ingest(org, name, data, run_tasks, **fields) -> Document:
    with run_tasks():
        document = services.document_upload(organization=org, file=upload(name, data), **fields)
    document.refresh_from_db()
    return document


def chunk_text(document) -> str:
    return "\n".join(Chunk.objects.filter(document=document).order_by("index").values_list("text", flat=True))


def vector_count(org, document) -> int:
    return vectorstore.count(org, where=vectorstore.document_where(org.pk, document.pk))


FORMATS = [
    (
        "notes.txt",
        "Widget Pro warranty lasts two years.\n\nReturns are free within thirty days.",
        "two years",
    ),
    (
        "guide.md",
        '+++\ntitle = "Guide"\n+++\n# Widget Pro\n\n## Charging\n\nCharge the Widget Pro for four hours.\n',
        "four hours",
    ),
    (
        "page.html",
        "<html><head><title>FAQ</title><script>alert(1)</script></head><body><h1>FAQ</h1>"
        "<p>The Widget Pro battery holds 5000 mAh.</p></body></html>",
        "5000 mAh",
    ),
    (
        "install.rst",
        "Installation\n============\n\n.. note::\n\n   Unplug the Widget Pro before opening the lid.\n\n"
        "Use :guilabel:`Settings` to pair it.\n",
        "Unplug the Widget Pro",
    ),
]


@pytest.mark.parametrize("name,content,expected", FORMATS)
def test_text_formats_extract_their_text(org, run_tasks, name, content, expected):
    document = ingest(org, name, content, run_tasks)
    assert document.status == "processed", document.error
    assert document.training_status == "trained"
    assert expected in chunk_text(document)
    assert document.chunk_count == Chunk.objects.filter(document=document).count() >= 1
    assert vector_count(org, document) == document.chunk_count


def test_markdown_front_matter_and_scripts_are_not_content(org, run_tasks):
    md = ingest(org, "guide.md", FORMATS[1][1], run_tasks)
    html = ingest(org, "page.html", FORMATS[2][1], run_tasks)
    assert "title =" not in chunk_text(md)
    assert "alert" not in chunk_text(html)


def test_docx_extracts_headings_and_paragraphs(org, run_tasks):
    data = make_docx(
        [("heading", "Pairing the Widget Pro"), ("text", "Hold the blue button for five seconds.")]
    )
    document = ingest(org, "manual.docx", data, run_tasks)
    assert document.status == "processed", document.error
    chunk = Chunk.objects.get(document=document, index=0)
    assert "Hold the blue button for five seconds." in chunk.text
    assert chunk.section == "Pairing the Widget Pro"


def test_pdf_from_the_corpus_extracts_text_with_pages(org, run_tasks):
    data = (MIXED / "custom-domains-guide.pdf").read_bytes()
    document = ingest(org, "custom-domains-guide.pdf", data, run_tasks)
    assert document.status == "processed", document.error
    assert document.format == "pdf"
    text = chunk_text(document)
    assert "custom domain" in text.lower()
    assert "CNAME" in text
    pages = set(Chunk.objects.filter(document=document).values_list("page", flat=True))
    assert 1 in pages and len(pages) >= 2


def test_corpus_docx_extracts_text(org, run_tasks):
    data = (MIXED / "two-factor-authentication.docx").read_bytes()
    document = ingest(org, "2fa.docx", data, run_tasks)
    assert document.status == "processed", document.error
    assert "recovery codes" in chunk_text(document)


@pytest.mark.parametrize(
    "name,make,reason",
    [
        ("blank.pdf", make_blank_pdf, "No extractable text: scanned or empty PDF?"),
        ("broken.pdf", lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage without xref\n", "corrupt"),
        (
            "locked.pdf",
            lambda: make_encrypted_pdf((MIXED / "privacy-policy.pdf").read_bytes()),
            "encrypted",
        ),
    ],
)
def test_unusable_pdfs_fail_with_a_reason(org, run_tasks, name, make, reason):
    document = ingest(org, name, make(), run_tasks)
    assert document.status == "failed"
    assert document.training_status == "failed"
    assert reason in document.error
    assert document.chunk_count == 0 and not Chunk.objects.filter(document=document).exists()
    assert vector_count(org, document) == 0
    operation = Operation.objects.get(pk=document.operation_id)
    assert operation.status == "failed" and reason in operation.error
    assert DocumentEvent.objects.filter(document=document, status="failed").exists()


def test_whitespace_only_text_fails_as_empty(org, run_tasks):
    document = ingest(org, "empty.txt", "   \n\n  \t\n", run_tasks)
    assert document.status == "failed"
    assert "No extractable text" in document.error


def test_progress_and_timings_are_recorded_on_the_operation(org, run_tasks):
    document = ingest(org, "notes.txt", FORMATS[0][1], run_tasks)
    operation = Operation.objects.get(pk=document.operation_id)
    assert operation.kind == "document.ingest"
    assert operation.status == "succeeded"
    assert operation.progress == 1.0
    assert operation.result["chunks"] == document.chunk_count
    assert set(operation.result["seconds"]) == {"partition", "embedding", "indexing"}
    statuses = list(DocumentEvent.objects.filter(document=document).values_list("status", flat=True))
    assert statuses == ["uploaded", "processing", "processed"]


def test_reingest_replaces_chunks_and_vectors_without_duplicates(org, run_tasks):
    text = "\n\n".join(
        f"Paragraph {n} explains feature number {n} of the Widget Pro in detail." for n in range(60)
    )
    document = ingest(org, "long.txt", text, run_tasks)
    first_count = document.chunk_count
    assert first_count > 2
    assert vector_count(org, document) == first_count

    with run_tasks():
        services.document_reingest(document=document)
    document.refresh_from_db()
    assert document.chunk_count == first_count
    assert Chunk.objects.filter(document=document).count() == first_count
    assert vector_count(org, document) == first_count

    with run_tasks():  # bigger chunks: fewer of them, and no stale vector left behind
        services.document_reingest(document=document, chunk_size=4000, overlap=0)
    document.refresh_from_db()
    assert document.chunk_count < first_count
    assert vector_count(org, document) == document.chunk_count


def test_failed_ingestion_can_be_retried_through_the_operation(org, run_tasks, settings):
    from helpdesk.services.operations import operation_retry

    document = ingest(org, "blank.pdf", make_blank_pdf(), run_tasks)
    operation = Operation.objects.get(pk=document.operation_id)
    assert operation.status == "failed"
    with run_tasks():
        operation_retry(operation=operation)
    document.refresh_from_db()
    operation.refresh_from_db()
    assert document.status == "failed" and operation.status == "failed"  # the same file fails the same way
    assert operation.attempts == 2


def test_delete_removes_file_chunks_and_vectors(org, run_tasks):
    document = ingest(org, "notes.txt", FORMATS[0][1], run_tasks)
    file_name = document.file.name
    assert default_storage.exists(file_name)
    assert vector_count(org, document) > 0
    document_id = document.pk
    with run_tasks():
        services.document_delete(document=document)
    assert not Document.objects.filter(pk=document_id).exists()
    assert not Chunk.objects.filter(document_id=document_id).exists()
    assert vectorstore.count(org, where=vectorstore.document_where(org.pk, document_id)) == 0
    assert vectorstore.count(org) == 0
    assert not default_storage.exists(file_name)


def test_train_ai_off_keeps_text_but_indexes_no_vectors(org, run_tasks):
    document = ingest(org, "notes.txt", FORMATS[0][1], run_tasks, train_ai=False)
    assert document.status == "processed"
    assert document.training_status == "pending"
    assert document.chunk_count >= 1
    assert vector_count(org, document) == 0

    with run_tasks():
        services.document_update(document=document, train_ai=True)
    document.refresh_from_db()
    assert document.training_status == "trained"
    assert vector_count(org, document) == document.chunk_count


def test_category_change_is_written_to_the_vectors(org, run_tasks):
    document = ingest(org, "notes.txt", FORMATS[0][1], run_tasks, category="warranty")
    with run_tasks():
        services.document_update(document=document, category="returns")
    where = {"$and": [{"document_id": document.pk}, {"category": "returns"}]}
    assert vectorstore.count(org, where=where) == document.chunk_count


def test_document_processed_event_is_emitted(org, run_tasks):
    from helpdesk import events

    seen = []

    def handler(organization, name, payload):
        seen.append(payload)

    events.subscribe("document.processed", handler)
    try:
        document = ingest(org, "notes.txt", FORMATS[0][1], run_tasks)
    finally:
        events.unsubscribe("document.processed", handler)
    assert seen and seen[-1]["document_id"] == document.pk
    assert seen[-1]["status"] == "processed"
