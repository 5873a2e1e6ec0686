"""Keyword side + fusion (+ decline features) per query at 10,000 chunks for bench/retrieval_quality.py:
today's code (hand-made BM25, RRF), the previous one (bm25s, min-max) and the new one (bm25s
with the heading field and the spelling fallback, min-max); the vector side is the same for all.
The queries are the customer questions, typos included, so the spelling fallback is timed."""

from __future__ import annotations

import random
import statistics
import time

DEPTH = 160


def evaluate_latency(texts: list[str], queries: list[str], size: int = 10_000) -> None:
    from legacy_retrieval import LegacyBm25Index

    from knowledge import declines, retrieval_fusion
    from knowledge.bm25 import Bm25Index
    from knowledge.scope import SourceScope

    rng = random.Random(7)
    corpus = [texts[n % len(texts)] + f" variant {n}" for n in range(size)]
    heads = [text.split("\n", 2)[0] + "\n" + (text.split("\n", 2) + [""])[1] for text in corpus]
    keys = [f"doc-{n // 10 + 1}-{n % 10}" for n in range(size)]
    arguments = (keys, [n // 10 + 1 for n in range(size)], [-1] * size, ["c"] * size, corpus)
    text_of = dict(zip(keys, corpus, strict=True))
    scope = SourceScope()
    built, build_seconds = {}, {}
    for name, make in (
        ("today", lambda: LegacyBm25Index(*arguments)),
        ("previous", lambda: Bm25Index(*arguments, heading_weight=0, spelling=False)),
        ("new", lambda: Bm25Index(*arguments, heads)),
    ):
        started = time.perf_counter()
        built[name] = make()
        build_seconds[name] = time.perf_counter() - started
    vector = [(keys[rng.randrange(size)], 0.9 - n * 0.003) for n in range(DEPTH)]
    timings = {name: [] for name in built}
    for query in queries:
        started = time.perf_counter()
        words = built["today"].search(query, scope, DEPTH)
        retrieval_fusion.fuse(vector, words, method="rrf", weight=0.5)
        timings["today"].append(time.perf_counter() - started)
        for name in ("previous", "new"):
            started = time.perf_counter()
            hits = [(hit.key, hit.score) for hit in built[name].search(query, scope, DEPTH)]
            fused = retrieval_fusion.fuse(vector, hits)
            for key, _ in fused[:5]:
                declines.features(query, title="", section="", text=text_of[key], cosine=0.5)
            timings[name].append(time.perf_counter() - started)
    median = {name: statistics.median(values) * 1000 for name, values in timings.items()}
    print(
        f"\n== latency at {size:,} chunks, {len(queries)} queries (keyword ranking + fusion"
        f" + decline features; median per query) ==\n"
        f"  today {median['today']:.2f} ms, previous (production) {median['previous']:.2f} ms, variant heading + spelling {median['new']:.2f} ms "
        f"(variant − previous {median['new'] - median['previous']:+.2f} ms, previous − today {median['previous'] - median['today']:+.2f} ms); "
        f"index build today {build_seconds['today']:.1f} s, previous {build_seconds['previous']:.1f} s, "
        f"variant {build_seconds['new']:.1f} s; no reranker (none installs offline)"
    )
