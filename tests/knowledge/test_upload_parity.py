"""The upload page and ``POST /api/v1/documents`` upload several files through one service
(``knowledge.services.uploads.documents_upload``): the same files give the same documents and the
same refusals, file by file, whichever way they come."""

from __future__ import annotations

import pytest
from django.urls import reverse

from knowledge.models import Document
from knowledge.services.uploads import MAX_FILES_PER_UPLOAD
from tests.knowledge.conftest import upload

pytestmark = pytest.mark.usefixtures("embedding_model")

KNOWN = "Already known: the Widget Pro charges over USB-C."
METADATA = {"category": "Widgets", "description": "Product docs", "tags": "widget, pro", "title": "Ignored"}


def _files():
    return [
        upload("guide.md", "# Guide\n\nThe Widget Pro has a ten-hour battery."),
        upload("picture.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 40),  # a PNG named .pdf
        upload("copy.txt", KNOWN),
        upload("notes.txt", "Reset the Widget Pro by holding the button."),
    ]


def _outcome(via, *, ui_as, membership, api_client, run_tasks, files, data):
    with run_tasks():
        if via == "ui":
            response = ui_as(membership).post(reverse("knowledge:upload"), {"files": files, **data})
            outcomes = response.context["outcomes"] if response.context else None
            return response, [(o.name, o.ok, o.code, o.existing_id) for o in outcomes or []]
        response = api_client.post("/api/v1/documents", {"files": files, **data}, format="multipart")
    body = response.json()
    stored = {document["original_filename"] for document in body.get("results", [])}
    refused = {
        error["filename"]: error for error in body.get("errors", body.get("fields", {}).get("files", []))
    }
    names = [file.name for file in files]
    return response, [
        (
            name,
            name in stored,
            refused.get(name, {}).get("code", ""),
            refused.get(name, {}).get("document_id"),
        )
        for name in names
    ]


@pytest.mark.parametrize("via", ["ui", "api"])
def test_the_same_files_have_the_same_fate(via, ui_as, admin, admin_api, org, run_tasks):
    with run_tasks():
        known = admin_api.post("/api/v1/documents", {"file": upload("known.txt", KNOWN)}, format="multipart")
    known_id = known.json()["id"]

    response, outcomes = _outcome(
        via,
        ui_as=ui_as,
        membership=admin,
        api_client=admin_api,
        run_tasks=run_tasks,
        files=_files(),
        data=METADATA,
    )

    assert response.status_code in (200, 201)
    assert outcomes == [
        ("guide.md", True, "", None),
        ("picture.pdf", False, "unsupported_media_type", None),
        ("copy.txt", False, "duplicate", known_id),
        ("notes.txt", True, "", None),
    ]
    stored = Document.objects.filter(organization=org).exclude(pk=known_id).order_by("original_filename")
    assert [(d.original_filename, d.title, d.category, d.tags, d.uploaded_by) for d in stored] == [
        ("guide.md", "guide", "Widgets", ["widget", "pro"], admin),
        ("notes.txt", "notes", "Widgets", ["widget", "pro"], admin),
    ]


@pytest.mark.parametrize("via", ["ui", "api"])
def test_too_many_files_are_refused_with_the_same_message(via, ui_as, admin, admin_api, org, run_tasks):
    files = [
        upload(f"note-{number}.txt", f"Note number {number}.") for number in range(MAX_FILES_PER_UPLOAD + 1)
    ]
    message = f"At most {MAX_FILES_PER_UPLOAD} files at once; {MAX_FILES_PER_UPLOAD + 1} were sent."
    with run_tasks():
        if via == "ui":
            response = ui_as(admin).post(reverse("knowledge:upload"), {"files": files})
            assert response.status_code == 400
            assert response.context["form"].errors["files"] == [message]
        else:
            response = admin_api.post("/api/v1/documents", {"files": files}, format="multipart")
            assert response.status_code == 400
            assert response.json()["fields"]["files"] == [message]
    assert not Document.objects.filter(organization=org).exists()


@pytest.mark.parametrize("via", ["ui", "api"])
def test_a_single_file_takes_the_title(via, ui_as, agent, agent_api, org, run_tasks):
    files = [upload("notes.txt", "Reset the Widget Pro by holding the button.")]
    response, outcomes = _outcome(
        via, ui_as=ui_as, membership=agent, api_client=agent_api, run_tasks=run_tasks, files=files,
        data={"title": "Reset guide"},
    )  # fmt: skip
    assert response.status_code in (201, 302)
    assert Document.objects.get(organization=org).title == "Reset guide"
