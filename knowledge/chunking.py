"""The one check of chunk settings (characters per passage and characters repeated between
neighbouring passages), used by the document and training forms, their API serializers and the
services that take them. The public field names are ``chunk_size`` and ``overlap``."""

from __future__ import annotations

from django.conf import settings

from helpdesk.errors import DomainError

MIN_CHUNK_SIZE, MAX_CHUNK_SIZE = 100, 8000
MAX_OVERLAP = MAX_CHUNK_SIZE // 2  # of the largest chunk; the real limit is half the chunk size


class ChunkingError(DomainError):
    pass


def check_chunking(*, chunk_size: int | None, overlap: int | None) -> None:
    """``chunk_size`` within ``MIN_CHUNK_SIZE``…``MAX_CHUNK_SIZE``; ``overlap`` at most half the
    chunk size (the server's ``KNOWLEDGE_CHUNK_SIZE`` when none is given). None: the server's
    setting."""
    if chunk_size is not None and not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise ChunkingError(
            f"chunk_size must be between {MIN_CHUNK_SIZE} and {MAX_CHUNK_SIZE} characters.",
            field="chunk_size",
        )
    if overlap is not None:
        limit = (chunk_size or settings.KNOWLEDGE_CHUNK_SIZE) // 2
        if not 0 <= overlap <= limit:
            raise ChunkingError(
                f"overlap must be between 0 and {limit} characters (half the chunk size).", field="overlap"
            )
