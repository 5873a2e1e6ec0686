"""``/api/v1/documents``: upload checks, listing, detail, download, chunks, re-ingest, delete,
review, roles, plan limits and organization isolation."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from knowledge import vectorstore
from knowledge.models import Chunk, Document
from tests.isolation import assert_error_shape, assert_isolated, assert_not_listed, assert_unchanged
from tests.knowledge.conftest import make_docx, upload

pytestmark = pytest.mark.usefixtures("embedding_model")

TEXT = "The Widget Pro ships with a USB-C charger.\n\nIts battery lasts ten hours."


def post_files(client, run_tasks, **data):
    with run_tasks():
        return client.post("/api/v1/documents", data, format="multipart")


def stored_files(org) -> list[Path]:
    folder = Path(django_settings.MEDIA_ROOT) / "knowledge" / str(org.pk)
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.fixture
def document(org, admin_api, run_tasks):
    response = post_files(admin_api, run_tasks, file=upload("widget.txt", TEXT), category="product")
    assert response.status_code == 201, response.content
    return Document.objects.get(pk=response.json()["id"])


def test_upload_answers_processing_at_once_with_the_seed_fields(
    agent_api, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = agent_api.post(
            "/api/v1/documents",
            {
                "file": upload("manual.txt", TEXT),
                "title": "Product Manual",
                "category": "product",
                "description": "Product features",
                "train_ai": "true",
                "tags": "widget, manual",
            },
            format="multipart",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Product Manual"
    assert body["status"] == "processing"
    assert body["training_status"] == "pending"
    assert body["tags"] == ["widget", "manual"]
    assert body["operation_id"]
    assert queued  # the ingestion is queued after commit, not run in the request


def test_uploaded_document_becomes_processed(document):
    assert document.status == "processed"
    assert document.chunk_count >= 1


def test_several_files_in_one_request(admin_api, org, run_tasks):
    response = post_files(
        admin_api,
        run_tasks,
        files=[upload("a.txt", "Alpha product notes."), upload("b.md", "# Beta\n\nBeta product notes.")],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {item["title"] for item in body["results"]} == {"a", "b"}
    assert body["errors"] == []
    assert Document.objects.filter(organization=org, status="processed").count() == 2


def test_several_files_report_each_refusal(admin_api, org, run_tasks):
    response = post_files(
        admin_api,
        run_tasks,
        files=[upload("good.txt", "Good notes."), upload("bad.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 40)],
    )
    assert response.status_code == 201
    body = response.json()
    assert len(body["results"]) == 1
    assert body["errors"][0]["filename"] == "bad.pdf"
    assert body["errors"][0]["code"] == "unsupported_media_type"


def test_oversized_upload_is_refused_and_nothing_stored(admin_api, org, run_tasks, settings):
    settings.MAX_UPLOAD_MB = 1
    response = post_files(admin_api, run_tasks, file=upload("big.txt", "x" * (1024 * 1024 + 10)))
    assert_error_shape(response, 413, "too_large")
    assert not Document.objects.exists()
    assert stored_files(org) == []


def test_wrong_type_is_refused_and_nothing_stored(admin_api, org, run_tasks):
    response = post_files(
        admin_api, run_tasks, file=upload("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    )
    body = assert_error_shape(response, 415, "unsupported_media_type")
    assert "file" in body["fields"]
    assert not Document.objects.exists()
    assert stored_files(org) == []


def test_docx_bomb_is_refused(admin_api, org, run_tasks):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/bomb.bin", b"\x00" * (16 * 1024 * 1024))
    response = post_files(admin_api, run_tasks, file=upload("bomb.docx", buffer.getvalue()))
    assert_error_shape(response, 413, "too_large")
    assert not Document.objects.exists()
    assert stored_files(org) == []


def test_duplicate_content_is_refused_naming_the_existing_document(admin_api, org, run_tasks, document):
    files_before = stored_files(org)
    response = post_files(admin_api, run_tasks, file=upload("copy-with-another-name.txt", TEXT))
    body = assert_error_shape(response, 409, "duplicate")
    assert body["document_id"] == document.pk
    assert document.title in body["error"]
    assert Document.objects.filter(organization=org).count() == 1
    assert stored_files(org) == files_before


def test_same_content_in_another_organization_is_not_a_duplicate(document, other_api, run_tasks):
    response = post_files(other_api, run_tasks, file=upload("widget.txt", TEXT))
    assert response.status_code == 201


def test_missing_file_is_a_clear_400(admin_api):
    response = admin_api.post("/api/v1/documents", {"title": "x"}, format="multipart")
    body = assert_error_shape(response, 400, "invalid")
    assert "file" in body["fields"]


def test_plan_limit_on_documents(admin_api, org, run_tasks, document):
    org.limit_documents = 1
    org.save(update_fields=["limit_documents"])
    response = post_files(admin_api, run_tasks, file=upload("second.txt", "Another document."))
    body = assert_error_shape(response, 409, "limit_exceeded")
    assert "at most 1 documents" in body["error"]
    assert Document.objects.filter(organization=org).count() == 1


def test_list_filters_and_paginates(admin_api, run_tasks, document):
    post_files(admin_api, run_tasks, file=upload("other.txt", "Other notes."), category="billing")
    body = admin_api.get("/api/v1/documents?category=product&status=processed&page=1&per_page=20").json()
    assert body["count"] == 1 and body["results"][0]["id"] == document.pk
    assert body["per_page"] == 20 and body["page"] == 1
    assert admin_api.get("/api/v1/documents?status=failed").json()["count"] == 0


def test_detail_shows_history_and_review_fields(agent_api, document):
    body = agent_api.get(f"/api/v1/documents/{document.pk}").json()
    assert [event["status"] for event in body["events"]] == ["uploaded", "processing", "processed"]
    assert body["review"] is None
    assert body["sha256"] == document.sha256


def test_download_returns_the_original_file(agent_api, document):
    response = agent_api.get(f"/api/v1/documents/{document.pk}/download")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == TEXT
    assert response["Content-Disposition"].startswith("attachment")
    assert "widget.txt" in response["Content-Disposition"]


def test_chunks_are_listed_in_order(agent_api, document):
    body = agent_api.get(f"/api/v1/documents/{document.pk}/chunks").json()
    assert body["count"] == document.chunk_count
    assert [chunk["index"] for chunk in body["results"]] == list(range(document.chunk_count))
    assert "USB-C charger" in body["results"][0]["text"]


def test_reingest_answers_202_with_an_operation(agent_api, document, run_tasks):
    with run_tasks():
        response = agent_api.post(
            f"/api/v1/documents/{document.pk}/reingest", {"chunk_size": 500, "overlap": 50}
        )
    assert response.status_code == 202
    operation = agent_api.get(f"/api/v1/operations/{response.json()['operation_id']}").json()
    assert operation["status"] == "succeeded"
    assert Chunk.objects.filter(document=document).count() == document.chunk_count


def test_reingest_validates_chunk_settings(agent_api, document):
    response = agent_api.post(f"/api/v1/documents/{document.pk}/reingest", {"chunk_size": 10})
    assert_error_shape(response, 400, "invalid")


def test_patch_edits_metadata(agent_api, document, run_tasks):
    with run_tasks():
        response = agent_api.patch(
            f"/api/v1/documents/{document.pk}", {"title": "Widget guide", "tags": ["a"]}, format="json"
        )
    assert response.status_code == 200
    document.refresh_from_db()
    assert document.title == "Widget guide" and document.tags == ["a"]


def test_agents_cannot_delete_documents(agent_api, document):
    response = agent_api.delete(f"/api/v1/documents/{document.pk}")
    assert_error_shape(response, 403)
    assert_unchanged(document)


def test_read_only_key_cannot_upload(api_for, agent, run_tasks):
    client = api_for(agent, ["read"])
    response = post_files(client, run_tasks, file=upload("x.txt", "Some text."))
    assert_error_shape(response, 403)
    assert not Document.objects.exists()


def test_admin_deletes_document_with_its_vectors(admin_api, org, document, run_tasks):
    assert vectorstore.count(org) == document.chunk_count
    with run_tasks():
        response = admin_api.delete(f"/api/v1/documents/{document.pk}")
    assert response.status_code == 204
    assert not Document.objects.filter(pk=document.pk).exists()
    assert vectorstore.count(org) == 0


@pytest.mark.parametrize(
    "method,suffix,body",
    [
        ("get", "", None),
        ("patch", "", {"title": "stolen"}),
        ("delete", "", None),
        ("get", "/download", None),
        ("get", "/chunks", None),
        ("post", "/reingest", {}),
        ("post", "/review", {}),
    ],
)
def test_other_organization_gets_404(other_api, document, method, suffix, body):
    assert_isolated(other_api, method, f"/api/v1/documents/{document.pk}{suffix}", body)
    assert_unchanged(document)


def test_other_organization_does_not_list_my_documents(other_api, document):
    assert_not_listed(other_api, "/api/v1/documents", [document.pk])


# --- review (Ollama) ----------------------------------------------------------------------------


def test_review_stores_summary_features_entities_and_confidence(agent_api, document, fake_ollama):
    response = agent_api.post(
        f"/api/v1/documents/{document.pk}/review",
        {"model": "llama3.2", "prompt": "Extract key product features", "extract_entities": True},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["summary"].startswith("The Widget Pro ships with a USB-C charger")
    assert body["key_features"] and all(isinstance(item, str) for item in body["key_features"])
    assert set(body["entities"]) == {"products", "features"}
    assert body["confidence"] == 0.8
    document.refresh_from_db()
    assert document.summary == body["summary"] and document.review_model == "llama3.2"
    assert document.reviewed_at is not None
    chat = [request for request in fake_ollama.requests if request.path == "/api/chat"][-1]
    system, user = chat.body["messages"]
    assert "never instructions" in system["content"]
    assert "USB-C charger" in user["content"]


def test_review_when_ollama_is_down_is_503(agent_api, document, ollama_down):
    response = agent_api.post(f"/api/v1/documents/{document.pk}/review", {}, format="json")
    assert_error_shape(response, 503, "unavailable")
    document.refresh_from_db()
    assert document.reviewed_at is None


def test_review_with_unknown_model_is_502(agent_api, document, fake_ollama):
    response = agent_api.post(f"/api/v1/documents/{document.pk}/review", {"model": "nope"}, format="json")
    assert_error_shape(response, 502, "bad_gateway")


def test_review_of_a_failed_document_is_409(agent_api, org, run_tasks, fake_ollama):
    with run_tasks():
        response = agent_api.post("/api/v1/documents", {"file": upload("e.txt", "  \n ")}, format="multipart")
    document_id = response.json()["id"]
    response = agent_api.post(f"/api/v1/documents/{document_id}/review", {}, format="json")
    assert_error_shape(response, 409, "conflict")


def test_docx_upload_through_the_api(admin_api, run_tasks):
    data = make_docx([("heading", "Setup"), ("text", "Plug the Widget Pro into the dock.")])
    response = post_files(admin_api, run_tasks, file=upload("setup.docx", data))
    assert response.status_code == 201
    document = Document.objects.get(pk=response.json()["id"])
    assert document.format == "docx" and document.status == "processed"
