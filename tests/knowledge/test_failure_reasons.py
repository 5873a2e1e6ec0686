"""Why a document failed, said for people: corrupt uploads never show the parsers' Python
internals (``stream <_io.BytesIO object at 0x…>``, exception class names), and a PDF longer
than ``KNOWLEDGE_MAX_PDF_PAGES`` fails before partitioning with its page count."""

import io
import os
import re
import zipfile

import pytest

from helpdesk.models import Operation
from knowledge.ingestion import partition
from knowledge.models import Document
from tests.knowledge.conftest import upload

pytestmark = pytest.mark.usefixtures("embedding_model")

PYTHON_INTERNALS = re.compile(r"0x[0-9a-f]{4,}|<_io\.|object at|Error:|Exception|Traceback|\bb'")


def post_file(client, run_tasks, name, data):
    with run_tasks():
        response = client.post("/api/v1/documents", {"file": upload(name, data)}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def many_page_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def broken_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "not xml at all")
        archive.writestr("word/document.xml", "<unclosed")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, data, expected",
    [
        # pikepdf's message here is "stream <_io.BytesIO object at 0x…>: unable to find trailer…"
        ("random.pdf", b"%PDF-1.4\n" + os.urandom(3000), "The PDF is corrupt"),
        (
            "no-kids.pdf",
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + os.urandom(400) + b"\n%%EOF",
            "The PDF is corrupt",
        ),
        # python-docx raises lxml's XMLSyntaxError with a "(<string>, line 1)" position.
        ("broken.docx", broken_docx(), "The DOCX file is damaged"),
    ],
)
def test_corrupt_upload_fails_with_a_readable_reason(admin_api, run_tasks, name, data, expected):
    document_id = post_file(admin_api, run_tasks, name, data)

    body = admin_api.get(f"/api/v1/documents/{document_id}").json()
    assert body["status"] == "failed"
    assert body["error"].startswith(expected)
    assert not PYTHON_INTERNALS.search(body["error"]), body["error"]
    operation = Operation.objects.get(pk=Document.objects.get(pk=document_id).operation_id)
    assert operation.status == "failed" and operation.error == body["error"]


def test_failure_reason_shown_in_the_ui_is_the_readable_one(admin, client, run_tasks, admin_api):
    document_id = post_file(admin_api, run_tasks, "random.pdf", b"%PDF-1.4\n" + os.urandom(3000))
    client.force_login(admin.user)

    page = client.get(f"/knowledge/documents/{document_id}/").content.decode()

    assert "The PDF is corrupt" in page
    assert "_io.BytesIO" not in page and "object at 0x" not in page


def test_pdf_over_the_page_limit_fails_before_partitioning(admin_api, run_tasks, settings, monkeypatch):
    settings.KNOWLEDGE_MAX_PDF_PAGES = 500
    import unstructured.partition.pdf as unstructured_pdf

    partitioned = []
    data = many_page_pdf(5000)

    monkeypatch.setattr(
        unstructured_pdf, "partition_pdf", lambda *args, **kwargs: partitioned.append(kwargs) or []
    )

    document_id = post_file(admin_api, run_tasks, "huge.pdf", data)

    body = admin_api.get(f"/api/v1/documents/{document_id}").json()
    assert body["status"] == "failed"
    assert body["error"].startswith("The PDF has 5000 pages; the limit is 500.")
    assert partitioned == []  # refused from the page count alone
    assert body["chunk_count"] == 0


def test_pdf_within_the_page_limit_is_partitioned(org, run_tasks, settings):
    settings.KNOWLEDGE_MAX_PDF_PAGES = 3
    # Blank pages: the limit passes and the partitioner runs (and finds no text).
    with pytest.raises(partition.ExtractionError, match="No extractable text"):
        partition.partition_document(many_page_pdf(3), "pdf")
    with pytest.raises(partition.ExtractionError, match="The PDF has 4 pages; the limit is 3."):
        partition.partition_document(many_page_pdf(4), "pdf")
