"""The in-process keyword index: BM25 from ``bm25s`` (Lucene variant, k1=1.5, b=0.75) over
English-stemmed tokens (PyStemmer's Snowball stemmer) with ``bm25s``'s longer English stopword list (``en_plus``, 179 words: "my", "how", "do"…).

The index holds an organization's chunks and Q&A items in one array; ``search`` scores every
entry at once (a sparse matrix product in ``bm25s``), masks what the ``SourceScope`` does not
allow and returns the best keys.

Two options, measured and NOT enabled (bench/README.md, issue 13): ``heads`` (each entry's
document title and section path, already part of its text) indexed a second time as a field of
its own, its BM25 score added with ``heading_weight``; and ``spelling``: a question word unknown
to the index (a typo: "adress", "acount") replaced by the known word one edit away (a letter
deleted, swapped, changed or added) whose stem occurs in the most entries. Neither helped on both
tuning sets (SciFact dev and the fit split of bench/data/customer_questions_2.jsonl) taken one
at a time, and together they lowered hit@1 on the three held-out project sets (SciFact test
unchanged). ``analyze`` is the same tokenization for other callers (the decline features compare
a question's terms with a passage's)."""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass

import bm25s
import numpy as np
import Stemmer

from knowledge.scope import SourceScope

K1, B = 1.5, 0.75
HEADING_WEIGHT = 0.0  # off: see the module docstring
SPELLING = False  # off: see the module docstring
SPELLING_MIN_LENGTH = 4  # shorter words have too many neighbours one edit away
_WORD = re.compile(r"(?u)\b\w\w+\b")  # bm25s' own token pattern


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


def one_edit_away(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion from ``word``."""
    splits = [(word[:n], word[n:]) for n in range(len(word) + 1)]
    letters = string.ascii_lowercase
    return (
        {left + right[1:] for left, right in splits if right}
        | {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
        | {left + letter + right[1:] for left, right in splits if right for letter in letters}
        | {left + letter + right for left, right in splits for letter in letters}
    )


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


def _retriever(texts, k1: float, b: float) -> bm25s.BM25:
    retriever = bm25s.BM25(k1=k1, b=b)
    # An empty text still needs a token: bm25s cannot index an empty document.
    retriever.index([tokens or [""] for tokens in analyze_many(texts)], show_progress=False)
    return retriever


class Bm25Index(ScopedEntries):
    """BM25 over the given texts, plus the ``heads`` field (each entry's title and section path)
    weighted by ``heading_weight`` when given."""

    def __init__(
        self,
        keys,
        document_ids,
        kb_item_ids,
        categories,
        texts,
        heads=None,
        k1=K1,
        b=B,
        heading_weight=None,
        spelling=None,
    ):
        self.set_entries(keys, document_ids, kb_item_ids, categories)
        self.retriever = bm25s.BM25(k1=k1, b=b)
        self.heading_weight = HEADING_WEIGHT if heading_weight is None else heading_weight
        self.heads = None
        self.spelling = SPELLING if spelling is None else spelling
        self._corrections: dict[str, str | None] = {}
        if self.size:
            self.retriever = _retriever(texts, k1, b)
            if heads is not None and self.heading_weight:
                self.heads = _retriever(heads, k1, b)

    def known_terms(self, query: str) -> list[str]:
        vocabulary = self.retriever.vocab_dict or {}
        terms = [term for term in dict.fromkeys(analyze(query)) if term and term in vocabulary]
        if not self.spelling or not self.size:
            return terms
        words = [word for word in dict.fromkeys(_WORD.findall((query or "").lower())) if word.isalpha()]
        for word, stems in zip(words, analyze_many(words), strict=True):
            if stems and stems[0] not in vocabulary and len(word) >= SPELLING_MIN_LENGTH:
                corrected = self.corrected(word)
                if corrected and corrected not in terms:
                    terms.append(corrected)
        return terms

    def corrected(self, word: str) -> str | None:
        """The stem of the known word one edit from ``word`` found in the most entries."""
        if word not in self._corrections:
            vocabulary = self.retriever.vocab_dict or {}
            frequency = self._frequency
            candidates = sorted(one_edit_away(word))
            known = [
                (frequency[vocabulary[stem]] if vocabulary[stem] < len(frequency) else 0, stem)
                for stem in _stemmer().stemWords(candidates)
                if stem and stem in vocabulary
            ]
            if len(self._corrections) >= 10_000:  # words never seen again: keep the cache bounded
                self._corrections.clear()
            self._corrections[word] = max(known)[1] if known else None
        return self._corrections[word]

    @functools.cached_property
    def _frequency(self) -> np.ndarray:
        # bm25s keeps a CSC matrix with one column per vocabulary term: its length is the term's
        # number of entries.
        return np.diff(np.asarray(self.retriever.scores["indptr"]))

    def scores(self, query: str) -> np.ndarray:
        """The BM25 score of every entry (zeros when no query term is in the index)."""
        terms = self.known_terms(query) if self.size else []
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        scores = np.asarray(self.retriever.get_scores(terms), dtype=np.float32)
        if self.heads is not None:
            vocabulary = self.heads.vocab_dict or {}
            head_terms = [term for term in terms if term in vocabulary]
            if head_terms:
                scores += self.heading_weight * np.asarray(
                    self.heads.get_scores(head_terms), dtype=np.float32
                )
        return scores

    def search(self, query: str, scope: SourceScope, limit: int) -> list[KeywordHit]:
        if not self.size or limit <= 0:
            return []
        scores = self.scores(query)
        return [KeywordHit(key=self.keys[i], score=float(scores[i])) for i in self.best(scores, scope, limit)]
