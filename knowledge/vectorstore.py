"""Vector-store adapter over Chroma.

One collection per organization and embedding model (``org-{id}-{model}``, the model recorded
in the collection's metadata), so vectors of two models never meet. Embeddings are always
computed by ``knowledge.embeddings`` and passed in: Chroma's own embedding function (which
would download a model) is never used. ``CHROMA_MODE=http`` talks to a Chroma server
(``CHROMA_URL``); ``persistent`` opens the folder ``CHROMA_PATH`` in-process, which is only safe
when one process uses it (tests, eager mode). Transport failures become ``VectorStoreUnavailable``."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from helpdesk.errors import BackendUnavailable
from knowledge import embeddings as embedding_adapter
from knowledge.scope import SourceScope

logger = logging.getLogger(__name__)

BATCH = 1000  # below Chroma's maximum batch size for both clients

_client = None
_client_lock = threading.Lock()
_collections: dict[str, object] = {}


class VectorStoreUnavailable(BackendUnavailable):
    """The vector store could not be reached or refused the request."""


@dataclass(frozen=True)
class VectorHit:
    id: str
    similarity: float  # cosine similarity clamped to 0..1
    metadata: dict
    document: str


def _build_client():
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.CHROMA_MODE == "persistent":
        return chromadb.PersistentClient(path=str(settings.CHROMA_PATH), settings=chroma_settings)
    parts = urlsplit(settings.CHROMA_URL)
    ssl = parts.scheme == "https"
    client = chromadb.HttpClient(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or (443 if ssl else 80),
        ssl=ssl,
        settings=chroma_settings,
    )
    # The HTTP client waits forever by default (timeout=None): bound every call.
    session = getattr(getattr(client, "_server", None), "_session", None)
    if session is not None:
        import httpx

        session.timeout = httpx.Timeout(settings.CHROMA_TIMEOUT)
    return client


def client():
    """The process's Chroma client, built on first use (never at import time)."""
    global _client
    if _client is None:
        with _client_lock:
            if _client is None:
                try:
                    _client = _build_client()
                except Exception as exc:  # connection refused, bad URL, server error…
                    raise VectorStoreUnavailable(f"Vector store unreachable: {exc}") from exc
    return _client


def collection_prefix(organization_id: int) -> str:
    return f"org-{organization_id}-"


def collection_name(organization_id: int, model: str | None = None) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", (model or embedding_adapter.embedding_model_name()).lower()).strip("-")
    return f"{collection_prefix(organization_id)}{slug}"[:120].rstrip("-")


def _org_id(organization) -> int:
    return organization if isinstance(organization, int) else organization.pk


def _collection(organization, *, create: bool):
    org_id = _org_id(organization)
    model = embedding_adapter.embedding_model_name()
    name = collection_name(org_id, model)
    if name in _collections:
        return _collections[name]
    chroma = client()
    from chromadb.errors import NotFoundError

    try:
        if create:
            found = chroma.get_or_create_collection(
                name,
                metadata={"embedding_model": model, "organization_id": org_id, "hnsw:space": "cosine"},
                embedding_function=None,
            )
        else:
            found = chroma.get_collection(name, embedding_function=None)
    except NotFoundError as exc:
        if create:
            raise VectorStoreUnavailable(f"Vector store error: {exc}") from exc
        return None  # the organization has indexed nothing with this model yet
    except Exception as exc:
        raise VectorStoreUnavailable(f"Vector store error: {exc}") from exc
    recorded = (found.metadata or {}).get("embedding_model")
    if recorded and recorded != model:  # a name clash after slugging: never mix models
        raise VectorStoreUnavailable(f"Collection {name} holds vectors of {recorded}, not {model}.")
    _collections[name] = found
    return found


def _call(what: str, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except VectorStoreUnavailable:
        raise
    except Exception as exc:
        raise VectorStoreUnavailable(f"Vector store {what} failed: {exc}") from exc


def _on_collection(organization, what: str, operation, *, create: bool, empty=None):
    """Run ``operation(collection)``; once more with a fresh handle if the cached one went stale
    (another process may have dropped and rebuilt the collection during a reindex)."""
    for attempt in (1, 2):
        collection = _collection(organization, create=create)
        if collection is None:
            return empty
        try:
            return operation(collection)
        except Exception as exc:
            _collections.clear()
            if attempt == 2:
                raise VectorStoreUnavailable(f"Vector store {what} failed: {exc}") from exc
            logger.info("retrying vector store %s with a fresh collection handle: %s", what, exc)
    return empty


def _and(clauses: list[dict]) -> dict:
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _or(clauses: list[dict]) -> dict:
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


NO_FILTER: dict = {}  # the whole collection: ``query`` sends no ``where`` at all


def build_where(*, organization_id: int, scope: SourceScope | None = None) -> dict | None:
    """The one place metadata filters are built. ``None`` means the scope allows nothing;
    ``NO_FILTER`` (empty) the whole collection.

    There is no organization clause: each organization has collections of its own, so the clause
    matched every row while Chroma scanned them all (74 % of ``retrieve()`` at 100k chunks);
    ``retrieve`` still checks every candidate against the database. ``organization_id`` stays
    in the signature so callers name whose collection the filter is for."""
    scope = scope or SourceScope()
    if scope.allows_nothing:
        return None
    if scope.unrestricted and scope.documents_possible and scope.kb_items_possible:
        return NO_FILTER
    sources: list[dict] = []
    if scope.documents_possible:
        allowed = []
        if not scope.unrestricted:
            if scope.allowed_document_ids:
                allowed.append({"document_id": {"$in": list(scope.allowed_document_ids)}})
            if scope.allowed_categories:
                allowed.append({"category": {"$in": list(scope.allowed_categories)}})
        sources.append(_and([{"source_type": "document"}, *([_or(allowed)] if allowed else [])]))
    if scope.kb_items_possible:
        allowed = []
        if not scope.unrestricted:
            if scope.allowed_kb_item_ids:
                allowed.append({"kb_item_id": {"$in": list(scope.allowed_kb_item_ids)}})
            if scope.allowed_categories:
                allowed.append({"category": {"$in": list(scope.allowed_categories)}})
        sources.append(_and([{"source_type": "kb_item"}, *([_or(allowed)] if allowed else [])]))
    return _or(sources)


def document_where(organization_id: int, document_id: int) -> dict:
    return build_where(organization_id=organization_id, scope=SourceScope.build(document_ids=[document_id]))


def kb_item_where(organization_id: int, kb_item_ids) -> dict:
    scope = SourceScope.build(kb_item_ids=list(kb_item_ids))
    return build_where(organization_id=organization_id, scope=scope)


def upsert(
    organization, ids: list[str], embeddings: list[list[float]], documents: list[str], metadatas: list[dict]
):
    """Insert or replace vectors by id. Metadata values must be str, int, float or bool."""
    if not ids:
        return
    org_id = _org_id(organization)
    for start in range(0, len(ids), BATCH):
        end = start + BATCH
        metas = [
            {key: value for key, value in {**meta, "organization_id": org_id}.items() if value is not None}
            for meta in metadatas[start:end]
        ]
        batch = {
            "ids": ids[start:end],
            "embeddings": embeddings[start:end],
            "documents": documents[start:end],
            "metadatas": metas,
        }
        _on_collection(
            organization, "upsert", lambda collection, b=batch: collection.upsert(**b), create=True
        )


def delete(organization, *, where: dict | None = None, ids: list[str] | None = None) -> None:
    """Delete vectors matching ``where`` and/or ``ids`` in the organization's current collection."""
    if where is None and not ids:
        return
    _on_collection(
        organization,
        "delete",
        lambda collection: collection.delete(where=where, ids=ids or None),
        create=False,
    )


def query(
    organization,
    embedding: list[float],
    k: int,
    where: dict | None,
    *,
    documents: bool = True,
    metadata: bool = True,
) -> list[VectorHit]:
    """Nearest ``k`` vectors allowed by ``where`` (from ``build_where``), best first.
    ``documents=False`` leaves the stored text out (``VectorHit.document`` is then ""),
    ``metadata=False`` the metadata (``VectorHit.metadata`` is then {}): Chroma's cost at 100k
    vectors is reading them, not the search (bench/speed.py)."""
    if where is None or k <= 0:
        return []
    include = ["distances", *(["metadatas"] if metadata else []), *(["documents"] if documents else [])]
    result = _on_collection(
        organization,
        "query",
        lambda collection: collection.query(
            query_embeddings=[embedding], n_results=k, where=where or None, include=include
        ),
        create=False,
    )
    if result is None:
        return []
    found = result["ids"][0]
    texts = result["documents"][0] if documents else [""] * len(found)
    metadatas = result["metadatas"][0] if metadata else [None] * len(found)
    hits = []
    for vector_id, distance, meta, document in zip(
        found, result["distances"][0], metadatas, texts, strict=False
    ):
        similarity = min(max(1.0 - float(distance), 0.0), 1.0)
        hits.append(
            VectorHit(id=vector_id, similarity=similarity, metadata=dict(meta or {}), document=document)
        )
    return hits


OVERFETCH = 8  # a restricted search first reads this many times ``k`` unfiltered neighbours


def _source(vector_id: str) -> tuple[str, int] | None:
    """("document", document id) or ("kb_item", item id) from a vector id (``doc-{document}-{n}``,
    ``kb-{item}``; ``Chunk.vector_id``, ``KnowledgeItem.vector_id``)."""
    parts = vector_id.split("-")
    try:
        if parts[0] == "doc" and len(parts) == 3:
            return "document", int(parts[1])
        if parts[0] == "kb" and len(parts) == 2:
            return "kb_item", int(parts[1])
    except ValueError:
        return None
    return None


def _in_scope(organization, hits: list[VectorHit], scope: SourceScope) -> list[VectorHit]:
    """The hits ``scope`` allows, decided from their ids; a category scope reads the categories of
    the hits' documents and items from the database (one query each, for these hits only)."""
    from knowledge.selectors import source_categories

    sources = {hit.id: _source(hit.id) for hit in hits}
    categories = {}
    if scope.allowed_categories:
        categories = source_categories(
            organization=organization,
            document_ids={source[1] for source in sources.values() if source and source[0] == "document"},
            kb_item_ids={source[1] for source in sources.values() if source and source[0] == "kb_item"},
        )
    allowed = []
    for hit in hits:
        source = sources[hit.id]
        if source is None:
            continue
        kind, source_id = source
        category = categories.get(source, "")
        if (
            scope.allows_kb_item(source_id, category)
            if kind == "kb_item"
            else scope.allows_document(source_id, category)
        ):
            allowed.append(hit)
    return allowed


def query_scoped(organization, embedding: list[float], k: int, scope: SourceScope) -> list[VectorHit]:
    """Nearest ``k`` vectors allowed by ``scope`` (ids and similarities only), best first, avoiding
    Chroma's metadata filter and its metadata reads where it can: both grow with the collection
    (measured in bench/speed.py: a ``where`` on the category 4-5x the unfiltered query at 10k
    vectors, reading 160 neighbours' metadata 3x, their ids and distances alone 0.2x).

    Unrestricted: no filter at all. Restricted (a bot limited to documents or categories): the
    ``OVERFETCH·k`` nearest neighbours unfiltered, without metadata, kept when the scope allows
    their source (from the vector id; categories from the database); only when fewer than ``k`` of
    those are allowed (a narrow scope) the filtered query runs, so the answer is the same as the
    filtered query's whenever the over-fetch found ``k`` allowed ones. ``retrieve`` checks every
    hit against the database again."""
    where = build_where(organization_id=_org_id(organization), scope=scope)
    if where is None or k <= 0:
        return []
    # Retrieval reads passages from the database, never from the vector store: no stored text.
    if where == NO_FILTER:
        return query(organization, embedding, k, where, documents=False, metadata=False)
    nearest = query(organization, embedding, k * OVERFETCH, NO_FILTER, documents=False, metadata=False)
    allowed = _in_scope(organization, nearest, scope)
    if len(allowed) >= k or len(nearest) < k * OVERFETCH:
        return allowed[:k]  # the over-fetch read the whole collection, or found enough
    return query(organization, embedding, k, where, documents=False, metadata=False)


def ids(organization, *, where: dict | None = None) -> list[str]:
    """Ids of the stored vectors matching ``where`` (all of the organization's when None)."""
    result = _on_collection(
        organization, "get", lambda collection: collection.get(where=where, include=[]), create=False
    )
    return [] if result is None else list(result["ids"])


def count(organization, *, where: dict | None = None) -> int:
    if where is None:
        return _on_collection(
            organization, "count", lambda collection: collection.count(), create=False, empty=0
        )
    return len(ids(organization, where=where))


def collections_of(organization) -> list[str]:
    """Names of all the organization's collections, whatever their model."""
    prefix = collection_prefix(_org_id(organization))
    names = _call("list", client().list_collections)
    names = [getattr(item, "name", item) for item in names]
    return [name for name in names if name.startswith(prefix)]


def drop_other_models(organization) -> list[str]:
    """Delete the organization's collections built with another embedding model (after a reindex)."""
    current = collection_name(_org_id(organization))
    dropped = []
    for name in collections_of(organization):
        if name != current:
            _call("delete collection", client().delete_collection, name)
            dropped.append(name)
    _collections.clear()
    return dropped


def drop_organization(organization) -> None:
    for name in collections_of(organization):
        _call("delete collection", client().delete_collection, name)
    _collections.clear()


def heartbeat() -> str:
    """Health check: raises when the store is down."""
    chroma = client()
    _call("heartbeat", chroma.heartbeat)
    return "persistent (in-process)" if settings.CHROMA_MODE == "persistent" else settings.CHROMA_URL
