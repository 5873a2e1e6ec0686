"""The knowledge UI, documents: list with live states, upload (several files, refusals per file),
detail (history, chunks, review), download, retry, delete, roles and organization isolation."""

import pytest
from django.urls import reverse

from helpdesk.models import Operation
from helpdesk.services import operations as operation_services
from knowledge import services, vectorstore
from knowledge.models import Chunk, Document, DocumentEvent
from tests.knowledge.conftest import make_blank_pdf, upload

pytestmark = pytest.mark.usefixtures("embedding_model")

GUIDE_MD = "# Widget Pro guide\n\n## Charging\n\nCharge the Widget Pro for four hours before first use.\n"
NOTES_TXT = "Widget Pro warranty lasts two years.\n\nReturns are free within thirty days."


@pytest.fixture
def signed_in(client):
    """``signed_in(membership)`` → the test client acting in that member's organization."""

    def sign_in(membership):
        client.force_login(membership.user)
        session = client.session
        session["organization_id"] = membership.organization_id
        session.save()
        return client

    return sign_in


def add_document(org, name, data, run_tasks=None, **fields) -> Document:
    if run_tasks is None:
        document = services.document_upload(organization=org, file=upload(name, data), **fields)
    else:
        with run_tasks():
            document = services.document_upload(organization=org, file=upload(name, data), **fields)
    document.refresh_from_db()
    return document


# ---------- list ----------


def test_empty_list_tells_what_to_do(signed_in, admin):
    body = signed_in(admin).get(reverse("knowledge:documents")).content.decode()
    assert "Upload your product docs — PDF, DOCX, Markdown, HTML, RST or text" in body
    assert reverse("knowledge:upload") in body and reverse("knowledge:crawl") in body


def test_agents_see_the_list_without_admin_actions(signed_in, agent, org, run_tasks):
    add_document(org, "notes.txt", NOTES_TXT, run_tasks)
    response = signed_in(agent).get(reverse("knowledge:documents"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "notes" in body and "Processed" in body
    assert reverse("knowledge:upload") in body  # agents upload, like the API allows
    assert reverse("knowledge:crawl") not in body  # crawling is for admins


def test_list_shows_each_state(signed_in, admin, org, run_tasks):
    processed = add_document(org, "notes.txt", NOTES_TXT, run_tasks)
    failed = add_document(org, "blank.pdf", make_blank_pdf(), run_tasks)
    waiting = add_document(org, "guide.md", GUIDE_MD)  # queued, not run
    assert (processed.status, failed.status, waiting.status) == ("processed", "failed", "processing")

    response = signed_in(admin).get(reverse("knowledge:documents"))
    body = response.content.decode()
    assert f"{processed.chunk_count} chunk" in body
    assert failed.error and failed.error[:40] in body
    assert reverse("knowledge:document-retry", args=[failed.pk]) in body
    assert 'aria-label="Waiting for a worker"' in body
    # one poll for the whole table while something is processing
    assert 'hx-trigger="every 1500ms"' in body and "partial=table" in body


def test_running_ingestion_shows_its_operation_progress(signed_in, admin, org):
    document = add_document(org, "guide.md", GUIDE_MD)
    operation = Operation.objects.get(pk=document.operation_id)
    operation_services.operation_start(operation=operation, total=5, message="Embedding batch 1/2")
    operation_services.operation_progress(operation=operation, done=3)

    client = signed_in(admin)
    partial = client.get(
        reverse("knowledge:documents") + "?partial=table", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert partial.lstrip().startswith('<section class="card card--flush" id="documents-table"')
    assert '<progress value="3" max="5"' in partial and "Embedding batch 1/2" in partial
    assert "every 1500ms" in partial


def test_polling_stops_once_nothing_is_processing(signed_in, admin, org, run_tasks):
    add_document(org, "notes.txt", NOTES_TXT, run_tasks)
    partial = (
        signed_in(admin)
        .get(reverse("knowledge:documents") + "?partial=table", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "hx-trigger" not in partial
    assert "Processed" in partial


def test_filters_by_status_category_and_title(signed_in, admin, org, run_tasks):
    add_document(org, "notes.txt", NOTES_TXT, run_tasks, category="Warranty", title="Warranty notes")
    add_document(org, "blank.pdf", make_blank_pdf(), run_tasks, category="Manuals", title="Blank manual")
    client = signed_in(admin)
    url = reverse("knowledge:documents")

    failed = client.get(url, {"status": "failed"}).content.decode()
    assert "Blank manual" in failed and "Warranty notes" not in failed
    category = client.get(url, {"category": "Warranty"}).content.decode()
    assert "Warranty notes" in category and "Blank manual" not in category
    searched = client.get(url, {"q": "blank"}).content.decode()
    assert "Blank manual" in searched and "Warranty notes" not in searched
    nothing = client.get(url, {"q": "zzz-no-such"}).content.decode()
    assert "No documents match" in nothing


# ---------- upload ----------


def test_upload_page_renders_the_drop_zone(signed_in, agent):
    body = signed_in(agent).get(reverse("knowledge:upload")).content.decode()
    assert "data-dropzone" in body and 'type="file"' in body and "multiple" in body
    assert 'enctype="multipart/form-data"' in body


def test_upload_several_files_at_once(signed_in, admin, org, run_tasks):
    client = signed_in(admin)
    with run_tasks():
        response = client.post(
            reverse("knowledge:upload"),
            {
                "files": [upload("guide.md", GUIDE_MD), upload("notes.txt", NOTES_TXT)],
                "category": "Widgets",
                "description": "Product docs",
                "tags": "widget, pro",
                "train_ai": "on",
                "title": "ignored for several files",
            },
        )
    assert response.status_code == 302 and response.url == reverse("knowledge:documents")
    documents = Document.objects.filter(organization=org).order_by("original_filename")
    assert [d.original_filename for d in documents] == ["guide.md", "notes.txt"]
    assert [d.title for d in documents] == ["guide", "notes"]
    for document in documents:
        assert document.status == "processed", document.error
        assert document.category == "Widgets" and document.tags == ["widget", "pro"]
        assert document.uploaded_by == admin
    page = client.get(response.url).content.decode()
    assert "Uploaded 2 documents" in page


def test_single_upload_takes_the_title(signed_in, agent, org):
    response = signed_in(agent).post(
        reverse("knowledge:upload"), {"files": [upload("notes.txt", NOTES_TXT)], "title": "Warranty"}
    )
    assert response.status_code == 302
    document = Document.objects.get(organization=org)
    assert document.title == "Warranty" and document.status == "processing"
    assert document.train_ai is False  # the box was not ticked


def test_duplicate_and_refused_files_are_reported_per_file(signed_in, admin, org, run_tasks, settings):
    existing = add_document(org, "notes.txt", NOTES_TXT, run_tasks)
    settings.MAX_UPLOAD_MB = 1
    response = signed_in(admin).post(
        reverse("knowledge:upload"),
        {
            "files": [
                upload("again.txt", NOTES_TXT),  # same bytes as notes.txt
                upload("program.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" * 10),
                upload("huge.txt", "a" * (1024 * 1024 + 10)),
                upload("guide.md", GUIDE_MD),
            ]
        },
    )
    assert response.status_code == 200  # one of four was stored
    body = response.content.decode()
    assert "3 of 4 files refused" in body
    assert 'data-file="again.txt"' in body and "Duplicate" in body
    assert "already uploaded" in body and reverse("knowledge:document", args=[existing.pk]) in body
    assert 'data-file="program.exe"' in body and "Unsupported" in body
    assert 'data-file="huge.txt"' in body and "Too large" in body
    assert sorted(Document.objects.filter(organization=org).values_list("original_filename", flat=True)) == [
        "guide.md",
        "notes.txt",
    ]


def test_all_files_refused_answers_400_and_stores_nothing(signed_in, admin, org):
    response = signed_in(admin).post(
        reverse("knowledge:upload"), {"files": [upload("binary.txt", b"\x00\x01\x02\xff" * 50)]}
    )
    assert response.status_code == 400
    assert "No file was uploaded" in response.content.decode()
    assert not Document.objects.filter(organization=org).exists()


def test_upload_without_a_file_is_a_form_error(signed_in, admin, org):
    response = signed_in(admin).post(reverse("knowledge:upload"), {"title": "Nothing"})
    assert response.status_code == 400
    assert "Choose at least one file" in response.content.decode()
    assert not Document.objects.exists()


# ---------- detail, status, download ----------


def test_detail_shows_metadata_history_and_paginated_chunks(signed_in, agent, org, run_tasks, settings):
    settings.KNOWLEDGE_CHUNK_SIZE = 120
    settings.KNOWLEDGE_CHUNK_OVERLAP = 0
    text = "\n\n".join(
        f"Paragraph {n}: the Widget Pro has feature number {n} for testing." for n in range(40)
    )
    document = add_document(org, "long.txt", text, run_tasks, category="Manuals", tags=["widget"])
    assert document.chunk_count > 10

    client = signed_in(agent)
    url = reverse("knowledge:document", args=[document.pk])
    body = client.get(url).content.decode()
    assert "Manuals" in body and "widget" in body
    assert "uploaded" in body.lower() and "Ingestion started." in body
    assert f"{document.chunk_count} chunks" in body
    first_page = Chunk.objects.get(document=document, index=0).text
    last = Chunk.objects.get(document=document, index=document.chunk_count - 1).text
    assert first_page[:30] in body and last[:30] not in body
    second = client.get(url, {"chunks": 2}).content.decode()
    assert 'id="chunk-10"' in second and 'id="chunk-0"' not in second
    assert reverse("knowledge:document-download", args=[document.pk]) in body
    assert reverse("knowledge:document-delete", args=[document.pk]) not in body  # agents do not delete


def test_status_poll_asks_for_a_refresh_when_processing_ends(signed_in, admin, org, run_tasks):
    document = add_document(org, "guide.md", GUIDE_MD)
    client = signed_in(admin)
    url = reverse("knowledge:document-status", args=[document.pk])
    detail = client.get(reverse("knowledge:document", args=[document.pk])).content.decode()
    assert f'hx-get="{url}?watching=1"' in detail

    processing = client.get(url + "?watching=1", HTTP_HX_REQUEST="true")
    assert processing.status_code == 200 and "Processing" in processing.content.decode()

    with run_tasks():
        services.document_ingest(document=document)
    done = client.get(url + "?watching=1", HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_download_returns_the_original_as_an_attachment(signed_in, agent, org):
    html = "<html><body><h1>FAQ</h1><script>alert(1)</script><p>Widget answers.</p></body></html>"
    document = add_document(org, "faq.html", html)
    response = signed_in(agent).get(reverse("knowledge:document-download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="faq.html"' in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).decode() == html


# ---------- retry, delete, review ----------


def test_failed_document_can_be_retried(signed_in, agent, org, run_tasks):
    document = add_document(org, "blank.pdf", make_blank_pdf(), run_tasks)
    assert document.status == "failed"
    before = Operation.objects.filter(organization=org).count()
    response = signed_in(agent).post(
        reverse("knowledge:document-retry", args=[document.pk]), {"next": reverse("knowledge:documents")}
    )
    assert response.status_code == 302 and response.url == reverse("knowledge:documents")
    document.refresh_from_db()
    assert document.status == "processing" and document.error == ""
    assert Operation.objects.filter(organization=org).count() == before + 1
    assert DocumentEvent.objects.filter(document=document, status="queued").exists()


def test_retry_ignores_a_foreign_next_url(signed_in, admin, org, run_tasks):
    document = add_document(org, "blank.pdf", make_blank_pdf(), run_tasks)
    response = signed_in(admin).post(
        reverse("knowledge:document-retry", args=[document.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("knowledge:document", args=[document.pk])


def test_admin_deletes_a_document_with_its_chunks_and_vectors(signed_in, admin, org, run_tasks):
    document = add_document(org, "notes.txt", NOTES_TXT, run_tasks)
    where = vectorstore.document_where(org.pk, document.pk)
    assert vectorstore.count(org, where=where) == document.chunk_count > 0
    client = signed_in(admin)
    detail = client.get(reverse("knowledge:document", args=[document.pk])).content.decode()
    assert "data-confirm=" in detail and reverse("knowledge:document-delete", args=[document.pk]) in detail
    with run_tasks():
        response = client.post(reverse("knowledge:document-delete", args=[document.pk]))
    assert response.status_code == 302 and response.url == reverse("knowledge:documents")
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not Chunk.objects.filter(document_id=document.pk).exists()
    assert vectorstore.count(org, where=where) == 0


def test_agent_cannot_delete(signed_in, agent, org, run_tasks):
    document = add_document(org, "notes.txt", NOTES_TXT, run_tasks)
    response = signed_in(agent).post(reverse("knowledge:document-delete", args=[document.pk]))
    assert response.status_code == 403
    assert Document.objects.filter(pk=document.pk).exists()
    assert (
        vectorstore.count(org, where=vectorstore.document_where(org.pk, document.pk)) == document.chunk_count
    )


def test_review_shows_a_banner_when_ollama_is_unreachable(signed_in, agent, org, run_tasks, ollama_down):
    document = add_document(org, "notes.txt", NOTES_TXT, run_tasks)
    client = signed_in(agent)
    detail = client.get(reverse("knowledge:document", args=[document.pk])).content.decode()
    assert "Review with AI" in detail
    response = client.post(reverse("knowledge:document-review", args=[document.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ollama is unreachable" in body and 'data-review-error="unavailable"' in body
    document.refresh_from_db()
    assert document.reviewed_at is None and document.summary == ""


def test_review_with_ollama_stores_and_shows_the_review(signed_in, agent, org, run_tasks, fake_ollama):
    document = add_document(org, "notes.txt", NOTES_TXT, run_tasks)
    response = signed_in(agent).post(
        reverse("knowledge:document-review", args=[document.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    document.refresh_from_db()
    assert document.reviewed_at is not None and "warranty" in document.summary.lower()
    assert document.summary in body and document.key_features[0] in body
    assert "confidence 80%" in body  # the fake model's confidence, 0.8
    assert "parley:toast" in response["HX-Trigger"]


def test_review_without_htmx_redirects_with_a_message(signed_in, agent, org, run_tasks, ollama_down):
    document = add_document(org, "notes.txt", NOTES_TXT, run_tasks)
    client = signed_in(agent)
    response = client.post(reverse("knowledge:document-review", args=[document.pk]))
    assert response.status_code == 302
    assert "Ollama is unreachable" in client.get(response.url).content.decode()


# ---------- isolation and safety ----------


@pytest.mark.parametrize(
    "name,method",
    [
        ("knowledge:document", "get"),
        ("knowledge:document-status", "get"),
        ("knowledge:document-download", "get"),
        ("knowledge:document-retry", "post"),
        ("knowledge:document-review", "post"),
        ("knowledge:document-delete", "post"),
    ],
)
def test_another_organizations_document_is_not_found(signed_in, admin, other_org, run_tasks, name, method):
    theirs = add_document(other_org, "blank.pdf", make_blank_pdf(), run_tasks)
    response = getattr(signed_in(admin), method)(reverse(name, args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "failed" and Document.objects.filter(pk=theirs.pk).exists()


def test_other_organizations_documents_are_not_listed(signed_in, admin, other_org, run_tasks):
    add_document(other_org, "notes.txt", NOTES_TXT, run_tasks, title="Globex secret plan")
    body = signed_in(admin).get(reverse("knowledge:documents")).content.decode()
    assert "Globex secret plan" not in body and "No documents yet" in body


def test_titles_and_errors_are_escaped(signed_in, admin, org, run_tasks):
    evil = '<img src=x onerror="alert(1)">'
    document = add_document(org, "notes.txt", NOTES_TXT, run_tasks, title=evil, description=evil)
    client = signed_in(admin)
    for url in (reverse("knowledge:documents"), reverse("knowledge:document", args=[document.pk])):
        body = client.get(url).content.decode()
        assert evil not in body
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(reverse("knowledge:documents"))
    assert response.status_code == 302 and "/login/" in response.url
