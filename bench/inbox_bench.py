#!/usr/bin/env python
"""Inbox benchmark, through the agent UI (Django's test client, a signed-in admin, the real
middleware and templates), each figure beside a reference measured in the same run:

- the inbox page (``/inbox/?tab=all``, 25 rows with their bulk checkboxes; the unassigned tab;
  a search) at N conversations: p50 and p95, against a bare Django view on the same stack
  rendering 20 conversations with their contact from a plain template (what any page of 20 rows
  costs here);
- a bulk assign of 500 conversations posted to ``/inbox/bulk/`` (what the bulk bar sends) and
  its undo, against one bare ``queryset.update()`` of the same rows.

    .venv/bin/python bench/inbox_bench.py --quick                 # 10,000 conversations, SQLite
    .venv/bin/python bench/inbox_bench.py                         # 100,000
    .venv/bin/python bench/inbox_bench.py --database-url postgres://postgres@127.0.0.1:5432/parley_bench

The data (filled by conversations_bench.py's bulk inserts, 2 messages per conversation) is kept
in var/inbox_bench.sqlite3 (or the given database) and reused by the next run of the same size.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import conversations_bench  # noqa: E402 (the fill and the database set-up)

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "conv-list"}  # what the bulk bar sends
BARE_TEMPLATE = (
    "<!doctype html><title>Rows</title><ul>{% for row in rows %}<li><a href='/inbox/c/{{ row.uuid }}/'>"
    "#{{ row.reference_number }} {{ row.subject }}</a> {{ row.contact.first_name }} {{ row.contact.last_name }}"
    " {{ row.last_message_at|date:'j M H:i' }}</li>{% endfor %}</ul>"
)


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, help="how many (default 100000, --quick 10000)")
    parser.add_argument("--quick", action="store_true", help="10,000 conversations, fewer requests")
    parser.add_argument("--requests", type=int, help="timed requests of each page (default 60, --quick 30)")
    parser.add_argument(
        "--selection", type=int, default=500, help="conversations of the bulk assign (0: skip it)"
    )
    parser.add_argument("--rounds", type=int, default=5, help="timed bulk rounds (default 5)")
    parser.add_argument(
        "--database-url", help="default: $DATABASE_URL, else sqlite:///var/inbox_bench.sqlite3"
    )
    parser.add_argument("--fresh", action="store_true", help="delete the bench organization and refill")
    args = parser.parse_args()
    args.conversations = args.conversations or (10_000 if args.quick else 100_000)
    args.requests = args.requests or (30 if args.quick else 60)
    # what conversations_bench.fill reads
    args.messages, args.batch, args.seed, args.cleanup, args.explain = 2, 2000, 7, False, False
    if not args.database_url:
        import os

        args.database_url = os.environ.get("DATABASE_URL") or (
            f"sqlite:///{conversations_bench.ROOT / 'var' / 'inbox_bench.sqlite3'}"
        )
    return args


def interleaved(first, second, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds of ``first()`` and ``second()``, in turn, ``rounds`` times after a warm-up."""
    for _ in range(3):
        first(), second()
    times_a, times_b = [], []
    for index in range(rounds):
        pairs = ((first, times_a), (second, times_b))
        for function, times in pairs if index % 2 == 0 else reversed(pairs):
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
    return times_a, times_b


def p(values: list[float], fraction: float) -> float:
    return conversations_bench.percentile(values, fraction) * 1000


def signed_in_client(admin):
    from django.test import Client

    client = Client()
    client.force_login(admin.user)
    session = client.session
    session["organization_id"] = admin.organization_id
    session.save()
    return client


def mount_bare_view(organization) -> str:
    """A plain view of 20 conversations with their contact, on the same URL stack and middleware."""
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, path

    import helpdesk.urls
    from conversations.models import Conversation

    template = engines["django"].from_string(BARE_TEMPLATE)

    def bare_rows(request):
        rows = Conversation.objects.filter(organization=organization).select_related("contact")
        return HttpResponse(template.render({"rows": rows.order_by("-last_message_at")[:20]}, request))

    helpdesk.urls.urlpatterns.insert(0, path("bench/bare-rows/", bare_rows))
    clear_url_caches()
    return "/bench/bare-rows/"


def queries_of(client, method: str, url: str, data=None, **headers) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {}, **headers)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(captured)


def bench_pages(client, bare_url: str, requests: int) -> list[tuple[str, list[float], list[float], int]]:
    def get(url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    results = []
    for name, url in (
        ("inbox, All tab", "/inbox/?tab=all"),
        ("inbox, Unassigned tab", "/inbox/?tab=unassigned"),
        ("inbox, search 'refund'", "/inbox/?tab=all&q=refund"),
    ):
        print(f"  measuring {name}…", flush=True)
        page_times, bare_times = interleaved(get(url), get(bare_url), requests)
        results.append((name, page_times, bare_times, queries_of(client, "get", url)))
    return results


def bench_bulk(client, organization, agents, selection: int, rounds: int):
    from django.db import transaction

    from conversations.models import Conversation

    ids = list(
        Conversation.objects.filter(organization=organization, merged_into__isnull=True)
        .order_by("-id")
        .values_list("pk", flat=True)[:selection]
    )
    bulk_times, undo_times, reference_times = [], [], []
    bulk_queries = undo_queries = 0
    for round_number in range(rounds + 1):  # round 0 warms up
        target = agents[round_number % 2]
        data = {"ids": [str(pk) for pk in ids], "op": f"agent:{target.pk}", "list": "tab=all"}
        started = time.perf_counter()
        response = client.post("/inbox/bulk/", data, **HTMX)
        bulk = time.perf_counter() - started
        assert response.status_code == 200, response.content[:300]
        assert set(Conversation.objects.filter(pk__in=ids).values_list("assigned_agent_id", flat=True)) == {
            target.pk
        }
        started = time.perf_counter()
        response = client.post("/inbox/bulk/undo/", {"list": "tab=all"}, **HTMX)
        undo = time.perf_counter() - started
        assert response.status_code == 200, response.content[:300]
        started = time.perf_counter()
        with transaction.atomic():
            Conversation.objects.filter(organization=organization, pk__in=ids).update(assigned_agent=target)
        reference = time.perf_counter() - started
        Conversation.objects.filter(pk__in=ids).update(assigned_agent=None)  # back, untimed
        if round_number:
            bulk_times.append(bulk)
            undo_times.append(undo)
            reference_times.append(reference)
    data = {"ids": [str(pk) for pk in ids], "op": f"agent:{agents[0].pk}", "list": "tab=all"}
    bulk_queries = queries_of(client, "post", "/inbox/bulk/", data, **HTMX)
    undo_queries = queries_of(client, "post", "/inbox/bulk/undo/", {"list": "tab=all"}, **HTMX)
    return len(ids), bulk_times, undo_times, reference_times, bulk_queries, undo_queries


def main() -> None:
    args = parse_args()
    conversations_bench.configure(args)
    from django.db import connection

    from helpdesk.models import Membership, Role

    organization, admin, fill_seconds = conversations_bench.prepare(args)
    agents = list(
        Membership.objects.filter(organization=organization, role=Role.AGENT, is_active=True).order_by("id")[
            :2
        ]
    )
    client = signed_in_client(admin)
    bare_url = mount_bare_view(organization)
    bare_queries = queries_of(client, "get", bare_url)
    pages = bench_pages(client, bare_url, args.requests)
    if args.selection:
        print(f"  measuring the bulk assign of {args.selection}…", flush=True)
        bulk_figures = bench_bulk(client, organization, agents, args.selection, args.rounds)

    print()
    print(
        f"Inbox benchmark: {args.conversations} conversations, {connection.vendor}"
        + (f", filled in {fill_seconds:.0f} s" if fill_seconds else "")
    )
    print(
        f"{'page (GET, signed-in admin)':<30}{'p50 ms':>9}{'p95 ms':>9}{'bare p50':>10}{'ratio':>8}   queries"
    )
    for name, page_times, bare_times, queries in pages:
        ratio = statistics.median(page_times) / statistics.median(bare_times)
        print(
            f"{name:<30}{p(page_times, 0.5):>9.1f}{p(page_times, 0.95):>9.1f}"
            f"{p(bare_times, 0.5):>10.1f}{ratio:>7.1f}x   {queries} (bare view: {bare_queries})"
        )
    if args.selection:
        print_bulk(args.rounds, *bulk_figures)


def print_bulk(rounds, count, bulk, undo, reference, bulk_queries, undo_queries) -> None:
    reference_ms = statistics.median(reference) * 1000
    print(f"bulk assign of {count} conversations (POST /inbox/bulk/), median of {rounds} rounds")
    print(
        f"  bulk assign                     {statistics.median(bulk) * 1000:8.1f} ms   ({bulk_queries} queries)"
    )
    print(
        f"  undo                            {statistics.median(undo) * 1000:8.1f} ms   ({undo_queries} queries)"
    )
    print(f"  reference: one bare .update()   {reference_ms:8.1f} ms   (1 query)")
    print(f"  ratio, bulk assign              {statistics.median(bulk) * 1000 / reference_ms:8.1f} x")
    print(f"  ratio, undo                     {statistics.median(undo) * 1000 / reference_ms:8.1f} x")


if __name__ == "__main__":
    main()
