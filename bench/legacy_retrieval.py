"""Today's (before issue 13) keyword side, kept here only so bench/retrieval_quality.py can
print the old pipeline beside the new one: the hand-made Okapi BM25 that lived in
knowledge/keyword.py (the formula of rank_bm25, no stemming, a short stopword list), and
reciprocal rank fusion with k = 60 and equal weights (``knowledge.retrieval_fusion.fuse(...,
method="rrf")`` gives the same ranking)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from knowledge.bm25 import ScopedEntries
from knowledge.keyword import tokenize


class LegacyBm25Index(ScopedEntries):
    """An inverted index with BM25 (k1=1.5, b=0.75, idf floor epsilon·mean idf, as rank_bm25)."""

    def __init__(self, keys, document_ids, kb_item_ids, categories, texts, k1=1.5, b=0.75, epsilon=0.25):
        self.set_entries(keys, document_ids, kb_item_ids, categories)
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

    def search(self, query: str, scope, limit: int) -> list[tuple[str, float]]:
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
        return [(self.keys[i], float(scores[i])) for i in self.best(scores, scope, limit)]
