"""Title-aware chunking: passages follow the document's sections, at most ``size`` characters,
repeating ``overlap`` characters when a section has to be split.

Each chunk records its heading path ("Install > Linux") and the page it starts on, which is what
citations show. A new heading starts a new chunk unless the current one is still very short
(PDF heading guesses are noisy, and a chunk of three words helps nobody)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.ingestion.partition import Element

SECTION_MAX_CHARS = 500
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")


@dataclass
class ChunkDraft:
    text: str
    section: str = ""
    page: int | None = None

    @property
    def char_count(self) -> int:
        return len(self.text)

    @property
    def token_count(self) -> int:
        return len(self.text.split())


@dataclass
class _Buffer:
    parts: list[str] = field(default_factory=list)
    section: str = ""
    page: int | None = None
    has_body: bool = False
    carried: bool = False  # holds only the previous chunk's tail

    @property
    def length(self) -> int:
        return sum(len(part) for part in self.parts) + max(len(self.parts) - 1, 0)

    def text(self) -> str:
        return "\n".join(self.parts).strip()


def _tail(text: str, overlap: int) -> str:
    """The last ``overlap`` characters, starting at a word boundary."""
    if overlap <= 0 or len(text) <= overlap:
        return text if overlap > 0 else ""
    tail = text[-overlap:]
    space = tail.find(" ")
    return tail[space + 1 :] if 0 <= space < len(tail) // 2 else tail


def _split_long(text: str, size: int, overlap: int) -> list[str]:
    """Split text longer than ``size`` at sentence ends, else at spaces, else hard."""
    pieces: list[str] = []
    sentences = [part for part in _SENTENCE_END.split(text) if part]
    current = ""
    for sentence in sentences:
        while len(sentence) > size:  # a "sentence" longer than a chunk: cut at a space
            cut = sentence.rfind(" ", 0, size)
            cut = cut if cut > size // 2 else size
            head, sentence = sentence[:cut].strip(), sentence[cut:].strip()
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        candidate = f"{current} {sentence}".strip()
        if len(candidate) > size and current:
            pieces.append(current)
            carry = _tail(current, overlap)
            current = f"{carry} {sentence}".strip() if len(carry) + len(sentence) < size else sentence
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def chunk_elements(elements: list[Element], *, size: int, overlap: int) -> list[ChunkDraft]:
    size = max(int(size), 100)
    overlap = min(max(int(overlap), 0), size // 2)
    min_chars = min(size // 4, 250)
    chunks: list[ChunkDraft] = []
    headings: list[tuple[int, str]] = []
    buffer = _Buffer()

    def flush(keep_tail: bool) -> None:
        nonlocal buffer
        text = buffer.text()
        if text and buffer.has_body:
            chunks.append(ChunkDraft(text=text, section=buffer.section, page=buffer.page))
        carry = _tail(text, overlap) if keep_tail and buffer.has_body else ""
        buffer = _Buffer(section=buffer.section, page=None)
        if carry:
            buffer.parts.append(carry)
            buffer.carried = True

    def section_path() -> str:
        path = " > ".join(title for _, title in headings)
        return path[:SECTION_MAX_CHARS]

    for element in elements:
        if element.is_heading:
            depth = element.depth if element.depth is not None else 0
            while headings and headings[-1][0] >= depth:
                headings.pop()
            headings.append((depth, element.text))
            if buffer.has_body and buffer.length >= min_chars:
                flush(keep_tail=False)
            elif buffer.parts and buffer.length + len(element.text) + 1 > size:
                buffer.has_body = True  # a run of headings (a table of contents) is text too
                flush(keep_tail=False)
            if buffer.carried and not buffer.has_body:  # a new section does not start with the old tail
                buffer.parts.clear()
                buffer.carried = False
            if not buffer.has_body:
                buffer.section = section_path()
            if buffer.page is None:
                buffer.page = element.page
            buffer.parts.append(element.text)
            continue

        pieces = _split_long(element.text, size, overlap) if len(element.text) > size else [element.text]
        for piece in pieces:
            if buffer.has_body and buffer.length + len(piece) + 1 > size:
                flush(keep_tail=True)
            if not buffer.has_body:
                buffer.section = section_path()
            if buffer.page is None:
                buffer.page = element.page
            buffer.parts.append(piece)
            buffer.has_body = True
    leftover = _Buffer(parts=list(buffer.parts), section=buffer.section, page=buffer.page)
    flush(keep_tail=False)
    if not chunks and leftover.text():  # headings only: still the document's text
        chunks.append(ChunkDraft(text=leftover.text(), section=leftover.section, page=leftover.page))
    return chunks
