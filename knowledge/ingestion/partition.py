"""Partitioning with unstructured (fast strategy), offline.

Importing this module prepares unstructured for machines without internet (DEPENDENCIES.md):
telemetry and notices off, and when spaCy's ``en_core_web_sm`` is not installed, unstructured's
model loader is replaced by a blank English pipeline with a sentencizer, so it never tries to
download the model (which fails offline: TXT/MD/HTML/DOCX raise, PDF silently returns nothing).
All text is still extracted; only the Title/NarrativeText guess gets weaker."""

from __future__ import annotations

import io
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("UNSTRUCTURED_DISABLE_NOTICE", "1")
os.environ.setdefault("SCARF_NO_ANALYTICS", "true")

import spacy  # noqa: E402
import unstructured.nlp.tokenize as unstructured_tokenize  # noqa: E402
from django.conf import settings  # noqa: E402

from helpdesk.errors import DomainError  # noqa: E402
from knowledge.ingestion.formats import decode_text  # noqa: E402
from knowledge.ingestion.rst import rst_to_markdown  # noqa: E402
from knowledge.models import DocumentFormat  # noqa: E402

logger = logging.getLogger(__name__)

LANGUAGES = ["eng"]
SKIPPED_TYPES = {"PageBreak", "Header", "Footer", "PageNumber"}
HEADING_MAX_CHARS = 150


class ExtractionError(Exception):
    """The file cannot give text (encrypted, corrupt, scanned, empty); the message says why."""


@lru_cache(maxsize=1)
def _offline_nlp() -> spacy.language.Language:
    try:
        return spacy.load("en_core_web_sm", exclude=["ner", "lemmatizer", "attribute_ruler"])
    except OSError:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        logger.info("spaCy model en_core_web_sm not installed: using a blank English pipeline")
        return nlp


unstructured_tokenize._get_nlp = _offline_nlp


@dataclass
class Element:
    """What the chunker needs from an unstructured element."""

    kind: str
    text: str
    page: int | None = None
    depth: int | None = None  # heading level (0 = top) when the format says so

    @property
    def is_heading(self) -> bool:
        if self.kind != "Title" or len(self.text) > HEADING_MAX_CHARS:
            return False
        if self.depth is not None:  # from markup (Markdown, HTML, DOCX styles): trust it
            return True
        # A guess from layout or word classes (text, PDF): a sentence is not a heading.
        return not self.text.rstrip().endswith((".", ",", ";", ":", "!", "?"))


_FRONT_MATTER = re.compile(r"\A\s*(\+\+\+|---)\s*\n.*?\n\1\s*(\n|\Z)", re.DOTALL)
_SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}", re.DOTALL)
_WHITESPACE = re.compile(r"[ \t\u00a0]+")


def _prepare_markdown(text: str) -> str:
    """Drop front matter (TOML/YAML) and static-site shortcodes, which are not content."""
    return _SHORTCODE.sub("", _FRONT_MATTER.sub("", text, count=1))


def _clean(text: str) -> str:
    text = text.replace("\x00", "").replace("\u00ad", "")
    lines = [_WHITESPACE.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _text_of(data: bytes) -> str:
    text = decode_text(data)
    if text is None:
        raise ExtractionError("The file is not readable text.")
    return text


CORRUPT_PDF = (
    "The PDF is corrupt and cannot be read. Open it in a PDF viewer, save or print it to a new "
    "PDF, and upload that copy."
)


def _check_pdf(data: bytes) -> None:
    """Refuse, before the slow partitioning, a PDF that is encrypted, damaged, empty or longer
    than ``KNOWLEDGE_MAX_PDF_PAGES`` pages (counting pages reads only the page tree)."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        raise ExtractionError("The PDF is encrypted with a password: upload an unprotected copy.")
    except (pikepdf.PdfError, ValueError, RecursionError) as exc:
        logger.info("unreadable PDF: %s", exc)
        raise ExtractionError(CORRUPT_PDF)
    if pages == 0:
        raise ExtractionError("The PDF has no pages.")
    limit = settings.KNOWLEDGE_MAX_PDF_PAGES
    if pages > limit:
        raise ExtractionError(
            f"The PDF has {pages} pages; the limit is {limit}. Split it into smaller documents."
        )


UNREADABLE = {
    DocumentFormat.PDF: CORRUPT_PDF,
    DocumentFormat.DOCX: (
        "The DOCX file is damaged or not a real Word document. Open it in Word or LibreOffice, "
        "save it again as .docx, and upload that copy."
    ),
}
UNREADABLE_OTHER = "The {format} file could not be read: its content is damaged or malformed."


def _partition(data: bytes, fmt: str) -> list:
    if fmt == DocumentFormat.PDF:
        from unstructured.partition.pdf import partition_pdf

        _check_pdf(data)
        return partition_pdf(file=io.BytesIO(data), strategy="fast", languages=LANGUAGES)
    if fmt == DocumentFormat.DOCX:
        from unstructured.partition.docx import partition_docx

        from knowledge.ingestion.formats import check_docx_archive

        check_docx_archive(data)
        return partition_docx(file=io.BytesIO(data), languages=LANGUAGES)
    if fmt == DocumentFormat.HTML:
        from unstructured.partition.html import partition_html

        return partition_html(text=_text_of(data), languages=LANGUAGES)
    if fmt in (DocumentFormat.MD, DocumentFormat.RST):
        from unstructured.partition.md import partition_md

        text = _text_of(data)
        text = rst_to_markdown(text) if fmt == DocumentFormat.RST else _prepare_markdown(text)
        return partition_md(text=text, languages=LANGUAGES) if text.strip() else []
    if fmt == DocumentFormat.TXT:
        from unstructured.partition.text import partition_text

        text = _text_of(data)
        return partition_text(text=text, languages=LANGUAGES) if text.strip() else []
    raise ExtractionError(f"Unsupported format {fmt!r}.")


def partition_document(data: bytes, fmt: str) -> list[Element]:
    """The document's cleaned elements in reading order. Raises ``ExtractionError`` with a
    readable reason when nothing can be extracted: an empty extraction is never a success."""
    try:
        raw = _partition(data, fmt)
    except ExtractionError:
        raise
    except DomainError as exc:  # the archive checks of DOCX
        raise ExtractionError(exc.message)
    except Exception:
        # The parsers' own messages name Python objects and internals: log them, say it plainly.
        logger.warning("partitioning a %s failed", fmt, exc_info=True)
        raise ExtractionError(UNREADABLE.get(fmt, UNREADABLE_OTHER.format(format=fmt.upper())))
    elements = []
    for item in raw:
        kind = item.__class__.__name__
        if kind in SKIPPED_TYPES:
            continue
        text = _clean(str(getattr(item, "text", "") or ""))
        if not any(char.isalnum() for char in text):
            continue
        metadata = getattr(item, "metadata", None)
        elements.append(
            Element(
                kind=kind,
                text=text,
                page=getattr(metadata, "page_number", None),
                depth=getattr(metadata, "category_depth", None) if kind == "Title" else None,
            )
        )
    if not elements:
        if fmt == DocumentFormat.PDF:
            raise ExtractionError("No extractable text: scanned or empty PDF?")
        raise ExtractionError("No extractable text: the document is empty.")
    return elements
