#!/usr/bin/env python
"""Retrieval quality: recall@5 and MRR@10 of vector-only, keyword-only and hybrid retrieval on
(a) a labelled set of questions written from the shared corpus (bench/data/corpus_questions.json)
and (b) BEIR SciFact (dev split for tuning the fusion, test split for reporting).

    .venv/bin/python bench/retrieval_quality.py                      # both sets, full SciFact corpus
    .venv/bin/python bench/retrieval_quality.py --scifact-docs 2000  # judged docs + distractors up to 2000
    .venv/bin/python bench/retrieval_quality.py --skip-scifact

Documents go through the real ingestion (unstructured → chunks → all-MiniLM-L6-v2 → Chroma) in a
temporary workspace. The three methods read the same index:
  vector-only   knowledge.vectorstore.query (cosine, Chroma) on knowledge.embeddings.embed_query
  keyword-only  knowledge.keyword.search (BM25 on SQLite, PostgreSQL full-text with DATABASE_URL)
  hybrid        knowledge.retrieval.retrieve, the production path (RRF, k=60, equal weights),
                asked for 40 passages (so it reads 160 candidates from each side)
plus, for SciFact, the same reciprocal rank fusion recomputed here on the two 160-passage lists
(once with the production constants, as a check, and once with the RRF constant and the vector
weight tuned on the dev split only, then applied unchanged to test).

Passages are ranked, then collapsed to documents (a document ranks where its best passage does):
recall@5 = share of a question's relevant documents among the first 5 documents (for the corpus
set: a hit when any of the listed documents is there, since they are copies or alternatives);
MRR@10 = mean of 1/rank of the first relevant document within the first 10 (0 if none).
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
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
DEPTH = 4 * HYBRID_K  # passages read from each side for vector-only, keyword-only and the recomputed fusion
RRF_GRID = (1, 5, 10, 20, 40, 60, 100, 200)
WEIGHT_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


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
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--skip-scifact", action="store_true")
    parser.add_argument("--chroma-url", help="use a Chroma server instead of a PersistentClient")
    parser.add_argument("--database-url", help="default: SQLite in the workspace")
    parser.add_argument("--workdir", help="keep the workspace in this folder")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args()


# ---------- the three retrievers, as ranked passage keys ----------


def document_of(key: str) -> int | None:
    parts = key.split("-")
    return int(parts[1]) if parts[0] == "doc" and len(parts) == 3 else None


class Retrievers:
    def __init__(self, organization):
        from knowledge.scope import SourceScope
        from knowledge.vectorstore import build_where

        self.organization = organization
        self.scope = SourceScope()
        self.where = build_where(organization_id=organization.pk, scope=self.scope)

    def run(self, query: str) -> dict[str, list[str]]:
        from knowledge import embeddings, keyword, retrieval, vectorstore

        vector = [
            hit.id
            for hit in vectorstore.query(self.organization, embeddings.embed_query(query), DEPTH, self.where)
        ]
        words = [hit.key for hit in keyword.search(self.organization, query, self.scope, DEPTH)]
        hybrid = [
            chunk.chunk_id
            for chunk in retrieval.retrieve(organization=self.organization, query=query, k=HYBRID_K)
        ]
        return {"vector-only": vector, "keyword-only": words, "hybrid (production)": hybrid}


def fuse(vector: list[str], words: list[str], *, rrf_k: float, weight: float) -> list[str]:
    """Weighted reciprocal rank fusion (weight on the vector list, 1 - weight on the keyword list)."""
    scores: dict[str, float] = defaultdict(float)
    for rank, key in enumerate(vector, start=1):
        scores[key] += weight / (rrf_k + rank)
    for rank, key in enumerate(words, start=1):
        scores[key] += (1 - weight) / (rrf_k + rank)
    return sorted(scores, key=lambda key: -scores[key])


def documents_ranked(keys: list[str], labels: dict[int, str]) -> list[str]:
    """Passage keys → the documents' labels (corpus path or SciFact id), best passage first, once each."""
    seen: dict[str, None] = {}
    for key in keys:
        label = labels.get(document_of(key))
        if label is not None and label not in seen:
            seen[label] = None
    return list(seen)


def recall_at(ranked: list, relevant: set, k: int, *, any_hit: bool) -> float:
    found = len(relevant & set(ranked[:k]))
    if any_hit:
        return 1.0 if found else 0.0
    return found / len(relevant)


def mrr_at(ranked: list, relevant: set, k: int) -> float:
    for rank, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: list, relevant: set, k: int) -> float:
    import math

    gain = sum(1.0 / math.log2(rank + 1) for rank, item in enumerate(ranked[:k], start=1) if item in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return gain / ideal if ideal else 0.0


def score(runs: list[tuple[dict[str, list[str]], set]], method: str, labels: dict, *, any_hit: bool) -> dict:
    totals = {"recall@5": 0.0, "MRR@10": 0.0, "nDCG@10": 0.0}
    for lists, relevant in runs:
        ranked = documents_ranked(lists[method], labels)
        totals["recall@5"] += recall_at(ranked, relevant, 5, any_hit=any_hit)
        totals["MRR@10"] += mrr_at(ranked, relevant, 10)
        totals["nDCG@10"] += ndcg_at(ranked, relevant, 10)
    return {name: value / len(runs) for name, value in totals.items()}


def print_table(title: str, rows: dict[str, dict[str, float]], *, ndcg: bool) -> None:
    print(f"\n{title}")
    columns = ["recall@5", "MRR@10"] + (["nDCG@10"] if ndcg else [])
    print(f"  {'method':<44}" + "".join(f"{name:>10}" for name in columns))
    for method, values in rows.items():
        print(f"  {method:<44}" + "".join(f"{values[name]:10.3f}" for name in columns))


# ---------- (a) the labelled corpus questions ----------


def evaluate_corpus(args) -> None:
    questions = json.loads((DATA / "corpus_questions.json").read_text())["questions"]
    organization = new_organization("Quality: corpus")
    files = corpus_files(args.corpus)
    print(f"\ningesting {len(files)} corpus files…", file=sys.stderr, flush=True)
    started = time.perf_counter()
    results = ingest_corpus(organization, files)
    labels = {r.document_id: r.path for r in results if r.status == "processed"}
    print(
        f"\n== (a) Corpus questions: {len(questions)} questions, {len(labels)} documents "
        f"({sum(r.chunks for r in results)} passages) ingested in {time.perf_counter() - started:.0f} s =="
    )
    missing = sorted({path for q in questions for path in q["answers"] if path not in labels.values()})
    if missing:
        print(f"  labelled documents that were not ingested (count as misses): {missing}")
    retrievers = Retrievers(organization)
    runs = [(retrievers.run(question["question"]), set(question["answers"])) for question in questions]
    rows = {method: score(runs, method, labels, any_hit=True) for method in runs[0][0]}
    print_table("document-level; a hit when any labelled document is found:", rows, ndcg=False)
    misses = [
        f"#{question['id']} {question['question'][:70]}"
        for question, (lists, relevant) in zip(questions, runs, strict=True)
        if not relevant & set(documents_ranked(lists["hybrid (production)"], labels)[:5])
    ]
    print(f"  hybrid misses at 5 ({len(misses)}):")
    for miss in misses:
        print(f"    {miss}")


# ---------- (b) SciFact ----------


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


def evaluate_scifact(args) -> None:
    folder = args.corpus / "scifact"
    splits = {name: read_qrels(folder / "qrels" / f"{name}.tsv") for name in ("dev", "test")}
    splits = {name: qrels for name, qrels in splits.items() if qrels}
    queries = {
        record["_id"]: record["text"]
        for record in map(json.loads, (folder / "queries.jsonl").open(encoding="utf-8"))
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
    seconds = time.perf_counter() - started
    labels = {
        r.document_id: r.path.removeprefix("scifact/").removesuffix(".txt") for r in results if r.document_id
    }
    not_ingested = [r for r in results if r.status != "processed"]
    scope = (
        "full corpus"
        if len(records) >= 5183
        else (
            f"LIMITED to {len(records)} of 5,183 documents: every judged one plus random distractors (--scifact-docs)"
        )
    )
    print(
        f"\n== (b) SciFact: {len(records)} documents ({scope}), "
        f"{sum(r.chunks for r in results)} passages, ingested in {seconds:.0f} s =="
    )
    if not_ingested:
        print(
            f"  {len(not_ingested)} abstracts not ingested (duplicates or failures), e.g. {not_ingested[0].error}"
        )
    retrievers = Retrievers(organization)
    runs_by_split = {
        name: [(retrievers.run(queries[query_id]), relevant) for query_id, relevant in sorted(qrels.items())]
        for name, qrels in splits.items()
    }
    tuned = tune(runs_by_split.get("dev"), labels)
    for name, runs in runs_by_split.items():
        for lists, _ in runs:
            vector, words = lists["vector-only"], lists["keyword-only"]
            lists["hybrid RRF k=60, w=0.5 (recomputed here)"] = fuse(vector, words, rrf_k=60, weight=0.5)
            if tuned:
                label = f"hybrid tuned on dev: RRF k={tuned[0]}, w={tuned[1]}"
                lists[label] = fuse(vector, words, rrf_k=tuned[0], weight=tuned[1])
        rows = {method: score(runs, method, labels, any_hit=False) for method in runs[0][0]}
        print_table(f"{name} split ({len(runs)} queries):", rows, ndcg=True)


def tune(runs, labels: dict) -> tuple[int, float] | None:
    """Grid search of the RRF constant and the vector weight on MRR@10 (dev split only)."""
    if not runs:
        return None
    best, best_value = None, -1.0
    for rrf_k in RRF_GRID:
        for weight in WEIGHT_GRID:
            total = 0.0
            for lists, relevant in runs:
                fused = fuse(lists["vector-only"], lists["keyword-only"], rrf_k=rrf_k, weight=weight)
                total += mrr_at(documents_ranked(fused, labels), relevant, 10)
            if total > best_value + 1e-12:
                best, best_value = (rrf_k, weight), total
    print(
        f"  tuning on dev (MRR@10 over RRF k {list(RRF_GRID)} × vector weight {list(WEIGHT_GRID)}): best {best}"
    )
    return best


def main() -> None:
    args = parse_args()
    workspace = Workspace(args.workdir)
    try:
        setup_django(workspace, chroma_url=args.chroma_url, database_url=args.database_url)
        from knowledge import keyword

        warm_up_embeddings()
        print(f"machine: {machine_description()}; keyword backend: {keyword.backend()}")
        if not args.skip_corpus:
            evaluate_corpus(args)
        if not args.skip_scifact:
            evaluate_scifact(args)
    finally:
        workspace.cleanup()


if __name__ == "__main__":
    main()
