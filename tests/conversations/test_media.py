"""Uploads: size limit, type by content, SVG and HTML never inline, scoped authenticated download."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conversations.models import Attachment


def tiny_png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


def upload(client, name, content, content_type="application/octet-stream", field="files"):
    return client.post(
        "/api/v1/media",
        {field: SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
    )


def test_png_is_stored_and_served_inline(admin_api):
    response = upload(admin_api, "screenshot.png", tiny_png(), "image/png")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["content_type"], body["disposition"], body["filename"]) == (
        "image/png",
        "inline",
        "screenshot.png",
    )
    assert body["url"] == f"/api/v1/media/{body['uuid']}/download"

    download = admin_api.get(body["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("inline")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == tiny_png()


def test_pdf_downloads_as_attachment(admin_api):
    body = upload(admin_api, "invoice.pdf", PDF, field="file").json()
    download = admin_api.get(body["url"])
    assert download["Content-Disposition"].startswith('attachment; filename="invoice.pdf"')
    assert download["Content-Type"] == "application/pdf"


def test_svg_is_stored_but_never_served_inline(admin_api):
    body = upload(admin_api, "logo.svg", SVG, "image/svg+xml").json()
    assert body["content_type"] == "image/svg+xml" and body["disposition"] == "attachment"
    download = admin_api.get(body["url"])
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]


@pytest.mark.parametrize(
    "name,content,claimed",
    [
        ("cat.png", EXE, "image/png"),  # an executable pretending to be an image
        ("tool.exe", EXE, "application/octet-stream"),
        ("run.bin", ELF, "application/octet-stream"),
        ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "text/plain"),
        ("notes.png", b"just some text, not an image", "image/png"),  # text disguised as an image
        ("photo.pdf", tiny_png(), "application/pdf"),  # content and name disagree
    ],
)
def test_wrong_or_disguised_types_are_refused_with_415(admin_api, name, content, claimed):
    response = upload(admin_api, name, content, claimed)
    assert response.status_code == 415, response.content
    assert response.json()["code"] == "unsupported_media_type"
    assert not Attachment.objects.exists()


def test_too_big_is_refused_with_413(admin_api, settings):
    settings.MAX_UPLOAD_MB = 1
    response = upload(admin_api, "big.txt", b"a" * (1024 * 1024 + 1), "text/plain")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Attachment.objects.exists()


def test_missing_or_empty_file_is_400(admin_api):
    assert admin_api.post("/api/v1/media", {}, format="multipart").status_code == 400
    assert upload(admin_api, "empty.txt", b"").status_code == 400


def test_filename_is_cleaned_and_extension_added_from_content(admin_api):
    body = upload(admin_api, "../../etc/pass<wd>", tiny_png(), "image/png").json()
    assert body["filename"] == "passwd.png"
    stored = Attachment.objects.get(uuid=body["uuid"])
    assert ".." not in stored.file.name and stored.file.name.startswith(
        f"attachments/{stored.organization_id}/"
    )


def test_csv_and_text_are_accepted(admin_api):
    assert upload(admin_api, "data.csv", b"a,b\n1,2\n").json()["content_type"] == "text/csv"
    assert upload(admin_api, "readme.md", "# Héllo\n".encode()).json()["content_type"] == "text/plain"


def test_attachments_link_to_a_message_once(admin_api, conversation):
    media = upload(admin_api, "shot.png", tiny_png(), "image/png").json()
    url = f"/api/v1/conversations/{conversation.uuid}/messages"
    sent = admin_api.post(url, {"message": "see attached", "attachments": [media["id"]]}, format="json")
    assert sent.status_code == 201, sent.content
    attached = sent.json()["attachments"]
    assert [a["id"] for a in attached] == [media["id"]] and attached[0]["model_type"] == "messages"

    reused = admin_api.post(url, {"message": "again", "attachments": [media["id"]]}, format="json")
    assert reused.status_code == 404


def test_an_attachment_alone_is_a_valid_message(admin_api, conversation):
    media = upload(admin_api, "shot.png", tiny_png(), "image/png").json()
    sent = admin_api.post(
        f"/api/v1/conversations/{conversation.uuid}/messages",
        {"message": "", "attachments": [media["id"]]},
        format="json",
    )
    assert sent.status_code == 201
    conversation.refresh_from_db()
    assert conversation.last_message_preview == "[1 attachment(s)]"


def test_other_organizations_cannot_see_download_or_attach(admin_api, other_api, other_conversation):
    media = upload(admin_api, "secret.pdf", PDF).json()
    assert other_api.get(f"/api/v1/media/{media['uuid']}").status_code == 404
    assert other_api.get(media["url"]).status_code == 404
    response = other_api.post(
        f"/api/v1/conversations/{other_conversation.uuid}/messages",
        {"message": "x", "attachments": [media["id"]]},
        format="json",
    )
    assert response.status_code == 404
    assert Attachment.objects.get(uuid=media["uuid"]).message is None


def test_download_needs_credentials(admin_api):
    from rest_framework.test import APIClient

    media = upload(admin_api, "secret.pdf", PDF).json()
    assert APIClient().get(media["url"]).status_code in (401, 403)


def test_contact_avatar_upload_accepts_only_images(admin_api, conversation):
    url = f"/api/v1/contacts/{conversation.contact_id}"
    ok = admin_api.put(
        url, {"files": SimpleUploadedFile("me.png", tiny_png(), "image/png")}, format="multipart"
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["avatar_url"].startswith("/api/v1/media/")
    refused = admin_api.put(
        url, {"files": SimpleUploadedFile("me.svg", SVG, "image/svg+xml")}, format="multipart"
    )
    assert refused.status_code == 415
