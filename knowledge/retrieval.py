"""Hybrid retrieval: vector similarity (Chroma) and keyword ranking (BM25 or PostgreSQL
full-text), fused by score (``knowledge.retrieval_fusion``: min-max, weight chosen on
SciFact dev), each result carrying a calibrated relevance (``knowledge.declines``), limited to the allowed sources.

Safety: the vector query runs in the organization's own collection, limited to the scope
(``vectorstore.query_scoped``), the keyword index is masked with the same scope, and every candidate is checked against the database (its
organization, its document's state, the scope) before it is returned. Text always comes from
the database, never from the vector store.

A read never writes: after an embedding-model change, retrieval searches the (empty) collection
of the configured model and ranks by keywords; the beat task ``reindex_stale_embeddings``
queues the reindex (``knowledge.services.index``)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import NamedTuple

from knowledge import declines, embeddings, keyword, retrieval_fusion, selectors, vectorstore
from knowledge.scope import SourceScope

logger = logging.getLogger(__name__)

MAX_K = 50
QUERY_MAX_CHARS = 2000


@dataclass
class RetrievedChunk:
    source_type: str  # "document" | "kb_item"
    chunk_id: str
    document_id: int | None
    kb_item_id: int | None
    title: str  # document or KB item title
    section: str  # heading path, "" if none
    page: int | None
    text: str
    score: float  # fused score, higher is better, normalized to 0..1
    vector_score: float | None  # cosine similarity 0..1 (None if only keyword hit)
    keyword_score: float | None
    verified: bool
    category: str
    relevance: float | None = None  # probability that it answers the query (knowledge.declines)


def _parse_key(key: str) -> tuple[str, int, int | None]:
    parts = key.split("-")
    if parts[0] == "doc" and len(parts) == 3:
        return "document", int(parts[1]), int(parts[2])
    if parts[0] == "kb" and len(parts) == 2:
        return "kb_item", int(parts[1]), None
    raise ValueError(key)


def retrieve(
    *,
    organization,
    query: str,
    document_ids=None,
    categories=None,
    kb_item_ids=None,
    include_kb_items: bool = True,
    k: int = 5,
) -> list[RetrievedChunk]:
    """The ``k`` best passages for ``query`` among the allowed sources, verified Q&A first.

    No ids and no categories: the whole organization. Otherwise a document chunk is allowed if
    its document is in ``document_ids`` or its category in ``categories``; a KB item if it is in
    ``kb_item_ids`` or its category in ``categories`` (and ``include_kb_items``)."""
    query = (query or "").strip()[:QUERY_MAX_CHARS]
    k = min(max(int(k or 0), 0), MAX_K)
    scope = SourceScope.build(
        document_ids=document_ids,
        categories=categories,
        kb_item_ids=kb_item_ids,
        include_kb_items=include_kb_items,
    )
    if not query or not k or scope.allows_nothing:
        return []
    candidates = max(k * 4, 20)

    vector_hits: list[vectorstore.VectorHit] = []
    try:
        vector_hits = vectorstore.query_scoped(organization, embeddings.embed_query(query), candidates, scope)
    except (embeddings.EmbeddingUnavailable, vectorstore.VectorStoreUnavailable) as exc:
        logger.warning("vector search unavailable, keyword ranking only: %s", exc)
    keyword_hits = keyword.search(organization, query, scope, candidates)

    entries: dict[str, dict] = {}
    for hit in vector_hits:
        entries.setdefault(hit.id, {"fused": 0.0, "vector": None, "keyword": None})["vector"] = hit.similarity
    for hit in keyword_hits:
        entries.setdefault(hit.key, {"fused": 0.0, "vector": None, "keyword": None})["keyword"] = hit.score
    if not entries:
        return []
    ranked = []
    for key, value in retrieval_fusion.fuse(
        [(hit.id, hit.similarity) for hit in vector_hits], [(hit.key, hit.score) for hit in keyword_hits]
    ):
        entries[key]["fused"] = value
        ranked.append((key, entries[key]))
    best_possible = retrieval_fusion.ceiling(ranked[0][1]["fused"])

    results = _verified(organization, scope, ranked, best_possible)[:k]
    for chunk in results:
        chunk.relevance = declines.relevance(query, chunk)
    results.sort(key=lambda chunk: (not chunk.verified, -chunk.score))
    return results


class _ChunkRow(NamedTuple):
    document_id: int
    index: int
    text: str
    section: str
    page: int | None
    title: str
    category: str


def _verified(organization, scope: SourceScope, ranked: list, best_possible: float) -> list[RetrievedChunk]:
    """Keep only candidates the database confirms: right organization, allowed, still there."""
    chunk_keys, item_ids = [], []
    for key, _ in ranked:
        try:
            kind, first, second = _parse_key(key)
        except (ValueError, IndexError):
            continue
        if kind == "document":
            chunk_keys.append((first, second))
        else:
            item_ids.append(first)
    chunks = {}
    if chunk_keys:
        # One indexed lookup by document and position range instead of an OR of (document, index)
        # pairs (which the planner evaluates row by row); the exact pairs are kept below.
        wanted = set(chunk_keys)
        rows = (
            selectors.allowed_chunks(organization=organization, scope=scope)
            .filter(
                document_id__in={document_id for document_id, _ in wanted},
                index__in={index for _, index in wanted},
            )
            .values_list(
                "document_id", "index", "text", "section", "page", "document__title", "document__category"
            )
        )
        chunks = {f"doc-{row[0]}-{row[1]}": _ChunkRow(*row) for row in rows if (row[0], row[1]) in wanted}
    items = {}
    if item_ids:
        rows = selectors.allowed_kb_items(organization=organization, scope=scope).filter(pk__in=item_ids)
        items = {f"kb-{row.pk}": row for row in rows}

    results = []
    for key, entry in ranked:
        score = round(min(entry["fused"] / best_possible, 1.0), 6) if best_possible else 0.0
        if key in chunks:
            row = chunks[key]
            results.append(
                RetrievedChunk(
                    source_type="document",
                    chunk_id=key,
                    document_id=row.document_id,
                    kb_item_id=None,
                    title=row.title,
                    section=row.section,
                    page=row.page,
                    text=row.text,
                    score=score,
                    vector_score=entry["vector"],
                    keyword_score=entry["keyword"],
                    verified=False,
                    category=row.category,
                )
            )
        elif key in items:
            row = items[key]
            results.append(
                RetrievedChunk(
                    source_type="kb_item",
                    chunk_id=key,
                    document_id=None,
                    kb_item_id=row.pk,
                    title=row.title,
                    section="",
                    page=None,
                    text=row.content,
                    score=score,
                    vector_score=entry["vector"],
                    keyword_score=entry["keyword"],
                    verified=row.verified,
                    category=row.category,
                )
            )
    return results


def snippet(text: str, query: str, length: int = 300) -> str:
    """A window of ``text`` around the first query word it contains."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= length:
        return text
    lowered = text.lower()
    positions = [lowered.find(term) for term in keyword.tokenize(query)]
    positions = [position for position in positions if position >= 0]
    start = max(min(positions) - length // 4, 0) if positions else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    window = text[start : start + length].rstrip()
    return ("…" if start else "") + window + ("…" if start + length < len(text) else "")
