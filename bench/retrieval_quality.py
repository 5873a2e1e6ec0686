#!/usr/bin/env python
"""Retrieval quality, today's pipeline beside the new one (issue 13), in one run:

    .venv/bin/python bench/retrieval_quality.py                      # everything, full SciFact
    .venv/bin/python bench/retrieval_quality.py --scifact-docs 2000  # judged docs + distractors up to 2000
    .venv/bin/python bench/retrieval_quality.py --skip-scifact       # the two project sets only

Sets: (a) the 54 regression questions (bench/data/corpus_questions.json, over the whole shared
corpus), (b) customer set 1, frozen before the first round of tuning (customer_questions.jsonl,
62 + 12 unanswerable), (c) customer set 2, frozen before the second round
(customer_questions_2.jsonl, 40 + 10, split into fit = odd ids and test = even ids), both over
the 121 Read the Docs pages, (d) BEIR SciFact dev and test. Only SciFact dev and set 2's fit
split are tuned on (fusion weight, the variants' weights, the declines' refit).

Documents go through the real ingestion (unstructured → chunks → all-MiniLM-L6-v2 → Chroma) in a
temporary workspace; every pipeline reads the same index, each side DEPTH passages deep:
  today      the hand-made BM25 that knowledge/keyword.py had (bench/legacy_retrieval.py) fused
             with reciprocal rank fusion k=60, equal weights; declines: the bot's rule, the best
             cosine of the first 5 passages below 0.35
  previous   BM25 with stemming and stopwords (knowledge.bm25, bm25s) fused by min-max with the
             vector weight of knowledge.retrieval_fusion = production (``retrieve()``, whose
             declines are knowledge.declines: no passage of the first 5 with relevance >= THRESHOLD)
  variants   measured and not kept: the heading field, the spelling fallback (knowledge.bm25
             options), both, and document evidence (quality_metrics.with_document_evidence);
             RRF k=60 and z-score, the weights the fusion was chosen among.

Passages are collapsed to documents (a document ranks where its best passage does). hit@1 =
share of questions whose first document is relevant; recall@5 = share of a question's relevant
documents in the first 5 (project sets: a hit when any listed document is there); MRR@10; nDCG@10
(binary). Declines: AUC = probability that an answerable question scores above an unanswerable
one (project sets; for SciFact, which has no unanswerable question, a query whose first document
is relevant above one whose first is not); then the counts at the pipeline's threshold.
``--fit-declines`` refits the declines' coefficients and threshold on set 2's fit split and adds
a row with them (knowledge.declines itself is not changed). Latency: the keyword ranking + fusion
(+ decline features) per query at 10,000 chunks, today's, the previous and the variant code.
Figures are printed, never asserted."""

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
from quality_latency import evaluate_latency  # noqa: E402
from quality_metrics import (  # noqa: E402
    Run,
    document_of,
    documents_ranked,
    print_table,
    with_document_evidence,
)
from quality_tuning import DEPTH, fit_declines, index_rows, tune  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
HYBRID_K = 40  # passages asked of retrieve(); it asks each side for 4 × k candidates
TODAY_THRESHOLD = 0.35  # chatbots.models.chatbot.DEFAULT_CONFIDENCE_THRESHOLD
TODAY = "today: BM25 (hand-made) + RRF k=60"
PREVIOUS = "previous: bm25s + min-max"  # before the heading field and the spelling fallback
NEW = "variant: + heading field + spelling (not kept)"
DOCUMENT_WEIGHT = 0.3  # document evidence, measured and not kept (lowers SciFact dev)
PRODUCTION = "production via retrieve()"  # = previous: the variants are off
REFIT = "production, declines refit on set 2's fit split"
REFITTED: list = []  # [cosine, coverage, bias, threshold] once fitted or read


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


class Pipelines:
    def __init__(self, organization, categories=None):
        from legacy_retrieval import LegacyBm25Index

        from knowledge import keyword, vectorstore
        from knowledge.bm25 import Bm25Index
        from knowledge.scope import SourceScope

        self.organization, self.categories = organization, categories
        self.scope = SourceScope.build(categories=categories) if categories else SourceScope()
        self.where = vectorstore.build_where(organization_id=organization.pk, scope=self.scope)
        keys, document_ids, categories, texts, heads = index_rows(organization)
        self.legacy = LegacyBm25Index(keys, document_ids, [-1] * len(keys), categories, texts)
        entries = (keys, document_ids, [-1] * len(keys), categories, texts, heads)
        self.current = keyword.bm25_index(organization)  # production: the options as configured
        self.previous = Bm25Index(*entries, heading_weight=0, spelling=False)
        self.variants = {
            "heading": Bm25Index(*entries, heading_weight=1.0, spelling=False),
            "spelling": Bm25Index(*entries, heading_weight=0, spelling=True),
            "both": Bm25Index(*entries, heading_weight=1.0, spelling=True),
        }
        self.texts = dict(zip(keys, texts, strict=True))

    def variant(self, name: str, query: str) -> list[tuple[str, float]]:
        return [(hit.key, hit.score) for hit in self.variants[name].search(query, self.scope, DEPTH)]

    def sides(self, query: str):
        from knowledge import embeddings, vectorstore

        vector = [
            (hit.id, hit.similarity)
            for hit in vectorstore.query(self.organization, embeddings.embed_query(query), DEPTH, self.where)
        ]
        return vector, [(hit.key, hit.score) for hit in self.current.search(query, self.scope, DEPTH)]

    def run(self, query: str, *, weights: dict | None = None) -> Run:
        from knowledge import declines, retrieval, retrieval_fusion

        vector, _ = self.sides(query)
        new_words = self.variant("both", query)
        old_words = self.legacy.search(query, self.scope, DEPTH)
        previous_words = [(hit.key, hit.score) for hit in self.previous.search(query, self.scope, DEPTH)]
        production = retrieval.retrieve(
            organization=self.organization, query=query, k=HYBRID_K, categories=self.categories
        )

        def keys(fused):
            return [key for key, _ in fused]

        lists = {
            "vector only": keys(vector),
            "BM25 hand-made only": keys(old_words),
            "bm25s only": keys(previous_words),
            "bm25s + heading field + spelling only": keys(new_words),
            TODAY: keys(retrieval_fusion.fuse(vector, old_words, method="rrf", weight=0.5)),
            "bm25s + RRF k=60": keys(retrieval_fusion.fuse(vector, previous_words, method="rrf", weight=0.5)),
            PREVIOUS: keys(retrieval_fusion.fuse(vector, previous_words)),
            "previous + heading field": keys(retrieval_fusion.fuse(vector, self.variant("heading", query))),
            "previous + spelling fallback": keys(
                retrieval_fusion.fuse(vector, self.variant("spelling", query))
            ),
            "new + document evidence (not kept)": keys(
                with_document_evidence(
                    retrieval_fusion.fuse(vector, new_words), document_of, weight=DOCUMENT_WEIGHT
                )
            ),
            NEW: keys(retrieval_fusion.fuse(vector, new_words)),
            PRODUCTION: [chunk.chunk_id for chunk in production],
        }
        for method, weight in (weights or {}).items():
            lists[f"bm25s + {method} w={weight} (dev-best)"] = keys(
                retrieval_fusion.fuse(vector, previous_words, method=method, weight=weight)
            )
        similarity = dict(vector)
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
        decline = {
            TODAY: max((similarity.get(key, 0.0) for key in lists[TODAY][:5]), default=0.0),
        }
        return Run(lists, decline, features)


# ---------- the project sets ----------


def load_questions(name: str = "customer_questions.jsonl") -> list[dict]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [record for record in map(json.loads, lines) if "id" in record]


def load_customer_questions() -> list[dict]:
    return load_questions()


def thresholds() -> dict:
    from knowledge import declines

    found = {TODAY: TODAY_THRESHOLD, PRODUCTION: declines.THRESHOLD}
    if REFITTED:
        found[REFIT] = REFITTED[3]
    return found


def table(title: str, runs, labels, methods, *, any_hit: bool) -> None:
    """``print_table`` with production's declines (knowledge.declines) and, once fitted, the refit's."""
    from knowledge import declines

    methods = list(methods)
    for run, _ in runs:
        run.decline[PRODUCTION] = max((declines.probability(*f) for _, f in run.features), default=0.0)
        if REFITTED:
            run.lists[REFIT] = run.lists[PRODUCTION]
            run.decline[REFIT] = max(
                (declines.probability(*f, REFITTED[:3]) for _, f in run.features), default=0.0
            )
    if REFITTED and REFIT not in methods:
        methods.append(REFIT)
    print_table(title, runs, labels, methods, any_hit=any_hit, thresholds=thresholds())


def customer_runs(pipelines, questions):
    return [
        (pipelines.run(q["question"]), {f"readthedocs/{q['answer']}"} if q["answer"] else set())
        for q in questions
    ]


def evaluate_projects(args, cache: dict) -> None:
    """The project sets on one index of the whole shared corpus; both customer sets are limited
    to the Read the Docs pages (category ``readthedocs``, 121 pages) by the source scope."""
    regression = json.loads((DATA / "corpus_questions.json").read_text())["questions"]
    customer, second = load_customer_questions(), load_questions("customer_questions_2.jsonl")
    organization = new_organization("Quality: corpus")
    files = corpus_files(args.corpus)
    print(f"\ningesting {len(files)} corpus files…", file=sys.stderr, flush=True)
    results = ingest_corpus(organization, files)
    labels = {r.document_id: r.path for r in results if r.status == "processed"}
    pipelines = Pipelines(organization)
    runs_regression = [(pipelines.run(q["question"]), set(q["answers"])) for q in regression]
    rtd = Pipelines(organization, categories=["readthedocs"])
    runs_customer, runs_second = customer_runs(rtd, customer), customer_runs(rtd, second)
    split = {
        name: [p for q, p in zip(second, runs_second, strict=True) if q["split"] == name]
        for name in ("fit", "test")
    }
    cache["latency_texts"] = list(pipelines.texts.values())
    if args.fit_declines:
        REFITTED[:] = fit_declines([pair + (labels,) for pair in split["fit"]], args.declines_file)

    methods = list(runs_regression[0][0].lists)
    print(f"\n== (a) regression set: {len(regression)} questions, {len(labels)} documents ==")
    table("a hit when any labelled document is found:", runs_regression, labels, methods, any_hit=True)
    for name, questions, runs in (
        (
            "(b) customer set 1 (frozen before the earlier tuning, never tuned on here)",
            customer,
            runs_customer,
        ),
        (
            "(c) customer set 2 (bench/data/customer_questions_2.jsonl, frozen before this tuning)",
            second,
            runs_second,
        ),
    ):
        answerable = sum(1 for q in questions if q["answer"])
        print(f"\n== {name}: {answerable} answerable + {len(questions) - answerable} unanswerable ==")
        table("all questions:", runs, labels, methods, any_hit=True)
    table(
        "set 2, fit split (odd ids: the variants chosen and the declines refitted here):",
        split["fit"],
        labels,
        [TODAY, PRODUCTION, NEW],
        any_hit=True,
    )
    table(
        "set 2, test split (even ids: never tuned on):",
        split["test"],
        labels,
        [TODAY, PRODUCTION, NEW],
        any_hit=True,
    )
    for name, questions, runs in (("set 1", customer, runs_customer), ("set 2 test", second, runs_second)):
        misses = [
            f"#{q['id']} {q['question'][:60]} → {documents_ranked(run.lists[PRODUCTION], labels)[:1]}"
            for q, (run, relevant) in zip(questions, runs, strict=True)
            if relevant
            and q.get("split", "test") == "test"
            and not relevant & set(documents_ranked(run.lists[PRODUCTION], labels)[:1])
        ]
        print(f"  {name}, production, answerable questions whose first document is wrong ({len(misses)}):")
        for miss in misses:
            print(f"    {miss}")


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
        f"\n== (d) SciFact: {len(records)} documents ({scope}), {sum(r.chunks for r in results)} passages, "
        f"ingested in {time.perf_counter() - started:.0f} s =="
    )
    if args.declines_file and not args.fit_declines:
        for _ in range(120):  # a parallel run may still be fitting them
            if args.declines_file.exists():
                break
            time.sleep(10)
        if args.declines_file.exists():
            REFITTED[:] = json.loads(args.declines_file.read_text())
            print(f"  declines: coefficients read from {args.declines_file}")
    pipelines = Pipelines(organization)
    weights = tune(pipelines, [(queries[q], rel) for q, rel in sorted(splits["dev"].items())], labels)
    for name, qrels in splits.items():
        runs = [(pipelines.run(queries[q], weights=weights), rel) for q, rel in sorted(qrels.items())]
        table(f"{name} split ({len(runs)} queries):", runs, labels, list(runs[0][0].lists), any_hit=False)


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
