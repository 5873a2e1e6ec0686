"""The format is decided by content; dangerous archives are refused; RST keeps its text."""

import io
import zipfile

import pytest

from helpdesk.errors import DomainError
from knowledge.ingestion.formats import detect_format
from knowledge.ingestion.rst import rst_to_markdown
from tests.knowledge.conftest import make_blank_pdf, make_docx

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,data,expected",
    [
        ("notes.txt", b"Plain words.", "txt"),
        ("guide.md", b"# Title\n\nText.", "md"),
        ("page.html", b"<html><body><p>Hi</p></body></html>", "html"),
        ("setup.rst", b"Setup\n=====\n\nText.", "rst"),
        ("no-extension", b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        ("no-extension", b"Install\n=======\n\n.. note::\n\n   Careful.", "rst"),
        ("no-extension", b"## Heading\n\n- item", "md"),
        ("misnamed.txt", make_blank_pdf(), "pdf"),  # a PDF named .txt is a PDF
    ],
)
def test_format_comes_from_the_content(name, data, expected):
    assert detect_format(data, name).format == expected


def test_a_real_docx_is_recognised():
    data = make_docx([("heading", "Manual"), ("text", "Body.")])
    detected = detect_format(data, "anything.bin")
    assert detected.format == "docx"
    assert detected.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    "name,data",
    [
        ("photo.pdf", PNG),  # an image named .pdf
        ("photo.txt", PNG),
        ("archive.docx", _zip({"readme.txt": b"not word"})),  # a ZIP that is not a Word document
        ("binary.txt", bytes(range(256)) * 10),
        ("claims.pdf", b"this is text, not a PDF"),
    ],
)
def test_wrong_types_are_refused_as_unsupported(name, data):
    with pytest.raises(DomainError) as refused:
        detect_format(data, name)
    assert refused.value.code == "unsupported_media_type"


def test_empty_file_is_refused():
    with pytest.raises(DomainError) as refused:
        detect_format(b"", "empty.txt")
    assert refused.value.code == "invalid"


def _docx_with(extra: dict[str, bytes]) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            **extra,
        }
    )


def test_docx_bomb_by_compression_ratio_is_refused():
    bomb = _docx_with({"word/media/padding.bin": b"\x00" * (8 * 1024 * 1024)})
    assert len(bomb) < 100_000  # 8 MB that compress to almost nothing
    with pytest.raises(DomainError) as refused:
        detect_format(bomb, "manual.docx")
    assert refused.value.code == "too_large"
    assert "archive bomb" in refused.value.message


def test_docx_bomb_by_total_size_is_refused(settings):
    settings.KNOWLEDGE_DOCX_MAX_UNCOMPRESSED_MB = 1
    settings.KNOWLEDGE_DOCX_MAX_RATIO = 10_000
    import os

    data = _docx_with({"word/media/noise.bin": os.urandom(2 * 1024 * 1024)})
    with pytest.raises(DomainError) as refused:
        detect_format(data, "manual.docx")
    assert refused.value.code == "too_large"


def test_docx_with_too_many_entries_is_refused(settings):
    settings.KNOWLEDGE_DOCX_MAX_ENTRIES = 50
    data = _docx_with({f"word/part{n}.xml": b"<x/>" for n in range(60)})
    with pytest.raises(DomainError) as refused:
        detect_format(data, "manual.docx")
    assert refused.value.code == "too_large"


def test_rst_conversion_keeps_headings_directive_bodies_and_role_text():
    source = """Custom domains
==============

Serve docs from ``docs.example.com`` with a :doc:`custom domain </guides/custom-domains>`.

.. _target-label:

.. note::

   DNS changes can take a day.

Setup
-----

Run this::

    dig +short CNAME docs.example.com

.. toctree::
   :maxdepth: 2

   hidden/page
"""
    markdown = rst_to_markdown(source)
    assert "# Custom domains" in markdown
    assert "## Setup" in markdown
    assert "custom domain" in markdown and ":doc:" not in markdown and "</guides" not in markdown
    assert "DNS changes can take a day." in markdown
    assert "dig +short CNAME docs.example.com" in markdown
    assert "hidden/page" not in markdown and "target-label" not in markdown
