"""The in-process keyword index: BM25 from ``bm25s`` (Lucene variant, k1=1.5, b=0.75) over
English-stemmed tokens (PyStemmer's Snowball stemmer) with ``bm25s``'s longer English stopword list (``en_plus``, 179 words: "my", "how", "do"…).

The index holds an organization's chunks and Q&A items in one array; ``search`` scores every
entry at once (a sparse matrix product in ``bm25s``), masks what the ``SourceScope`` does not
allow and returns the best keys. ``analyze`` is the same tokenization for other callers (the
decline features compare a question's terms with a passage's)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import bm25s
import numpy as np
import Stemmer

from knowledge.scope import SourceScope

K1, B = 1.5, 0.75


@dataclass(frozen=True)
class KeywordHit:
    key: str  # "doc-{document_id}-{index}" or "kb-{item_id}", the vector ids
    score: float


@functools.cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def analyze_many(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stopword-free, stemmed tokens of each text."""
    if not texts:
        return []
    return bm25s.tokenize(
        list(texts), stopwords="en_plus", stemmer=_stemmer(), return_ids=False, show_progress=False
    )


def analyze(text: str) -> list[str]:
    return analyze_many([text or ""])[0]


class ScopedEntries:
    """Entries named by ``keys[i]``, each a document chunk or a Q&A item (the other id -1), and
    the mask of those a ``SourceScope`` allows."""

    def set_entries(self, keys, document_ids, kb_item_ids, categories) -> None:
        self.keys = list(keys)
        self.size = len(self.keys)
        self.document_ids = np.asarray(document_ids, dtype=np.int64)
        self.kb_item_ids = np.asarray(kb_item_ids, dtype=np.int64)
        self.category_codes: dict[str, int] = {}
        self.categories = np.asarray(
            [self.category_codes.setdefault(category, len(self.category_codes)) for category in categories],
            dtype=np.int64,
        )

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

    def best(self, scores: np.ndarray, scope: SourceScope, limit: int) -> np.ndarray:
        """Positions of the ``limit`` best positive scores the scope allows, best first."""
        scores[~np.asarray(self.mask(scope), dtype=bool)] = 0
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > limit:
            candidates = candidates[np.argpartition(-scores[candidates], limit - 1)[:limit]]
        return candidates[np.argsort(-scores[candidates], kind="stable")]


class Bm25Index(ScopedEntries):
    """BM25 over the given texts."""

    def __init__(self, keys, document_ids, kb_item_ids, categories, texts, k1=K1, b=B):
        self.set_entries(keys, document_ids, kb_item_ids, categories)
        self.retriever = bm25s.BM25(k1=k1, b=b)
        if self.size:
            # An empty text still needs a token: bm25s cannot index an empty document.
            self.retriever.index([tokens or [""] for tokens in analyze_many(texts)], show_progress=False)

    def known_terms(self, query: str) -> list[str]:
        vocabulary = self.retriever.vocab_dict or {}
        return [term for term in dict.fromkeys(analyze(query)) if term and term in vocabulary]

    def scores(self, query: str) -> np.ndarray:
        """The BM25 score of every entry (zeros when no query term is in the index)."""
        terms = self.known_terms(query) if self.size else []
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(terms), dtype=np.float32)

    def search(self, query: str, scope: SourceScope, limit: int) -> list[KeywordHit]:
        if not self.size or limit <= 0:
            return []
        scores = self.scores(query)
        return [KeywordHit(key=self.keys[i], score=float(scores[i])) for i in self.best(scores, scope, limit)]
