"""Images are shown inline only when they decode: a PNG signature followed by random bytes is
refused at upload (415), and one stored before that check downloads as an attachment."""

import io
import os

import pytest
from django.core.files.base import ContentFile

from conversations.models import Attachment
from tests.conversations.test_media import upload


def real_image(fmt: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


FAKE_PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(4096)


@pytest.mark.parametrize(
    "name, data",
    [
        ("shot.png", FAKE_PNG),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + os.urandom(4096)),
        ("anim.gif", b"GIF89a" + os.urandom(4096)),
        ("pic.webp", b"RIFF\x00\x10\x00\x00WEBPVP8 " + os.urandom(4096)),
        ("cut.png", real_image("PNG")[:-20]),  # a real image cut short
    ],
)
def test_image_that_does_not_decode_is_refused_with_415(admin_api, name, data):
    response = upload(admin_api, name, data, "image/png")

    assert response.status_code == 415, response.content
    body = response.json()
    assert body["code"] == "unsupported_media_type"
    assert "cannot be decoded" in body["error"] and "files" in body["fields"]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "fmt, name, content_type",
    [
        ("PNG", "a.png", "image/png"),
        ("JPEG", "a.jpg", "image/jpeg"),
        ("GIF", "a.gif", "image/gif"),
        ("WEBP", "a.webp", "image/webp"),
    ],
)
def test_real_images_are_still_served_inline(admin_api, fmt, name, content_type):
    body = upload(admin_api, name, real_image(fmt), content_type).json()

    assert body["content_type"] == content_type and body["disposition"] == "inline"
    download = admin_api.get(body["url"])
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"].startswith("inline")


@pytest.fixture
def stored_fake_png(org):
    """An undecodable 'PNG' stored before uploads were decoded (disposition inline)."""
    attachment = Attachment(
        organization=org,
        filename="old.png",
        content_type="image/png",
        size=len(FAKE_PNG),
        disposition="inline",
    )
    attachment.file.save("old.png", ContentFile(FAKE_PNG), save=False)
    attachment.save()
    return attachment


def test_stored_undecodable_image_downloads_as_octet_stream_from_the_api(admin_api, stored_fake_png):
    download = admin_api.get(f"/api/v1/media/{stored_fake_png.uuid}/download")

    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == FAKE_PNG


def test_stored_undecodable_image_downloads_as_octet_stream_in_the_ui(client, admin, stored_fake_png):
    client.force_login(admin.user)

    download = client.get(f"/inbox/attachments/{stored_fake_png.uuid}/")

    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")
