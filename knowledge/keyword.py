"""Keyword ranking for hybrid retrieval.

Two backends, chosen by ``KNOWLEDGE_KEYWORD_BACKEND`` (``auto``: BM25, the faster one; see ``backend``):
- ``postgres``: PostgreSQL full-text search on stored ``tsvector`` columns with GIN indexes
  (migration 0003), ranked with ``ts_rank_cd``. Scales with the database.
- ``bm25``: BM25 with English stemming and stopwords (``knowledge.bm25``, on ``bm25s``) over
  the organization's chunks and items, built in memory on first use and rebuilt when the
  organization's knowledge changes (detected from the database, so every process agrees)."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Count, FloatField, Max, Q, Subquery
from django.db.models.expressions import RawSQL

from knowledge import selectors
from knowledge.bm25 import Bm25Index, KeywordHit
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


def backend() -> str:
    """``auto`` is the in-process BM25 on every database: PostgreSQL full text was measured
    slower (3.2x at 10k chunks with bench/speed.py's queries, 16x at 100k in issue 14: an OR of
    the query's lexemes matches a large share of the chunks, and each match is ranked).
    ``postgres`` asks for full text explicitly (PostgreSQL only): no index in each process's
    memory, none rebuilt after a change."""
    configured = str(settings.KNOWLEDGE_KEYWORD_BACKEND).lower()
    return "postgres" if configured == "postgres" and connection.vendor == "postgresql" else "bm25"


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
