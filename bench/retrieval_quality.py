#!/usr/bin/env python
"""Retrieval quality, today's pipeline beside the new one (issue 13), in one run:

    .venv/bin/python bench/retrieval_quality.py                      # everything, full SciFact
    .venv/bin/python bench/retrieval_quality.py --scifact-docs 2000  # judged docs + distractors up to 2000
    .venv/bin/python bench/retrieval_quality.py --skip-scifact       # the two project sets only

Sets: (a) the 54 regression questions (bench/data/corpus_questions.json, over the whole shared
corpus), (b) the customer-style set frozen before tuning (bench/data/customer_questions.jsonl,
62 answerable + 12 unanswerable, over the 121 Read the Docs pages), (c) BEIR SciFact dev (the
only data anything is tuned on: the fusion weights) and test.

Documents go through the real ingestion (unstructured → chunks → all-MiniLM-L6-v2 → Chroma) in a
temporary workspace; every pipeline reads the same index, each side DEPTH passages deep:
  today      the hand-made BM25 that knowledge/keyword.py had (bench/legacy_retrieval.py) fused
             with reciprocal rank fusion k=60, equal weights; declines: the bot's rule, the best
             cosine of the first 5 passages below 0.35
  new        BM25 with stemming and stopwords (knowledge.bm25, bm25s) fused by min-max with the
             vector weight of knowledge.retrieval_fusion; declines: knowledge.declines (no
             passage of the first 5 with relevance >= THRESHOLD)
  plus the variants the weight was chosen among (RRF k=60, z-score, min-max at the dev-best
  weight) and ``retrieve()`` itself (the production path; it must match "new").

Passages are collapsed to documents (a document ranks where its best passage does). hit@1 =
share of questions whose first document is relevant; recall@5 = share of a question's relevant
documents in the first 5 (project sets: a hit when any listed document is there); MRR@10; nDCG@10
(binary). Declines: AUC = probability that an answerable question scores above an unanswerable
one (project sets; for SciFact, which has no unanswerable question, a query whose first document
is relevant above one whose first is not); then the counts at the pipeline's threshold.
``--fit-declines`` fits knowledge.declines' coefficients on the fit split (the 54 regression
questions and the odd-numbered customer questions) and prints them; the figures are always
computed with the coefficients in the module. Latency: the keyword ranking + fusion (+ decline
features) per query at 10,000 chunks, today's and the new code (the vector side is unchanged).
Figures are printed, never asserted."""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from knowledge_setup import (  # noqa: E402
    DEFAULT_CORPUS,
    CorpusFile,
    Workspace,
    corpus_files,
    ingest_corpus,
    machine_description,
    new_organization,
    setup_django,
    warm_up_embeddings,
)

DATA = Path(__file__).resolve().parent / "data"
HYBRID_K = 40  # passages asked of retrieve(); it asks each side for 4 × k candidates
DEPTH = 4 * HYBRID_K
WEIGHT_GRID = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
TODAY_THRESHOLD = 0.35  # chatbots.models.chatbot.DEFAULT_CONFIDENCE_THRESHOLD
TODAY, NEW, PRODUCTION = "today: BM25 (hand-made) + RRF k=60", "new: bm25s + min-max", "new via retrieve()"


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"default {DEFAULT_CORPUS}")
    parser.add_argument(
        "--scifact-docs",
        type=int,
        default=0,
        help="limit the SciFact corpus to the judged documents plus random distractors up to N (0 = all 5,183)",
    )
    parser.add_argument("--skip-corpus", action="store_true", help="skip both project sets")
    parser.add_argument("--skip-scifact", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--fit-declines", action="store_true")
    parser.add_argument(
        "--declines-file",
        type=Path,
        help="with --fit-declines: write the fitted coefficients here; without: read them from here (if it exists) "
        "before SciFact's tables",
    )
    parser.add_argument("--chroma-url", help="use a Chroma server instead of a PersistentClient")
    parser.add_argument("--database-url", help="default: SQLite in the workspace")
    parser.add_argument("--workdir", help="keep the workspace in this folder")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args()


# ---------- the pipelines ----------


def document_of(key: str) -> int | None:
    parts = key.split("-")
    return int(parts[1]) if parts[0] == "doc" and len(parts) == 3 else None


def index_rows(organization):
    """The keyword index's entries, as knowledge.keyword builds them."""
    from knowledge import selectors

    rows = selectors.searchable_chunks(organization=organization).values_list(
        "document_id", "index", "title", "section", "text", "document__category"
    )
    keys, document_ids, categories, texts = [], [], [], []
    for document_id, index, title, section, text, category in rows.iterator(chunk_size=2000):
        keys.append(f"doc-{document_id}-{index}")
        document_ids.append(document_id)
        categories.append(category)
        texts.append(f"{title}\n{section}\n{text}")
    return keys, document_ids, categories, texts


class Run:
    """One question through every pipeline: ranked passage keys per pipeline, decline scores."""

    def __init__(self, lists: dict[str, list[str]], decline: dict[str, float], features: list):
        self.lists, self.decline, self.features = lists, decline, features


class Pipelines:
    def __init__(self, organization, categories=None):
        from legacy_retrieval import LegacyBm25Index

        from knowledge import keyword, vectorstore
        from knowledge.scope import SourceScope

        self.organization, self.categories = organization, categories
        self.scope = SourceScope.build(categories=categories) if categories else SourceScope()
        self.where = vectorstore.build_where(organization_id=organization.pk, scope=self.scope)
        keys, document_ids, categories, texts = index_rows(organization)
        self.legacy = LegacyBm25Index(keys, document_ids, [-1] * len(keys), categories, texts)
        self.texts = dict(zip(keys, texts, strict=True))
        self.current = keyword.bm25_index(organization)

    def run(self, query: str, *, weights: dict | None = None) -> Run:
        from knowledge import declines, embeddings, retrieval, retrieval_fusion, vectorstore

        vector = [
            (hit.id, hit.similarity)
            for hit in vectorstore.query(self.organization, embeddings.embed_query(query), DEPTH, self.where)
        ]
        old_words = self.legacy.search(query, self.scope, DEPTH)
        new_words = [(hit.key, hit.score) for hit in self.current.search(query, self.scope, DEPTH)]
        production = retrieval.retrieve(
            organization=self.organization, query=query, k=HYBRID_K, categories=self.categories
        )

        def keys(fused):
            return [key for key, _ in fused]

        lists = {
            "vector only": keys(vector),
            "BM25 hand-made only": keys(old_words),
            "bm25s only": keys(new_words),
            TODAY: keys(retrieval_fusion.fuse(vector, old_words, method="rrf", weight=0.5)),
            "bm25s + RRF k=60": keys(retrieval_fusion.fuse(vector, new_words, method="rrf", weight=0.5)),
            NEW: keys(retrieval_fusion.fuse(vector, new_words)),
            PRODUCTION: [chunk.chunk_id for chunk in production],
        }
        for method, weight in (weights or {}).items():
            lists[f"bm25s + {method} w={weight} (dev-best)"] = keys(
                retrieval_fusion.fuse(vector, new_words, method=method, weight=weight)
            )
        similarity = dict(vector)
        today_top = lists[TODAY][:5]
        decline = {
            TODAY: max((similarity.get(key, 0.0) for key in today_top), default=0.0),
        }
        features = [
            (
                chunk.chunk_id,
                declines.features(
                    query,
                    title=chunk.title,
                    section=chunk.section,
                    text=chunk.text,
                    cosine=chunk.vector_score,
                ),
            )
            for chunk in production[:5]
        ]
        return Run(lists, decline, features)


# ---------- metrics ----------


def documents_ranked(keys: list[str], labels: dict[int, str]) -> list[str]:
    seen: dict[str, None] = {}
    for key in keys:
        label = labels.get(document_of(key))
        if label is not None and label not in seen:
            seen[label] = None
    return list(seen)


def ndcg_at(ranked: list, relevant: set, k: int) -> float:
    gain = sum(1.0 / math.log2(rank + 1) for rank, item in enumerate(ranked[:k], start=1) if item in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return gain / ideal if ideal else 0.0


def ranking_scores(runs: list[tuple[Run, set]], method: str, labels: dict, *, any_hit: bool) -> dict:
    totals = defaultdict(float)
    answerable = [(run, relevant) for run, relevant in runs if relevant]
    for run, relevant in answerable:
        ranked = documents_ranked(run.lists[method], labels)
        found = len(relevant & set(ranked[:5]))
        totals["hit@1"] += 1.0 if ranked[:1] and ranked[0] in relevant else 0.0
        totals["recall@5"] += (1.0 if found else 0.0) if any_hit else found / len(relevant)
        totals["MRR@10"] += next(
            (1.0 / rank for rank, item in enumerate(ranked[:10], start=1) if item in relevant), 0.0
        )
        totals["nDCG@10"] += ndcg_at(ranked, relevant, 10)
    return {name: value / len(answerable) for name, value in totals.items()}


def auc(positives: list[float], negatives: list[float]) -> float | None:
    if not positives or not negatives:
        return None
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def new_decline(run: Run) -> float:
    """The best passage's relevance with knowledge.declines' coefficients as they are now."""
    from knowledge import declines

    return max((declines.probability(*feature) for _, feature in run.features), default=0.0)


def decline_scores(runs, labels, pipeline: str, threshold: float, *, method: str) -> dict:
    """Project sets: answerable vs unanswerable. SciFact: first document relevant vs not."""
    positives, negatives = [], []
    declined_negative = declined_positive = 0
    has_unanswerable = any(not relevant for _, relevant in runs)
    for run, relevant in runs:
        score = run.decline[TODAY] if pipeline == TODAY else new_decline(run)
        if has_unanswerable:
            positive = bool(relevant)
        else:
            top = documents_ranked(run.lists[method], labels)[:1]
            positive = bool(top and top[0] in relevant)
        (positives if positive else negatives).append(score)
        declined = score < threshold
        if relevant and declined:
            declined_positive += 1
        if not relevant and declined:
            declined_negative += 1
    answerable = sum(1 for _, relevant in runs if relevant)
    return {
        "AUC": auc(positives, negatives),
        "unanswerable declined": f"{declined_negative}/{len(runs) - answerable}",
        "answerable declined": f"{declined_positive}/{answerable}",
    }


def print_table(title: str, runs, labels, methods, *, any_hit: bool) -> None:
    from knowledge import declines

    print(f"\n{title}")
    columns = ["hit@1", "recall@5", "MRR@10", "nDCG@10"]
    print(
        f"  {'pipeline':<44}"
        + "".join(f"{name:>10}" for name in columns)
        + f"{'decl.AUC':>10}{'unans.decl':>12}{'ans.decl':>10}"
    )
    for method in methods:
        values = ranking_scores(runs, method, labels, any_hit=any_hit)
        line = f"  {method:<44}" + "".join(f"{values[name]:10.3f}" for name in columns)
        if method in (TODAY, NEW):
            threshold = TODAY_THRESHOLD if method == TODAY else declines.THRESHOLD
            found = decline_scores(runs, labels, method, threshold, method=method)
            area = "—" if found["AUC"] is None else f"{found['AUC']:.3f}"
            line += f"{area:>10}{found['unanswerable declined']:>12}{found['answerable declined']:>10}"
        print(line)


# ---------- the project sets ----------


def load_customer_questions() -> list[dict]:
    lines = (DATA / "customer_questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [record for record in map(json.loads, lines) if "id" in record]


def evaluate_projects(args, cache: dict) -> None:
    """Both project sets on one index of the whole shared corpus; the customer set is limited
    to the Read the Docs pages (category ``readthedocs``, 121 pages) by the source scope."""
    regression = json.loads((DATA / "corpus_questions.json").read_text())["questions"]
    customer = load_customer_questions()
    organization = new_organization("Quality: corpus")
    files = corpus_files(args.corpus)
    print(f"\ningesting {len(files)} corpus files…", file=sys.stderr, flush=True)
    results = ingest_corpus(organization, files)
    labels = {r.document_id: r.path for r in results if r.status == "processed"}
    pipelines = Pipelines(organization)
    runs_regression = [(pipelines.run(q["question"]), set(q["answers"])) for q in regression]
    rtd = Pipelines(organization, categories=["readthedocs"])
    runs_customer = [
        (rtd.run(q["question"]), {f"readthedocs/{q['answer']}"} if q["answer"] else set()) for q in customer
    ]
    cache["latency_texts"] = list(pipelines.texts.values())
    if args.fit_declines:
        fit = [(run, relevant, labels) for run, relevant in runs_regression]
        fit += [pair + (labels,) for q, pair in zip(customer, runs_customer, strict=True) if q["id"] % 2 == 1]
        fit_declines(fit, args.declines_file)

    methods = list(runs_regression[0][0].lists)
    print(f"\n== (a) regression set: {len(regression)} questions, {len(labels)} documents ==")
    print_table(
        "document level; a hit when any labelled document is found:",
        runs_regression,
        labels,
        methods,
        any_hit=True,
    )
    answerable = sum(1 for q in customer if q["answer"])
    pages = sum(1 for path in labels.values() if path.startswith("readthedocs/"))
    print(
        f"\n== (b) customer set (frozen before tuning): {answerable} answerable + "
        f"{len(customer) - answerable} unanswerable, {pages} Read the Docs pages =="
    )
    print_table("all questions:", runs_customer, labels, methods, any_hit=True)
    held_out = [pair for q, pair in zip(customer, runs_customer, strict=True) if q["id"] % 2 == 0]
    print_table(
        "even-numbered half only (never used to fit the declines):",
        held_out,
        labels,
        [TODAY, NEW],
        any_hit=True,
    )
    misses = [
        f"#{q['id']} {q['question'][:60]} → {documents_ranked(run.lists[NEW], labels)[:1]}"
        for q, (run, relevant) in zip(customer, runs_customer, strict=True)
        if relevant and not relevant & set(documents_ranked(run.lists[NEW], labels)[:1])
    ]
    print(f"  new pipeline, answerable questions whose first document is wrong ({len(misses)}):")
    for miss in misses:
        print(f"    {miss}")


def fit_declines(fit, path: Path | None) -> None:
    """Logistic regression of passage relevance on (cosine, coverage) over the fit split."""
    from sklearn.linear_model import LogisticRegression

    from knowledge import declines

    rows, targets = [], []
    for run, relevant, labels in fit:
        for key, feature in run.features:
            rows.append(list(feature))
            targets.append(1 if labels.get(document_of(key)) in relevant else 0)
    model = LogisticRegression(C=10.0).fit(rows, targets)
    coefficients = (float(model.coef_[0][0]), float(model.coef_[0][1]), float(model.intercept_[0]))
    best = None
    for threshold in [n / 100 for n in range(5, 96)]:
        good = 0
        for run, relevant, _ in fit:
            top = max((declines.probability(*f, coefficients) for _, f in run.features), default=0.0)
            good += (top >= threshold) == bool(relevant)
        if best is None or good > best[1]:
            best = (threshold, good)
    print(
        f"\n  declines fitted on {len(fit)} questions ({len(rows)} passages, {sum(targets)} relevant): "
        f"COSINE={coefficients[0]:.2f} COVERAGE={coefficients[1]:.2f} BIAS={coefficients[2]:.2f}, "
        f"THRESHOLD={best[0]:.2f} ({best[1]}/{len(fit)} questions right on the fit split); "
        "the figures below use them"
    )
    use_declines(*coefficients, best[0])
    if path:
        path.write_text(json.dumps([*coefficients, best[0]]))


def use_declines(cosine: float, coverage: float, bias: float, threshold: float) -> None:
    from knowledge import declines

    declines.COSINE, declines.COVERAGE, declines.BIAS, declines.THRESHOLD = cosine, coverage, bias, threshold


# ---------- SciFact ----------


def read_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = defaultdict(set)
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if int(row["score"]) > 0:
                qrels[row["query-id"]].add(row["corpus-id"])
    return dict(qrels)


def scifact_subset(folder: Path, splits: dict[str, dict[str, set[str]]], limit: int, seed: int) -> list[dict]:
    records = [json.loads(line) for line in (folder / "corpus.jsonl").open(encoding="utf-8")]
    if not limit or limit >= len(records):
        return records
    judged = set().union(*(ids for qrels in splits.values() for ids in qrels.values()))
    keep = [record for record in records if record["_id"] in judged]
    others = [record for record in records if record["_id"] not in judged]
    random.Random(seed).shuffle(others)
    return keep + others[: max(limit - len(keep), 0)]


def tune(pipelines: Pipelines, dev: list[tuple[str, set]], labels: dict) -> dict:
    """The vector weight of min-max and z-score fusion, by nDCG@10 on dev only."""
    from knowledge import embeddings, retrieval_fusion, vectorstore

    sides = []
    for query, relevant in dev:
        vector = [
            (hit.id, hit.similarity)
            for hit in vectorstore.query(
                pipelines.organization, embeddings.embed_query(query), DEPTH, pipelines.where
            )
        ]
        words = [(hit.key, hit.score) for hit in pipelines.current.search(query, pipelines.scope, DEPTH)]
        sides.append((vector, words, relevant))
    chosen = {}
    for method in ("minmax", "zscore"):
        values = {}
        for weight in WEIGHT_GRID:
            values[weight] = statistics.mean(
                ndcg_at(
                    documents_ranked(
                        [key for key, _ in retrieval_fusion.fuse(v, w, method=method, weight=weight)], labels
                    ),
                    relevant,
                    10,
                )
                for v, w, relevant in sides
            )
        chosen[method] = max(values, key=lambda weight: (values[weight], -abs(weight - 0.5)))
        print(
            "  dev nDCG@10 by vector weight, "
            + method
            + ": "
            + ", ".join(f"{w}: {v:.3f}" for w, v in values.items())
        )
    print(
        f"  chosen on dev: {chosen} (production knowledge.retrieval_fusion: {retrieval_fusion.METHOD} w={retrieval_fusion.VECTOR_WEIGHT})"
    )
    return chosen


def evaluate_scifact(args) -> None:
    folder = args.corpus / "scifact"
    splits = {name: read_qrels(folder / "qrels" / f"{name}.tsv") for name in ("dev", "test")}
    splits = {name: qrels for name, qrels in splits.items() if qrels}
    queries = {
        r["_id"]: r["text"] for r in map(json.loads, (folder / "queries.jsonl").open(encoding="utf-8"))
    }
    records = scifact_subset(folder, splits, args.scifact_docs, args.seed)
    organization = new_organization("Quality: SciFact")
    files = [
        CorpusFile(f"scifact/{r['_id']}.txt", f"{r.get('title', '')}\n\n{r['text']}".encode(), "scifact")
        for r in records
    ]
    print(f"\ningesting {len(files)} SciFact abstracts…", file=sys.stderr, flush=True)
    started = time.perf_counter()
    results = ingest_corpus(organization, files, progress=True)
    labels = {
        r.document_id: r.path.removeprefix("scifact/").removesuffix(".txt") for r in results if r.document_id
    }
    scope = (
        "full corpus"
        if len(records) >= 5183
        else f"LIMITED to {len(records)} of 5,183 documents (--scifact-docs)"
    )
    print(
        f"\n== (c) SciFact: {len(records)} documents ({scope}), {sum(r.chunks for r in results)} passages, "
        f"ingested in {time.perf_counter() - started:.0f} s =="
    )
    if args.declines_file and not args.fit_declines:
        for _ in range(120):  # a parallel run may still be fitting them
            if args.declines_file.exists():
                break
            time.sleep(10)
        if args.declines_file.exists():
            use_declines(*json.loads(args.declines_file.read_text()))
            print(f"  declines: coefficients read from {args.declines_file}")
    pipelines = Pipelines(organization)
    weights = tune(pipelines, [(queries[q], rel) for q, rel in sorted(splits["dev"].items())], labels)
    for name, qrels in splits.items():
        runs = [(pipelines.run(queries[q], weights=weights), rel) for q, rel in sorted(qrels.items())]
        print_table(
            f"{name} split ({len(runs)} queries):", runs, labels, list(runs[0][0].lists), any_hit=False
        )


# ---------- latency at 10k chunks ----------


def evaluate_latency(texts: list[str], queries: list[str], size: int = 10_000) -> None:
    from legacy_retrieval import LegacyBm25Index

    from knowledge import declines, retrieval_fusion
    from knowledge.bm25 import Bm25Index
    from knowledge.scope import SourceScope

    rng = random.Random(7)
    corpus = [texts[n % len(texts)] + f" variant {n}" for n in range(size)]
    keys = [f"doc-{n // 10 + 1}-{n % 10}" for n in range(size)]
    arguments = (keys, [n // 10 + 1 for n in range(size)], [-1] * size, ["c"] * size, corpus)
    text_of = dict(zip(keys, corpus, strict=True))
    scope = SourceScope()
    built = {}
    for name, cls in (("today", LegacyBm25Index), ("new", Bm25Index)):
        started = time.perf_counter()
        built[name] = cls(*arguments)
        built[name + " build"] = time.perf_counter() - started
    vector = [(keys[rng.randrange(size)], 0.9 - n * 0.003) for n in range(DEPTH)]
    timings = {"today": [], "new": []}
    for query in queries:
        started = time.perf_counter()
        words = built["today"].search(query, scope, DEPTH)
        retrieval_fusion.fuse(vector, words, method="rrf", weight=0.5)
        timings["today"].append(time.perf_counter() - started)
        started = time.perf_counter()
        hits = [(hit.key, hit.score) for hit in built["new"].search(query, scope, DEPTH)]
        fused = retrieval_fusion.fuse(vector, hits)
        for key, _ in fused[:5]:
            declines.features(query, title="", section="", text=text_of[key], cosine=0.5)
        timings["new"].append(time.perf_counter() - started)
    today, new = (statistics.median(timings[name]) * 1000 for name in ("today", "new"))
    print(
        f"\n== latency at {size:,} chunks, {len(queries)} queries (keyword ranking + fusion"
        f" + decline features; median per query) ==\n"
        f"  today {today:.2f} ms, new {new:.2f} ms, added {new - today:+.2f} ms per query; "
        f"index build today {built['today build']:.1f} s, new {built['new build']:.1f} s; no reranker (none installs offline)"
    )


def main() -> None:
    args = parse_args()
    workspace = Workspace(args.workdir)
    try:
        setup_django(workspace, chroma_url=args.chroma_url, database_url=args.database_url)
        from knowledge import keyword

        warm_up_embeddings()
        print(f"machine: {machine_description()}; keyword backend: {keyword.backend()}")
        cache: dict = {}
        if not args.skip_corpus:
            evaluate_projects(args, cache)
        if not args.skip_scifact:
            evaluate_scifact(args)
        if not args.skip_latency:
            questions = [q["question"] for q in load_customer_questions()]
            texts = cache.get("latency_texts") or [q * 20 for q in questions]
            evaluate_latency(texts, (questions * 3)[:200])
    finally:
        workspace.cleanup()


if __name__ == "__main__":
    main()
