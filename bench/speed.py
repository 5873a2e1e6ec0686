#!/usr/bin/env python
"""Speed at scale (issue 14): each row is Parley against its reference, measured interleaved in
the same run (one Parley call, one reference call, and so on), printed as both figures and ratio.

    .venv/bin/python bench/speed.py --quick                    # 10k rows and chunks, SQLite (< 5 min)
    .venv/bin/python bench/speed.py --size 10000 --database-url postgres://postgres@127.0.0.1:5432/parley_bench
    .venv/bin/python bench/speed.py --size 100000 --database-url postgres://…   # the full run

Rows (ratio = Parley's req/s over the reference's for the API rows, Parley's time over the
reference's for the others):

* ``list``: ``GET /api/v1/conversations/all?per_page=20`` (Bearer API key) vs a bare Django view
  returning 20 conversations with ``values()`` (same middleware, no authentication);
* ``tickets``: ``GET /api/v1/tickets?per_page=20`` vs the same bare view;
* ``detail``: ``GET /api/v1/conversations/{uuid}`` vs a bare one-row ``values()`` view;
* ``retrieve``: ``knowledge.retrieval.retrieve(k=5)`` (whole organization) vs embedding the query
  and Chroma's ``collection.query(n=10)`` without a filter (the embedding is in both: retrieval
  cannot search without it; the figure against the Chroma call alone is printed too);
* ``filter``: the vector search of a bot restricted to one category of five
  (``vectorstore.query_scoped``) vs the same query without any filter; the other forms measured for
  the choice (Chroma ``where`` on the category, ``$in`` of the document ids) are printed beside it;
* ``keyword``: the keyword side ``auto`` chooses (``keyword.search``: the in-process BM25 on every
  database; on PostgreSQL the full-text side is printed beside it) vs the in-process BM25 index;
* ``overhead_ms``: ``POST /api/v1/chat/message`` (a new session each time, the bot reading the
  five categories) minus its own retrieval time (the answer's ``timings_ms.retrieval``), Ollama
  being the test suite's fake server answering at once (median).

The conversations come from ``conversations_bench.fill`` (10 messages each); the chunks from
``knowledge_bench.SyntheticIndex`` (``--unique`` passages really embedded, the others perturbed
copies). The last line is ``speed: list … tickets … detail … retrieve … filter … keyword …
overhead_ms …``. Nothing is asserted."""

from __future__ import annotations

import argparse
import collections
import os
import random
import statistics
import sys
import time
import types
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from knowledge_setup import Workspace, machine_description, setup_django  # noqa: E402

QUESTIONS = (
    "How do I reset my password?", "refund for a damaged package", "invoice shows the wrong amount",
    "webhook signature verification", "export conversations to CSV", "mobile app crashes on start",
    "cancel my subscription", "set up two-factor authentication", "change the billing address",
    "printer is offline after the update", "router keeps dropping the connection", "schedule a backup",
)  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="10k conversations and chunks, SQLite, fewer requests"
    )
    parser.add_argument(
        "--size", type=int, default=None, help="conversations and chunks (default 100000; 10000 with --quick)"
    )
    parser.add_argument("--messages", type=int, default=10, help="messages per conversation")
    parser.add_argument(
        "--requests", type=int, default=None, help="timed requests per API row (default 300; 100 quick)"
    )
    parser.add_argument(
        "--queries", type=int, default=None, help="timed queries per retrieval row (default 100; 36 quick)"
    )
    parser.add_argument(
        "--unique", type=int, default=None, help="passages really embedded (default 2000; 300 quick)"
    )
    parser.add_argument("--database-url", help="default: SQLite in the workspace")
    parser.add_argument("--chroma-url", help="default: Chroma PersistentClient in the workspace")
    parser.add_argument("--workdir", help="keep the workspace here")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the data an earlier run with the same --workdir, --database-url and --size left "
        "(the 100k fill takes most of an hour on PostgreSQL)",
    )
    parser.add_argument(
        "--rows",
        default="api,knowledge",
        help="api (list, tickets, detail), knowledge (retrieve, filter, keyword, overhead_ms) or both",
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.size = args.size or (10_000 if args.quick else 100_000)
    args.requests = args.requests or (100 if args.quick else 300)
    args.queries = args.queries or (36 if args.quick else 100)
    args.unique = args.unique or (300 if args.quick else 2000)
    return args


def interleaved(first, second, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds of ``first(i)`` and ``second(i)``, called in turn ``rounds`` times after a warm-up."""
    for i in range(3):
        first(i), second(i)
    times_a, times_b = [], []
    for i in range(rounds):
        for function, times in (
            ((first, times_a), (second, times_b)) if i % 2 == 0 else ((second, times_b), (first, times_a))
        ):
            started = time.perf_counter()
            function(i)
            times.append(time.perf_counter() - started)
    return times_a, times_b


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{statistics.median(values) * 1000:7.2f} / {p95 * 1000:7.2f} ms"


def report(name: str, parley: list[float], reference: list[float], *, throughput: bool, label: str) -> float:
    if throughput:  # req/s of Parley over req/s of the reference
        ratio = sum(reference) / sum(parley)
        print(f"  {name:<10} Parley {len(parley) / sum(parley):8.1f} req/s ({ms(parley)})  "
              f"{label} {len(reference) / sum(reference):8.1f} req/s ({ms(reference)})  ratio {ratio:.2f}")  # fmt: skip
    else:  # median time of Parley over the reference's
        ratio = statistics.median(parley) / statistics.median(reference)
        print(f"  {name:<10} Parley {ms(parley)}  {label} {ms(reference)}  ratio {ratio:.2f}")
    return ratio


def install_reference_views() -> None:
    """Bare views beside the product's routes: the same middleware, ``values()``, no serializer."""
    from django.conf import settings
    from django.http import JsonResponse
    from django.urls import clear_url_caches, include, path

    from conversations.models import Conversation

    fields = ("uuid", "reference_number", "subject", "priority", "last_message_at", "created_at")

    def bare_list(request, organization_id):
        rows = list(
            Conversation.objects.filter(organization_id=organization_id)
            .order_by("-last_message_at")
            .values(*fields)[:20]
        )
        return JsonResponse({"results": rows})

    def bare_detail(request, organization_id, uuid):
        return JsonResponse(
            Conversation.objects.filter(organization_id=organization_id, uuid=uuid).values(*fields).first()
            or {}
        )

    module = types.ModuleType("bench_speed_urls")
    module.urlpatterns = [
        path("bench-reference/<int:organization_id>/list", bare_list),
        path("bench-reference/<int:organization_id>/detail/<uuid:uuid>", bare_detail),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules["bench_speed_urls"] = module
    settings.ROOT_URLCONF = "bench_speed_urls"
    clear_url_caches()


def api_rows(args, results: dict) -> None:
    from conversations_bench import fill
    from django.test import Client

    from conversations.models import Conversation
    from helpdesk.services import api_keys
    from knowledge import keyword

    organization, admin = reused_conversations(args) if args.reuse else (None, None)
    if organization is None:
        print(f"filling {args.size:,} conversations × {args.messages} messages…", file=sys.stderr, flush=True)
        fill_args = argparse.Namespace(conversations=args.size, messages=args.messages, batch=2000)
        organization, admin = fill(fill_args, random.Random(args.seed))
    keyword.analyze()
    _, full_key = api_keys.api_key_create(
        membership=admin, name="bench", permissions=["read", "write", "admin"]
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {full_key}")
    bare = Client()
    uuids = list(
        Conversation.objects.filter(organization=organization)
        .order_by("?")
        .values_list("uuid", flat=True)[:200]
    )

    def get(c, url):
        response = c.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])

    reference_list = f"/bench-reference/{organization.pk}/list"
    print("\nAPI (Django test client, in process; median / p95):")
    for name, url in (
        ("list", "/api/v1/conversations/all?per_page=20"),
        ("tickets", "/api/v1/tickets?per_page=20"),
    ):
        parley, reference = interleaved(
            lambda i, u=url: get(client, u), lambda i: get(bare, reference_list), args.requests
        )
        results[name] = report(name, parley, reference, throughput=True, label="bare values() view")
    parley, reference = interleaved(
        lambda i: get(client, f"/api/v1/conversations/{uuids[i % len(uuids)]}"),
        lambda i: get(bare, f"/bench-reference/{organization.pk}/detail/{uuids[i % len(uuids)]}"),
        args.requests,
    )
    results["detail"] = report("detail", parley, reference, throughput=True, label="bare one-row view")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in (
        "/api/v1/conversations/all?per_page=20",
        "/api/v1/tickets?per_page=20",
        f"/api/v1/conversations/{uuids[0]}",
    ):
        with CaptureQueriesContext(connection) as queries:
            get(client, url)
        print(f"  queries for {url.split('?')[0]}: {len(queries)}")


def reused_conversations(args):
    """The organization (and its admin) an earlier run filled with ``args.size`` conversations."""
    from conversations_bench import bench_organization_name

    from conversations.models import Conversation
    from helpdesk.models import Membership, Organization, Role

    for organization in Organization.objects.filter(name=bench_organization_name(args.size)).order_by("-id"):
        if Conversation.objects.filter(organization=organization).count() == args.size:
            admin = (
                Membership.objects.filter(organization=organization, role=Role.ADMIN).order_by("id").first()
            )
            if admin is not None:
                print(f"reusing {organization.name} (id {organization.pk})", file=sys.stderr, flush=True)
                return organization, admin
    return None, None


def knowledge_organization_name(size: int) -> str:
    return f"Speed bench knowledge ({size} chunks)"


def reused_knowledge(args):
    """The organization an earlier run indexed with ``args.size`` chunks (rows and vectors)."""
    from helpdesk.models import Organization
    from knowledge import vectorstore
    from knowledge.models import Chunk

    for organization in Organization.objects.filter(name=knowledge_organization_name(args.size)).order_by(
        "-id"
    ):
        rows = Chunk.objects.filter(organization=organization).count()
        if rows == args.size and vectorstore.count(organization) == args.size:
            print(f"reusing {organization.name} (id {organization.pk})", file=sys.stderr, flush=True)
            return organization
    return None


def knowledge_rows(args, results: dict, fake) -> None:
    from knowledge_bench import SYNTHETIC_CATEGORIES, SyntheticIndex, scifact_texts
    from knowledge_setup import DEFAULT_CORPUS, new_organization

    from knowledge import embeddings, keyword, retrieval, vectorstore
    from knowledge.scope import SourceScope

    organization = reused_knowledge(args) if args.reuse else None
    if organization is None:
        organization = new_organization(knowledge_organization_name(args.size))
        pool = scifact_texts(DEFAULT_CORPUS, args.unique)
        pool += [
            f"{q} {' '.join(random.Random(i).sample(QUESTIONS, 3))}" for i, q in enumerate(QUESTIONS * 50)
        ][: max(0, args.unique - len(pool))]
        print(
            f"embedding {len(pool)} passages, growing the index to {args.size:,} chunks…",
            file=sys.stderr,
            flush=True,
        )
        index = SyntheticIndex(organization, pool, args.seed, 0.02)
        index.grow_to(args.size)
        index.fix_document_boundaries()
        copies = f"{len(pool):,} passages embedded, {index.perturbed:,} perturbed copies of their vectors"
    else:
        copies = f"reused from an earlier run: {args.unique:,} passages embedded, the others perturbed copies"
    keyword.analyze()
    queries = [
        QUESTIONS[i % len(QUESTIONS)] + ("" if i < len(QUESTIONS) else f" {i}") for i in range(args.queries)
    ]
    vectors = [embeddings.embed_query(q) for q in queries]
    collection = vectorstore._collection(organization, create=False)
    retrieval.retrieve(organization=organization, query=queries[0], k=5)  # builds the keyword index

    def chroma(vector, n, where=None):
        collection.query(
            query_embeddings=[vector],
            n_results=n,
            where=where,
            include=["distances", "metadatas", "documents"],
        )

    print(f"\nRetrieval ({args.size:,} chunks in one organization: {copies}; median / p95):")
    parley, reference = interleaved(
        lambda i: retrieval.retrieve(organization=organization, query=queries[i % len(queries)], k=5),
        lambda i: (embeddings.embed_query(queries[i % len(queries)]), chroma(vectors[i % len(vectors)], 10)),
        args.queries,
    )
    results["retrieve"] = report("retrieve", parley, reference, throughput=False, label="embed + Chroma n=10")
    _, chroma_only = interleaved(
        lambda i: None, lambda i: chroma(vectors[i % len(vectors)], 10), args.queries
    )
    print(
        f"  {'':<10} against the Chroma call alone ({ms(chroma_only)}): {statistics.median(parley) / statistics.median(chroma_only):.1f}×"
    )

    category = SYNTHETIC_CATEGORIES[0]
    scope = SourceScope.build(categories=[category])
    parley, reference = interleaved(
        lambda i: vectorstore.query_scoped(organization, vectors[i % len(vectors)], 20, scope),
        lambda i: chroma(vectors[i % len(vectors)], 20),
        args.queries,
    )
    results["filter"] = report("filter", parley, reference, throughput=False, label="no filter")
    where = vectorstore.build_where(organization_id=organization.pk, scope=scope)
    document_ids = list(organization_documents(organization, category))
    old_where = {"$and": [{"organization_id": organization.pk}, where]}
    for label, form in (
        ("Chroma where, category (one bot's scope)", where),
        ("… with the old organization clause", old_where),
        (f"Chroma where, $in of {len(document_ids)} document ids", {"document_id": {"$in": document_ids}}),
    ):
        times, _ = interleaved(
            lambda i, f=form: chroma(vectors[i % len(vectors)], 20, f),
            lambda i: None,
            max(10, args.queries // 3),
        )
        print(f"  {'':<10} {label}: {ms(times)}")

    unrestricted = SourceScope.build()
    parley, reference = interleaved(
        lambda i: keyword.search(organization, queries[i % len(queries)], unrestricted, 20),
        lambda i: keyword.bm25_index(organization).search(queries[i % len(queries)], unrestricted, 20),
        args.queries,
    )
    results["keyword"] = report(
        "keyword", parley, reference, throughput=False, label=f"in-process BM25 (auto: {keyword.backend()})"
    )
    from django.db import connection

    if connection.vendor == "postgresql":  # the side ``auto`` no longer picks, for the record
        full_text, bm25 = interleaved(
            lambda i: keyword._postgres_search(organization, queries[i % len(queries)], unrestricted, 20),
            lambda i: keyword.bm25_index(organization).search(queries[i % len(queries)], unrestricted, 20),
            args.queries,
        )
        print(f"  {'':<10} PostgreSQL full text (backend postgres, which auto does not pick) vs BM25:")
        report("full text", full_text, bm25, throughput=False, label="in-process BM25")
    overhead_row(args, results, organization, fake, queries)


def organization_documents(organization, category):
    from knowledge.models import Document

    return Document.objects.filter(organization=organization, category=category).values_list("id", flat=True)


def overhead_row(args, results: dict, organization, fake, queries) -> None:
    from django.test import Client

    from chatbots.models import ChatMessage
    from chatbots.services.chatbots import chatbot_create
    from helpdesk.models import Membership, Role, User
    from helpdesk.services import api_keys

    user = User.objects.create_user(email=f"speed-{time.time_ns()}@example.com", password=None)
    admin = Membership.objects.create(organization=organization, user=user, role=Role.ADMIN)
    from knowledge_bench import SYNTHETIC_CATEGORIES

    # The bot reads the organization's knowledge (its five categories): each question retrieves,
    # asks the fake Ollama and stores a grounded answer, the whole pipeline.
    bot = chatbot_create(
        organization=organization,
        name="Speed bot",
        model="llama3.2",
        confidence_threshold=0.0,
        knowledge_categories=list(SYNTHETIC_CATEGORIES),
    )
    _, key = api_keys.api_key_create(membership=admin, name="speed", permissions=["read", "write", "admin"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    totals, overheads, retrievals, modes = [], [], [], collections.Counter()
    rounds = max(12, args.queries // 2)
    for i in range(rounds + 2):
        started = time.perf_counter()
        response = client.post(
            "/api/v1/chat/message",
            {"message": queries[i % len(queries)], "chatbot_id": bot.pk},
            content_type="application/json",
        )
        seconds = time.perf_counter() - started
        assert response.status_code == 200, response.content[:300]
        answer, mode = (
            ChatMessage.objects.filter(session__chatbot=bot)
            .order_by("-id")
            .values_list("retrieval", "mode")
            .first()
        )
        retrieval_seconds = (answer or {}).get("timings_ms", {}).get("retrieval", 0.0) / 1000
        if i >= 2:  # warm-up
            totals.append(seconds)
            retrievals.append(retrieval_seconds)
            overheads.append(seconds - retrieval_seconds)
            modes[mode] += 1
    results["overhead_ms"] = statistics.median(overheads) * 1000
    print(f"\nAnswer pipeline (POST chat/message, fake Ollama, {rounds} questions): total {ms(totals)}, "
          f"retrieval {ms(retrievals)}, total minus retrieval {ms(overheads)}; answers by mode {dict(modes)}")  # fmt: skip


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    workspace = Workspace(args.workdir)
    from tests.fakes.fake_ollama import start_fake_ollama

    os.environ["THROTTLE_CREDENTIAL"] = "100000000/min"  # the bench is one very busy client
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    try:
        with start_fake_ollama() as fake:
            os.environ["OLLAMA_HOST"] = fake.url
            setup_django(workspace, chroma_url=args.chroma_url, database_url=args.database_url)
            from django.db import connection

            print(f"machine: {machine_description()}; database: {connection.vendor}; size {args.size:,}")
            install_reference_views()
            results: dict[str, float] = {}
            if "api" in args.rows:
                api_rows(args, results)
            if "knowledge" in args.rows:
                knowledge_rows(args, results, fake)
    finally:
        workspace.cleanup()
    print(f"\n({time.perf_counter() - started:.0f} s)")
    names = ("list", "tickets", "detail", "retrieve", "filter", "keyword", "overhead_ms")
    print(
        "speed: "
        + " ".join(
            f"{name} {results[name]:.0f}" if name == "overhead_ms" else f"{name} {results[name]:.2f}"
            for name in names
            if name in results
        )
    )


if __name__ == "__main__":
    main()
