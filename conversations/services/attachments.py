"""Uploads (``POST media``): size limit, type detected from the content (never the name or the
client's claim), SVG and HTML handled as the active content they are."""

from __future__ import annotations

import mimetypes
import os
import unicodedata

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from conversations.errors import ConversationError, NotFound
from conversations.models import Attachment, Message
from helpdesk.models import Membership, Organization

SNIFF_BYTES = 8192
# Detected type → extensions a file of that type may carry.
ALLOWED_TYPES: dict[str, set[str]] = {
    "image/png": {"png"},
    "image/jpeg": {"jpg", "jpeg", "jpe"},
    "image/gif": {"gif"},
    "image/webp": {"webp"},
    "image/bmp": {"bmp"},
    "image/tiff": {"tif", "tiff"},
    "image/heic": {"heic"},
    "image/svg+xml": {"svg"},
    "application/pdf": {"pdf"},
    "application/zip": {"zip"},
    "application/gzip": {"gz", "tgz"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx"},
    "application/vnd.oasis.opendocument.text": {"odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
    "application/msword": {"doc"},
    "application/vnd.ms-excel": {"xls"},
    "audio/mpeg": {"mp3"},
    "audio/x-wav": {"wav"},
    "audio/ogg": {"ogg", "oga"},
    "video/mp4": {"mp4", "m4v"},
    "video/webm": {"webm"},
    "video/quicktime": {"mov"},
    "text/plain": {"txt", "log", "md", "text", "eml", "ics", "json", "xml", "yaml", "yml"},
    "text/csv": {"csv"},
}
# Raster images a browser may display inline; everything else downloads.
INLINE_SAFE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UploadRejected(ConversationError):
    code = "unsupported_media_type"


class UploadTooLarge(ConversationError):
    code = "too_large"


def max_upload_bytes() -> int:
    return int(settings.MAX_UPLOAD_MB) * 1024 * 1024


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def clean_filename(name: str) -> str:
    name = unicodedata.normalize("NFKC", os.path.basename(str(name or "").replace("\\", "/")))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"/\\|?*').strip(" .")
    return name[:200] or "file"


def _sniff_text(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut by the sniff window is fine; anything else is binary.
        try:
            text = head[:-4].decode("utf-8")
        except UnicodeDecodeError:
            return None
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if "<svg" in lowered[:2000] and (
        lowered.startswith("<?xml") or lowered.startswith("<svg") or "<!doctype svg" in lowered
    ):
        return "image/svg+xml"
    if lowered.startswith(("<!doctype html", "<html", "<script", "<head", "<body", "<iframe")):
        return "text/html"
    return "text/plain"


def detect_type(head: bytes, filename: str) -> str:
    """The content type from the bytes (filetype's signatures, then text sniffing)."""
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        if mime == "image/x-ms-bmp":
            mime = "image/bmp"
        if mime == "audio/wav":
            mime = "audio/x-wav"
        return mime
    if head.startswith(_OLE_SIGNATURE):  # legacy Office documents
        return {"xls": "application/vnd.ms-excel"}.get(_extension(filename), "application/msword")
    text_type = _sniff_text(head)
    if text_type == "text/plain" and _extension(filename) == "csv":
        return "text/csv"
    return text_type or "application/octet-stream"


def image_decodes(stream, content_type: str) -> bool:
    """Whether ``stream`` is a whole image of ``content_type`` that Pillow can decode: the
    signature alone (a PNG header followed by random bytes) is not enough to be shown inline.
    The stream is left at its start."""
    from PIL import Image, UnidentifiedImageError

    try:
        stream.seek(0)
        with Image.open(stream) as image:
            if Image.MIME.get(image.format or "") != content_type:
                return False
            image.verify()  # structure and checksums
        stream.seek(0)
        with Image.open(stream) as image:
            image.load()  # the pixel data itself
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError, EOFError):
        return False
    finally:
        stream.seek(0)
    return True


def attachment_presentation(*, attachment: Attachment, stream) -> tuple[bool, str]:
    """How to serve a stored file: (inline?, content type). Only a raster image that the upload
    check marked inline and that still decodes is shown inline; an image that does not decode
    (stored before that check, or altered since) downloads as ``application/octet-stream``."""
    if attachment.content_type not in INLINE_SAFE_TYPES:
        return False, attachment.content_type
    if attachment.disposition == "inline" and image_decodes(stream, attachment.content_type):
        return True, attachment.content_type
    return False, "application/octet-stream"


def attachment_upload(
    *,
    organization: Organization,
    upload: UploadedFile,
    uploaded_by: Membership | None,
    images_only: bool = False,
) -> Attachment:
    """Store an upload. Too big → 413; a type we do not accept, or content that does not match
    the file's extension (an executable named .png) → 415. ``images_only`` accepts only the
    raster images a browser may show inline (avatars)."""
    if upload is None:
        raise ConversationError("Send the file in the 'files' field (multipart/form-data).", field="files")
    if upload.size > max_upload_bytes():
        raise UploadTooLarge(f"The file is larger than the {settings.MAX_UPLOAD_MB} MB limit.", field="files")
    if upload.size == 0:
        raise ConversationError("The file is empty.", field="files")
    filename = clean_filename(upload.name)
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    content_type = detect_type(head, filename)
    if content_type not in ALLOWED_TYPES:
        raise UploadRejected(f"Files of type {content_type} are not accepted.", field="files")
    if images_only and content_type not in INLINE_SAFE_TYPES:
        raise UploadRejected("Use a PNG, JPEG, GIF or WebP image.", field="files")
    if content_type in INLINE_SAFE_TYPES and not image_decodes(upload, content_type):
        raise UploadRejected(
            f"The file starts like a {content_type.split('/')[1].upper()} image but cannot be decoded: "
            "it is damaged or not an image. Save it again from an image editor, or send it as a ZIP.",
            field="files",
        )
    extension = _extension(filename)
    allowed_extensions = ALLOWED_TYPES[content_type]
    if extension and extension not in allowed_extensions:
        raise UploadRejected(
            f"The file's content ({content_type}) does not match its name '{filename}'.", field="files"
        )
    if not extension:
        extension = sorted(allowed_extensions)[0]
        guessed = mimetypes.guess_extension(content_type)
        if guessed and guessed.lstrip(".") in allowed_extensions:
            extension = guessed.lstrip(".")
        filename = f"{filename}.{extension}"
    attachment = Attachment(
        organization=organization,
        filename=filename,
        content_type=content_type,
        size=upload.size,
        disposition="inline" if content_type in INLINE_SAFE_TYPES else "attachment",
        uploaded_by=uploaded_by,
    )
    attachment.file.save(filename, upload, save=False)
    attachment.save()
    return attachment


def attachments_for_message(*, organization: Organization, attachment_ids) -> list[Attachment]:
    """Unlinked uploads of this organization, by id; any other id → 404."""
    if not attachment_ids:
        return []
    try:
        ids = {int(value) for value in attachment_ids}
    except (TypeError, ValueError):
        raise ConversationError("attachments must be a list of media ids.", field="attachments")
    found = list(Attachment.objects.filter(organization=organization, pk__in=ids, message__isnull=True))
    if len(found) != len(ids):
        raise NotFound(
            "Unknown attachment (or it is attached to another message already).", field="attachments"
        )
    return found


def attachments_link(*, attachments: list[Attachment], message: Message) -> None:
    if attachments:
        Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(message=message)
