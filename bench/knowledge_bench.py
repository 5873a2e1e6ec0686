#!/usr/bin/env python
"""Knowledge benchmark: ingestion throughput on the shared corpus, then retrieval latency of the
real hybrid retrieval (``knowledge.retrieval.retrieve``) at 10k and 100k chunks.

    .venv/bin/python bench/knowledge_bench.py                       # corpus ingestion + 10k/100k latency
    .venv/bin/python bench/knowledge_bench.py --chunks 10000        # one size only
    .venv/bin/python bench/knowledge_bench.py --skip-latency        # ingestion only
    .venv/bin/python bench/knowledge_bench.py --chroma-url http://127.0.0.1:8001   # Chroma server

Everything runs in a temporary workspace (SQLite, Chroma PersistentClient, media), removed at the
end unless --workdir is given. Ingestion runs each file through the same services the ``ingest``
worker calls (partition with unstructured → chunk → embed in batches → upsert into Chroma → write
chunks), one file at a time in this process, and reports the share of time of each stage.

The latency sets are synthetic: corpus passages (the chunks just ingested, plus SciFact abstracts)
are embedded once, up to --unique texts; further chunks reuse those texts and vectors with a small
random perturbation (renormalized), because embedding 100,000 texts would take about an hour on 2
cores. The output says how many vectors are real and how many perturbed. Figures are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from knowledge_setup import (  # noqa: E402
    DEFAULT_CORPUS,
    Workspace,
    corpus_files,
    ingest_corpus,
    latency_summary,
    machine_description,
    new_organization,
    setup_django,
    warm_up_embeddings,
)

DATA = Path(__file__).resolve().parent / "data"
CHUNKS_PER_DOCUMENT = 50
SYNTHETIC_CATEGORIES = ("billing", "setup", "accounts", "integrations", "troubleshooting")
INSERT_BATCH = 5000


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"default {DEFAULT_CORPUS}")
    parser.add_argument(
        "--chunks",
        default="10000,100000",
        help="comma-separated index sizes for latency (default 10000,100000)",
    )
    parser.add_argument("--queries", type=int, default=200, help="timed queries per size (default 200)")
    parser.add_argument(
        "--unique", type=int, default=4000, help="texts really embedded for the synthetic sets"
    )
    parser.add_argument("--noise", type=float, default=0.02, help="std-dev of the perturbation per dimension")
    parser.add_argument("--skip-ingestion", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--chroma-url", help="use a Chroma server (HttpClient) instead of a PersistentClient")
    parser.add_argument("--database-url", help="default: SQLite in the workspace")
    parser.add_argument("--workdir", help="keep the workspace in this folder")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


# ---------- ingestion ----------


def report_ingestion(results, elapsed: float, model_load: float) -> None:
    ok = [r for r in results if r.status == "processed"]
    failed = [r for r in results if r.status == "failed"]
    refused = [r for r in results if r.status == "refused"]
    chunks = sum(r.chunks for r in ok)
    stage = {
        name: sum(r.seconds.get(name, 0.0) for r in ok) for name in ("partition", "embedding", "indexing")
    }
    busy = sum(r.wall for r in ok)
    other = max(busy - sum(stage.values()), 0.0)
    print("\n== Ingestion throughput (one process, files one after another) ==")
    print(f"embedding model load (once per process, not counted below): {model_load:.1f} s")
    print(
        f"files: {len(results)}  processed: {len(ok)}  failed: {len(failed)}  refused: {len(refused)}"
        f"  chunks: {chunks}  wall: {elapsed:.1f} s"
    )
    print(f"documents/s: {len(ok) / elapsed:6.2f}     chunks/s: {chunks / elapsed:6.1f}")
    for name, value in stage.items():
        print(f"  {name:<10} {value:7.1f} s  {100 * value / busy:5.1f} %")
    print(
        f"  {'other':<10} {other:7.1f} s  {100 * other / busy:5.1f} %   (storing the file, events, operation rows)"
    )
    print(
        f"\n{'format':<6} {'files':>5} {'pages':>6} {'chunks':>7} {'seconds':>8} {'docs/s':>7} {'pages/s':>8} {'chunks/s':>9}"
    )
    for fmt in sorted({r.format for r in ok}):
        rows = [r for r in ok if r.format == fmt]
        seconds = sum(r.wall for r in rows)
        pages = sum(r.pages or 0 for r in rows)
        page_rate = f"{pages / seconds:8.2f}" if pages else f"{'—':>8}"
        print(
            f"{fmt:<6} {len(rows):>5} {pages or '—':>6} {sum(r.chunks for r in rows):>7} {seconds:8.1f}"
            f" {len(rows) / seconds:7.2f} {page_rate} {sum(r.chunks for r in rows) / seconds:9.1f}"
        )
    for r in failed + refused:
        print(f"  not ingested: {r.path}: {r.error}")


# ---------- synthetic index ----------


def scifact_texts(corpus: Path, limit: int) -> list[str]:
    path = corpus / "scifact" / "corpus.jsonl"
    texts = []
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                texts.append(f"{record.get('title', '')}\n{record.get('text', '')}"[:1200])
                if len(texts) >= limit:
                    break
    return texts


class SyntheticIndex:
    """Grows the organization's knowledge to a given number of chunks (DB rows + vectors)."""

    def __init__(self, organization, texts: list[str], seed: int, noise: float):
        import numpy as np

        from knowledge import embeddings

        self.organization = organization
        self.texts = texts
        started = time.perf_counter()
        self.vectors = np.asarray(embeddings.embed_texts(texts), dtype=np.float32)
        self.embed_seconds = time.perf_counter() - started
        self.rng = np.random.default_rng(seed)
        self.noise = noise
        self.size = 0
        self.perturbed = 0
        self.documents: dict = {}
        self.insert_seconds = {"database": 0.0, "vectors": 0.0}

    def _documents(self, first: int, last: int) -> dict:
        from knowledge import embeddings
        from knowledge.models import Document, DocumentStatus, TrainingStatus

        model = embeddings.embedding_model_name()
        missing = [number for number in range(first, last + 1) if number not in self.documents]
        rows = [
            Document(
                organization=self.organization,
                title=f"Synthetic document {number}",
                category=SYNTHETIC_CATEGORIES[number % len(SYNTHETIC_CATEGORIES)],
                file=f"synthetic/{number}.txt",
                original_filename=f"{number}.txt",
                format="txt",
                content_type="text/plain",
                sha256=hashlib.sha256(f"synthetic-{number}".encode()).hexdigest(),
                status=DocumentStatus.PROCESSED,
                training_status=TrainingStatus.TRAINED,
                chunk_count=CHUNKS_PER_DOCUMENT,
                embedding_model=model,
            )
            for number in missing
        ]
        created = Document.objects.bulk_create(rows)
        self.documents.update(zip(missing, created, strict=True))
        return self.documents

    def grow_to(self, target: int) -> None:
        import numpy as np

        from knowledge import vectorstore
        from knowledge.models import Chunk
        from knowledge.services.ingestion import chunk_metadata

        while self.size < target:
            start, stop = self.size, min(target, self.size + INSERT_BATCH)
            count = stop - start
            positions = np.arange(start, stop) % len(self.texts)
            vectors = self.vectors[positions].copy()
            reused = np.arange(start, stop) >= len(self.texts)
            if reused.any():
                vectors[reused] += self.rng.normal(
                    0.0, self.noise, size=(int(reused.sum()), vectors.shape[1])
                )
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                self.perturbed += int(reused.sum())
            began = time.perf_counter()
            documents = self._documents(start // CHUNKS_PER_DOCUMENT, (stop - 1) // CHUNKS_PER_DOCUMENT)
            chunks = []
            for offset, position in enumerate(range(start, stop)):
                text = self.texts[positions[offset]]
                chunks.append(
                    Chunk(
                        organization=self.organization,
                        document=documents[position // CHUNKS_PER_DOCUMENT],
                        index=position % CHUNKS_PER_DOCUMENT,
                        text=text,
                        title=documents[position // CHUNKS_PER_DOCUMENT].title,
                        section=f"Section {position % 7}",
                        char_count=len(text),
                        token_count=len(text.split()),
                    )
                )
            Chunk.objects.bulk_create(chunks, batch_size=1000)
            self.insert_seconds["database"] += time.perf_counter() - began
            began = time.perf_counter()
            vectorstore.upsert(
                self.organization,
                [chunk.vector_id for chunk in chunks],
                vectors.tolist(),
                [chunk.text for chunk in chunks],
                [chunk_metadata(document=chunk.document, chunk=chunk) for chunk in chunks],
            )
            self.insert_seconds["vectors"] += time.perf_counter() - began
            self.size = stop
            print(f"  … {self.size} chunks indexed ({count} added)", file=sys.stderr, flush=True)

    def fix_document_boundaries(self) -> None:
        """Documents created for a partial last batch may hold fewer chunks; keep counts honest."""
        from django.db.models import Count

        from knowledge.models import Document

        for document in Document.objects.filter(organization=self.organization).annotate(n=Count("chunks")):
            if document.n != document.chunk_count:
                Document.objects.filter(pk=document.pk).update(chunk_count=document.n)


def load_queries(corpus: Path, count: int) -> list[str]:
    queries = []
    labelled = DATA / "corpus_questions.json"
    if labelled.exists():
        queries += [entry["question"] for entry in json.loads(labelled.read_text())["questions"]]
    path = corpus / "scifact" / "queries.jsonl"
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            queries += [json.loads(line)["text"] for line in handle]
    if not queries:
        queries = ["How do I add a custom domain?", "reset my password", "build failed"]
    return [queries[i % len(queries)] for i in range(count)]


def measure(organization, queries: list[str]) -> dict[str, list[float]]:
    from knowledge import embeddings, keyword, retrieval, vectorstore
    from knowledge.scope import SourceScope

    names = (
        "retrieve k=5",
        "retrieve k=5, 1 category",
        "embed query",
        "vector query (20)",
        "keyword search (20)",
        "vector query, 1-key filter",
        "vector query, no filter",
    )
    timings: dict[str, list[float]] = {name: [] for name in names}
    scope = SourceScope()
    where = vectorstore.build_where(organization_id=organization.pk, scope=scope)
    for number, query in enumerate(queries):
        started = time.perf_counter()
        retrieval.retrieve(organization=organization, query=query, k=5)
        timings["retrieve k=5"].append(time.perf_counter() - started)
        started = time.perf_counter()
        category = SYNTHETIC_CATEGORIES[number % len(SYNTHETIC_CATEGORIES)]
        retrieval.retrieve(organization=organization, query=query, categories=[category], k=5)
        timings["retrieve k=5, 1 category"].append(time.perf_counter() - started)
        started = time.perf_counter()
        vector = embeddings.embed_query(query)
        timings["embed query"].append(time.perf_counter() - started)
        started = time.perf_counter()
        vectorstore.query(organization, vector, 20, where)
        timings["vector query (20)"].append(time.perf_counter() - started)
        started = time.perf_counter()
        keyword.search(organization, query, scope, 20)
        timings["keyword search (20)"].append(time.perf_counter() - started)
        started = time.perf_counter()
        vectorstore.query(organization, vector, 20, {"source_type": "document"})
        timings["vector query, 1-key filter"].append(time.perf_counter() - started)
        collection = vectorstore._collection(organization, create=False)  # what a filter costs: none at all
        started = time.perf_counter()
        collection.query(query_embeddings=[vector], n_results=20, include=["distances"])
        timings["vector query, no filter"].append(time.perf_counter() - started)
    return timings


def bench_latency(args, organization, sizes: list[int]) -> None:
    from knowledge import keyword, retrieval
    from knowledge.models import Chunk

    pool = list(Chunk.objects.values_list("text", flat=True).order_by("id")[: args.unique])
    pool += scifact_texts(args.corpus, max(args.unique - len(pool), 0))
    pool = list(dict.fromkeys(text for text in pool if text.strip()))[: args.unique]
    print(f"\n== Retrieval latency (keyword backend: {keyword.backend()}) ==")
    print(
        f"embedding {len(pool)} distinct corpus passages for the synthetic index…",
        file=sys.stderr,
        flush=True,
    )
    index = SyntheticIndex(organization, pool, args.seed, args.noise)
    print(
        f"real vectors: {len(pool)} passages embedded in {index.embed_seconds:.1f} s"
        f" ({len(pool) / index.embed_seconds:.1f} texts/s, batch {_batch_size()})"
    )
    queries = load_queries(args.corpus, args.queries)
    for size in sizes:
        index.grow_to(size)
        index.fix_document_boundaries()
        started = time.perf_counter()
        retrieval.retrieve(organization=organization, query=queries[0], k=5)  # builds the keyword index
        first = time.perf_counter() - started
        print(
            f"\n-- {size:,} chunks: {size - index.perturbed:,} real vectors, {index.perturbed:,} perturbed copies"
            f" (noise σ={args.noise}/dimension, renormalized) --"
        )
        print(
            f"inserted so far: database {index.insert_seconds['database']:.1f} s,"
            f" vectors {index.insert_seconds['vectors']:.1f} s"
            f" ({index.size / max(index.insert_seconds['vectors'], 1e-9):.0f} vectors/s into Chroma)"
        )
        print(f"first query (builds the in-memory keyword index): {first * 1000:.0f} ms")
        for name, values in measure(organization, queries).items():
            print(f"  {name:<26} {latency_summary(values)}")


def _batch_size() -> int:
    from django.conf import settings

    return settings.EMBEDDING_BATCH_SIZE


def main() -> None:
    args = parse_args()
    sizes = [int(value) for value in args.chunks.split(",") if value.strip()]
    workspace = Workspace(args.workdir)
    try:
        setup_django(workspace, chroma_url=args.chroma_url, database_url=args.database_url)
        from django.conf import settings

        model_load = warm_up_embeddings()
        print(f"machine: {machine_description()}")
        print(f"vector store: {'Chroma server ' + args.chroma_url if args.chroma_url else 'Chroma PersistentClient'}"
              f"; database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; workspace {workspace.path}")  # fmt: skip
        print(
            f"chunking: {settings.KNOWLEDGE_CHUNK_SIZE} characters, overlap {settings.KNOWLEDGE_CHUNK_OVERLAP}"
        )
        organization = new_organization("Knowledge bench")
        if not args.skip_ingestion:
            files = corpus_files(args.corpus)
            print(f"ingesting {len(files)} corpus files…", file=sys.stderr, flush=True)
            started = time.perf_counter()
            results = ingest_corpus(organization, files)
            report_ingestion(results, time.perf_counter() - started, model_load)
        if not args.skip_latency and sizes:
            bench_latency(args, new_organization("Knowledge bench latency"), sorted(sizes))
    finally:
        workspace.cleanup()


if __name__ == "__main__":
    main()
