"""Is the best passage relevant? A calibrated estimate from evidence, not from a rank score.

Two features of a passage for a question:
- ``cosine``: the cosine similarity of the question's and the passage's embeddings (0 when the
  passage came from the keyword side only);
- ``coverage``: the share of the question's content terms (stemmed, stopwords removed: the
  keyword index's own analysis) that occur in the passage's title, section path or text.
  It is the keyword evidence independent of the keyword backend (BM25 in process, PostgreSQL
  full-text), whose raw scores are on different scales.

``relevance`` = logistic(``COSINE`` · cosine + ``COVERAGE`` · coverage + ``BIAS``): the
probability that the passage answers the question. The coefficients were fitted by logistic
regression on held-out questions of our own (bench/retrieval_quality.py ``--fit-declines``:
the 54 regression questions and the odd-numbered half of bench/data/customer_questions.jsonl;
label = the passage comes from a page that answers), never on the questions they are reported
on. A passage is relevant when ``relevance >= THRESHOLD``."""

from __future__ import annotations

import math

from knowledge.bm25 import analyze

# Fitted by ``bench/retrieval_quality.py --fit-declines`` (91 questions, 455 passages; the
# threshold maximizes right decisions on the same fit split: 89/91).
COSINE = 7.29
COVERAGE = 1.19
BIAS = -4.34
THRESHOLD = 0.17


def features(query: str, *, title: str, section: str, text: str, cosine: float | None) -> tuple[float, float]:
    terms = set(analyze(query))
    if terms:
        present = set(analyze(f"{title}\n{section}\n{text}"))
        coverage = len(terms & present) / len(terms)
    else:
        coverage = 0.0
    return float(cosine or 0.0), coverage


def probability(cosine: float, coverage: float, coefficients=None) -> float:
    weight_cosine, weight_coverage, bias = coefficients or (COSINE, COVERAGE, BIAS)
    value = weight_cosine * cosine + weight_coverage * coverage + bias
    return 1.0 / (1.0 + math.exp(-max(min(value, 50.0), -50.0)))


def relevance(query: str, chunk) -> float:
    """The probability that ``chunk`` (a ``RetrievedChunk``) answers ``query``."""
    cosine, coverage = features(
        query, title=chunk.title, section=chunk.section, text=chunk.text, cosine=chunk.vector_score
    )
    return round(probability(cosine, coverage), 6)


def is_relevant(chunk, threshold: float = THRESHOLD) -> bool:
    """``chunk.relevance`` (set by ``retrieve``) reaches the threshold."""
    return chunk.relevance is not None and chunk.relevance >= threshold
