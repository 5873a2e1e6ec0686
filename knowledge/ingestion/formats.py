"""What an uploaded file really is, decided from its bytes (never from its name alone), and the
checks that refuse dangerous or unusable content before anything is stored."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings

from helpdesk.errors import DomainError
from knowledge.models import DocumentFormat

CONTENT_TYPES = {
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentFormat.TXT: "text/plain",
    DocumentFormat.MD: "text/markdown",
    DocumentFormat.HTML: "text/html",
    DocumentFormat.RST: "text/x-rst",
}
TEXT_EXTENSIONS = {
    ".md": DocumentFormat.MD,
    ".markdown": DocumentFormat.MD,
    ".rst": DocumentFormat.RST,
    ".rest": DocumentFormat.RST,
    ".html": DocumentFormat.HTML,
    ".htm": DocumentFormat.HTML,
    ".xhtml": DocumentFormat.HTML,
    ".txt": DocumentFormat.TXT,
    ".text": DocumentFormat.TXT,
}
BINARY_EXTENSIONS = {".pdf": DocumentFormat.PDF, ".docx": DocumentFormat.DOCX}
SUPPORTED = "PDF, DOCX, TXT, Markdown, HTML or reStructuredText"

_HTML_MARKERS = re.compile(rb"^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)
_RST_HEADING = re.compile(r"^(\S.*)\n([=\-~^\"'`#*+<>])\2{2,}\s*$", re.MULTILINE)
_RST_DIRECTIVE = re.compile(r"^\.\. [a-z][\w-]*::", re.MULTILINE)
_MD_MARKERS = re.compile(r"^(#{1,6} \S|```|\* \S|- \S|\d+\. \S)|\[[^\]]+\]\([^)]+\)", re.MULTILINE)


class UnsupportedFile(DomainError):
    code = "unsupported_media_type"


class ArchiveRefused(DomainError):
    code = "too_large"


@dataclass(frozen=True)
class DetectedFormat:
    format: str
    content_type: str


def _detected(fmt: str) -> DetectedFormat:
    return DetectedFormat(format=str(fmt), content_type=CONTENT_TYPES[fmt])


def decode_text(data: bytes) -> str | None:
    """The text of ``data`` if it is text (UTF-8, UTF-16 with BOM, or Windows-1252), else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:65536]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return None
    sample = text[:65536]
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\t\n\r\f")
    return None if sample and controls / len(sample) > 0.01 else text


def _is_strict_text(data: bytes) -> bool:
    """Valid UTF-8 with no NUL or control characters: real binary formats never are, though their
    weakest signatures (BMP's "BM") can start a text ("BMI-1 regulates…")."""
    sample = data[:65536]
    if b"\x00" in sample:
        return False
    try:  # incremental: a character cut at the sample's end is not an error
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return bool(text) and not any(ord(char) < 32 and char not in "\t\n\r\f" for char in text)


def check_docx_archive(data: bytes) -> None:
    """Refuse archive bombs: too many entries, too much uncompressed data, or too high a ratio."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnsupportedFile("The file is not a readable DOCX: its ZIP archive is broken.", field="file")
    max_entries = settings.KNOWLEDGE_DOCX_MAX_ENTRIES
    if len(entries) > max_entries:
        raise ArchiveRefused(
            f"The DOCX archive has {len(entries)} entries (at most {max_entries} are accepted).", field="file"
        )
    uncompressed = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries) or 1
    limit = settings.KNOWLEDGE_DOCX_MAX_UNCOMPRESSED_MB * 1024 * 1024
    if uncompressed > limit:
        raise ArchiveRefused(
            f"The DOCX archive expands to {uncompressed // (1024 * 1024)} MB "
            f"(at most {settings.KNOWLEDGE_DOCX_MAX_UNCOMPRESSED_MB} MB): refused as a possible archive bomb.",
            field="file",
        )
    ratio = settings.KNOWLEDGE_DOCX_MAX_RATIO
    worst = max((entry.file_size / max(entry.compress_size, 1) for entry in entries), default=0)
    if uncompressed > 1024 * 1024 and (uncompressed / compressed > ratio or worst > ratio * 10):
        raise ArchiveRefused(
            f"The DOCX archive is compressed {uncompressed / compressed:.0f}:1 (at most {ratio}:1 is accepted): "
            "refused as a possible archive bomb.",
            field="file",
        )


def _sniff_text(text: str, raw: bytes) -> str:
    if _HTML_MARKERS.search(raw[:2048]):
        return DocumentFormat.HTML
    head = text[:20000]
    if _RST_DIRECTIVE.search(head) or (_RST_HEADING.search(head) and not re.search(r"^#{1,6} ", head, re.M)):
        return DocumentFormat.RST
    if _MD_MARKERS.search(head):
        return DocumentFormat.MD
    return DocumentFormat.TXT


def detect_format(data: bytes, filename: str = "") -> DetectedFormat:
    """Decide the format from the content; the extension only tells text flavours apart."""
    suffix = PurePath(filename or "").suffix.lower()
    if not data:
        raise DomainError("The file is empty.", field="file")
    if b"%PDF-" in data[:1024]:
        return _detected(DocumentFormat.PDF)
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            names = set()
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            check_docx_archive(data)
            return _detected(DocumentFormat.DOCX)
        raise UnsupportedFile(
            f"This ZIP-based file is not a Word document. Supported: {SUPPORTED}.", field="file"
        )
    import filetype

    guessed = filetype.guess(data[:8192])
    if guessed is not None and not _is_strict_text(data):
        raise UnsupportedFile(
            f"This file is {guessed.mime}, which cannot be used. Supported: {SUPPORTED}.", field="file"
        )
    text = decode_text(data)
    if text is None:
        raise UnsupportedFile(
            f"This is a binary file of an unknown type. Supported: {SUPPORTED}.", field="file"
        )
    if suffix in BINARY_EXTENSIONS:
        raise UnsupportedFile(f"The file is named {suffix} but its content is plain text.", field="file")
    if suffix in TEXT_EXTENSIONS:
        return _detected(TEXT_EXTENSIONS[suffix])
    return _detected(_sniff_text(text, data))
