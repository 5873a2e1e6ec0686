"""Fusion of the vector and keyword candidate lists into one ranking.

``minmax`` (the default) rescales each list's raw scores to 0..1 within the list (best = 1,
worst = 0; a list of one, or of equal scores, gives 1) and adds them with the vector weight
``w`` and keyword weight ``1 - w``; a passage missing from a list gets 0 from it. ``zscore``
does the same with each list's mean and standard deviation. ``rrf`` is reciprocal rank fusion
(ranks only), kept for comparison. The weight was chosen on SciFact dev only (see
bench/retrieval_quality.py and bench/README.md)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

METHOD = "minmax"
VECTOR_WEIGHT = 0.6  # chosen on SciFact dev by nDCG@10 (bench/retrieval_quality.py: grid 0.1…0.9)
RRF_K = 60

# A scored list: (key, raw score) pairs, best first.
Scored = Sequence[tuple[str, float]]


def _normalized(hits: Scored, method: str) -> dict[str, float]:
    if not hits:
        return {}
    values = np.asarray([float(score) for _, score in hits], dtype=np.float64)
    if method == "zscore":
        spread = values.std()
        scaled = (values - values.mean()) / spread if spread > 1e-12 else np.zeros_like(values)
    else:
        low, high = values.min(), values.max()
        scaled = (values - low) / (high - low) if high - low > 1e-12 else np.ones_like(values)
    result: dict[str, float] = {}
    for (key, _), value in zip(hits, scaled, strict=True):
        result.setdefault(key, float(value))
    return result


def fuse(
    vector: Scored,
    keyword: Scored,
    *,
    method: str = METHOD,
    weight: float = VECTOR_WEIGHT,
    rrf_k: float = RRF_K,
) -> list[tuple[str, float]]:
    """One ranking of every key in either list: (key, fused score), best first; ties keep the
    vector list's order, then the keyword list's."""
    if method not in ("minmax", "zscore", "rrf"):
        raise ValueError(f"unknown fusion method {method!r}")
    if method == "rrf":
        sides = [
            {key: 1.0 / (rrf_k + rank) for rank, (key, _) in reversed(list(enumerate(hits, start=1)))}
            for hits in (vector, keyword)
        ]
        floor = 0.0
    else:
        sides = [_normalized(vector, method), _normalized(keyword, method)]
        # A missing side counts as the list's worst (0 for min-max, its lowest z-score).
        floor = None
    order = list(dict.fromkeys([key for key, _ in vector] + [key for key, _ in keyword]))
    # One list empty (the vector store down, no keyword match): the other decides alone.
    weights = (
        (weight, 1.0 - weight) if vector and keyword else (1.0 if vector else 0.0, 0.0 if vector else 1.0)
    )
    fused = {}
    for key in order:
        total = 0.0
        for side, side_weight in zip(sides, weights, strict=True):
            if key in side:
                total += side_weight * side[key]
            elif side:
                total += side_weight * (min(side.values()) if floor is None else floor)
        fused[key] = total
    position = {key: n for n, key in enumerate(order)}
    return sorted(fused.items(), key=lambda item: (-item[1], position[item[0]]))


def ceiling(
    best: float, *, method: str = METHOD, weight: float = VECTOR_WEIGHT, rrf_k: float = RRF_K
) -> float:
    """The highest fused score the method can give (a passage first in both lists), to scale
    scores to 0..1; for z-scores, which have no bound, the best score seen."""
    if method == "minmax":
        return 1.0
    if method == "rrf":
        return 1.0 / (rrf_k + 1)
    return best if best > 0 else 1.0
