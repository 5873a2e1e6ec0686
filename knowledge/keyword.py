"""Keyword ranking for hybrid retrieval.

Two backends, chosen by ``KNOWLEDGE_KEYWORD_BACKEND`` (``auto`` picks by database):
- ``postgres``: PostgreSQL full-text search on stored ``tsvector`` columns with GIN indexes
  (migration 0003), ranked with ``ts_rank_cd``. Scales with the database.
- ``bm25``: Okapi BM25 (the formula of ``rank_bm25``) over an inverted index of the
  organization's chunks and items, built in memory on first use and rebuilt when the
  organization's knowledge changes (detected from the database, so every process agrees).
  Scoring touches only the postings of the query's terms."""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Count, FloatField, Max, Q, Subquery
from django.db.models.expressions import RawSQL

from knowledge import selectors
from knowledge.models import Chunk, Document, DocumentStatus, KnowledgeItem
from knowledge.scope import SourceScope

STOPWORDS = frozenset(
    "a an and are as at be but by for from has have how i if in into is it its me my of on or our so that the "
    "their then there these they this to was we what when where which who why will with you your do does can".split()
)
_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_CACHED_ORGANIZATIONS = 16


def tokenize(text: str) -> list[str]:
    return [token for token in _TOKEN.findall(text.lower()) if len(token) > 1 and token not in STOPWORDS]


@dataclass(frozen=True)
class KeywordHit:
    key: str  # "doc-{document_id}-{index}" or "kb-{item_id}", the vector ids
    score: float


def backend() -> str:
    configured = str(settings.KNOWLEDGE_KEYWORD_BACKEND).lower()
    if configured in ("bm25", "postgres"):
        return configured if configured == "bm25" or connection.vendor == "postgresql" else "bm25"
    return "postgres" if connection.vendor == "postgresql" else "bm25"


class Bm25Index:
    """An inverted index with BM25 (k1=1.5, b=0.75, idf floor epsilon·mean idf, as rank_bm25)."""

    def __init__(self, keys, document_ids, kb_item_ids, categories, texts, k1=1.5, b=0.75, epsilon=0.25):
        self.keys = list(keys)
        self.document_ids = np.asarray(document_ids, dtype=np.int64)
        self.kb_item_ids = np.asarray(kb_item_ids, dtype=np.int64)
        self.category_codes: dict[str, int] = {}
        self.categories = np.asarray(
            [self.category_codes.setdefault(category, len(self.category_codes)) for category in categories],
            dtype=np.int64,
        )
        self.k1, self.b = k1, b
        postings: dict[str, tuple[list[int], list[int]]] = {}
        lengths = []
        for position, text in enumerate(texts):
            counts = Counter(tokenize(text))
            lengths.append(sum(counts.values()))
            for term, frequency in counts.items():
                entry = postings.setdefault(term, ([], []))
                entry[0].append(position)
                entry[1].append(frequency)
        self.size = len(self.keys)
        self.lengths = np.asarray(lengths, dtype=np.float32)
        self.average_length = float(self.lengths.mean()) if self.size else 0.0
        idf = {
            term: math.log((self.size - len(p[0]) + 0.5) / (len(p[0]) + 0.5)) for term, p in postings.items()
        }
        floor = epsilon * (sum(idf.values()) / len(idf)) if idf else 0.0
        self.postings = {
            term: (
                np.asarray(p[0], dtype=np.int64),
                np.asarray(p[1], dtype=np.float32),
                idf[term] if idf[term] > 0 else floor,
            )
            for term, p in postings.items()
        }

    def mask(self, scope: SourceScope) -> np.ndarray:
        is_document = self.document_ids >= 0
        is_item = self.kb_item_ids >= 0
        categories = np.isin(
            self.categories,
            [self.category_codes[c] for c in scope.allowed_categories if c in self.category_codes],
        )
        documents = is_document & (
            True
            if scope.unrestricted
            else (np.isin(self.document_ids, scope.allowed_document_ids) | categories)
        )
        items = is_item & (
            True
            if scope.unrestricted
            else (np.isin(self.kb_item_ids, scope.allowed_kb_item_ids) | categories)
        )
        return (documents if scope.documents_possible else False) | (
            items if scope.kb_items_possible else False
        )

    def search(self, query: str, scope: SourceScope, limit: int) -> list[KeywordHit]:
        if not self.size:
            return []
        scores = np.zeros(self.size, dtype=np.float32)
        normalizer = self.k1 * (1 - self.b + self.b * self.lengths / max(self.average_length, 1e-9))
        for term in set(tokenize(query)):
            posting = self.postings.get(term)
            if posting is None:
                continue
            positions, frequencies, idf = posting
            scores[positions] += idf * frequencies * (self.k1 + 1) / (frequencies + normalizer[positions])
        scores[~np.asarray(self.mask(scope), dtype=bool)] = 0
        candidates = np.flatnonzero(scores > 0)
        if not len(candidates):
            return []
        if len(candidates) > limit:
            candidates = candidates[np.argpartition(-scores[candidates], limit - 1)[:limit]]
        ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [KeywordHit(key=self.keys[i], score=float(scores[i])) for i in ordered]


_indexes: OrderedDict[int, tuple[tuple, Bm25Index]] = OrderedDict()
_indexes_lock = threading.Lock()


def _signature(organization) -> tuple:
    """Changes whenever a searchable chunk or item is added, removed or edited.

    Two indexed queries instead of three joins over every chunk: chunks are only ever replaced
    (a re-ingestion writes new rows, so the newest id moves; deleting a document drops its
    count), a document leaving or joining the searchable set changes the searchable count (or
    its ``updated_at`` when saved), and items are edited through ``save()``."""
    newest_chunk = Chunk.objects.filter(organization=organization).order_by("-id").values("id")[:1]
    documents = Document.objects.filter(organization=organization).aggregate(
        count=Count("id"),
        last=Max("updated_at"),
        searchable=Count("id", filter=Q(status=DocumentStatus.PROCESSED, train_ai=True)),
        newest_chunk=Max(Subquery(newest_chunk)),  # an uncorrelated subquery: evaluated once
    )
    items = KnowledgeItem.objects.filter(organization=organization).aggregate(
        count=Count("id"), last=Max("updated_at")
    )
    return (
        documents["newest_chunk"],
        documents["count"],
        documents["last"],
        documents["searchable"],
        items["count"],
        items["last"],
    )


def _build(organization) -> Bm25Index:
    keys, document_ids, item_ids, categories, texts = [], [], [], [], []
    rows = selectors.searchable_chunks(organization=organization).values_list(
        "document_id", "index", "title", "section", "text", "document__category"
    )
    for document_id, index, title, section, text, category in rows.iterator(chunk_size=2000):
        keys.append(f"doc-{document_id}-{index}")
        document_ids.append(document_id)
        item_ids.append(-1)
        categories.append(category)
        texts.append(f"{title}\n{section}\n{text}")
    for item_id, title, content, category in KnowledgeItem.objects.filter(
        organization=organization
    ).values_list("id", "title", "content", "category"):
        keys.append(f"kb-{item_id}")
        document_ids.append(-1)
        item_ids.append(item_id)
        categories.append(category)
        texts.append(f"{title}\n{content}")
    return Bm25Index(keys, document_ids, item_ids, categories, texts)


def bm25_index(organization) -> Bm25Index:
    signature = _signature(organization)
    with _indexes_lock:
        cached = _indexes.get(organization.pk)
        if cached and cached[0] == signature:
            _indexes.move_to_end(organization.pk)
            return cached[1]
    index = _build(organization)
    with _indexes_lock:
        _indexes[organization.pk] = (signature, index)
        _indexes.move_to_end(organization.pk)
        while len(_indexes) > MAX_CACHED_ORGANIZATIONS:
            _indexes.popitem(last=False)
    return index


def forget(organization_id: int | None = None) -> None:
    with _indexes_lock:
        if organization_id is None:
            _indexes.clear()
        else:
            _indexes.pop(organization_id, None)


def _postgres_search(organization, query: str, scope: SourceScope, limit: int) -> list[KeywordHit]:
    """Full-text ranking on the stored, GIN-indexed ``search_vector`` columns (migration 0003):
    ``ts_rank_cd`` reads the stored vector instead of parsing every matching row's text again."""
    terms = sorted(set(tokenize(query)))[:30]
    if not terms:
        return []
    tsquery = " | ".join(terms)
    hits: list[KeywordHit] = []
    chunk_match = RawSQL(
        "knowledge_chunk.search_vector @@ to_tsquery('english', %s)", [tsquery], output_field=BooleanField()
    )
    chunk_rank = RawSQL(
        "ts_rank_cd(knowledge_chunk.search_vector, to_tsquery('english', %s))",
        [tsquery],
        output_field=FloatField(),
    )
    rows = (
        selectors.allowed_chunks(organization=organization, scope=scope)
        .filter(chunk_match)
        .annotate(rank=chunk_rank)
        .order_by("-rank")
        .values_list("document_id", "index", "rank")[:limit]
    )
    hits += [
        KeywordHit(key=f"doc-{document_id}-{index}", score=float(rank)) for document_id, index, rank in rows
    ]
    item_vector = "knowledge_knowledgeitem.search_vector"
    item_rows = (
        selectors.allowed_kb_items(organization=organization, scope=scope)
        .filter(RawSQL(f"{item_vector} @@ to_tsquery('english', %s)", [tsquery], output_field=BooleanField()))
        .annotate(
            rank=RawSQL(
                f"ts_rank_cd({item_vector}, to_tsquery('english', %s))", [tsquery], output_field=FloatField()
            )
        )
        .order_by("-rank")
        .values_list("id", "rank")[:limit]
    )
    hits += [KeywordHit(key=f"kb-{item_id}", score=float(rank)) for item_id, rank in item_rows]
    return sorted(hits, key=lambda hit: -hit.score)[:limit]


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL; a no-op elsewhere).
    Without them the planner misjudged the full-text match counts: 26 s per search at 100k chunks."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE knowledge_chunk")
        cursor.execute("ANALYZE knowledge_knowledgeitem")
        cursor.execute("ANALYZE knowledge_document")


def search(organization, query: str, scope: SourceScope, limit: int) -> list[KeywordHit]:
    """Best keyword matches allowed by ``scope``, best first."""
    if scope.allows_nothing or limit <= 0 or not tokenize(query):
        return []
    if backend() == "postgres":
        return _postgres_search(organization, query, scope, limit)
    return bm25_index(organization).search(query, scope, limit)
