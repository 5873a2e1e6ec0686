#!/usr/bin/env python
"""Conversations benchmark: fills N conversations (10 messages each by default) and measures the
list, search and detail endpoints through Django's test client with a real API key.

    .venv/bin/python bench/conversations_bench.py                    # 100,000 conversations, SQLite
    .venv/bin/python bench/conversations_bench.py --conversations 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parley_bench .venv/bin/python bench/conversations_bench.py

Without DATABASE_URL (or --database-url) it uses its own SQLite file, var/bench.sqlite3, never the
development database. The data is kept and reused by the next run with the same size (--fresh
refills it, --cleanup removes it at the end). Prints, per endpoint: median and p95 latency,
requests per second (sequential, one process) and queries per request (at page sizes 20 and 100).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = (
    "order invoice refund delivery package password account login billing payment card shipping "
    "tracking address return exchange warranty broken damaged missing late cancel subscription plan "
    "upgrade downgrade receipt discount coupon price charge error crash app website mobile email "
    "notification settings profile export import report integration api webhook token support help "
    "please thanks urgent question problem issue update status week today yesterday customer team"
).split()
RARE_WORD = "zeppelin"  # in about 1 message out of 1,000
SUBJECTS = [
    "Refund request", "Order not delivered", "Cannot log in", "Invoice question", "Billing error",
    "Change of address", "Damaged package", "Cancel my subscription", "App crashes on start",
    "Password reset", "Upgrade plan", "Wrong item received",
]  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=100_000, help="how many (default 100000)")
    parser.add_argument("--messages", type=int, default=10, help="messages per conversation (default 10)")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per endpoint (default 100)")
    parser.add_argument("--batch", type=int, default=2000, help="bulk_create batch size (default 2000)")
    parser.add_argument("--database-url", help="default: $DATABASE_URL, else sqlite:///var/bench.sqlite3")
    parser.add_argument("--fresh", action="store_true", help="delete the bench organization and refill")
    parser.add_argument("--cleanup", action="store_true", help="delete the bench organization at the end")
    parser.add_argument("--explain", action="store_true", help="print the query plans of the searches")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def configure(args) -> None:
    url = args.database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ["DEBUG"] = "false"
    os.environ["THROTTLE_CREDENTIAL"] = "100000000/min"  # the bench is one very busy client
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django

    django.setup()
    from helpdesk import runtime

    runtime.prepare()  # var/ for the bench's SQLite file


# --- data -------------------------------------------------------------------------------------------


def bench_organization_name(count: int) -> str:
    return f"Parley bench ({count} conversations)"


def delete_organization(organization) -> None:
    """Raw deletes of the big tables first (the ORM's cascade would load every row)."""
    from django.db import transaction

    from conversations.models import (
        Attachment,
        Contact,
        Conversation,
        ConversationParticipant,
        ConversationReadState,
        Message,
    )

    with transaction.atomic():
        Attachment.objects.filter(organization=organization)._raw_delete("default")
        Message.objects.filter(organization=organization)._raw_delete("default")
        Conversation.tags.through.objects.filter(conversation__organization=organization).delete()
        ConversationReadState.objects.filter(organization=organization)._raw_delete("default")
        ConversationParticipant.objects.filter(organization=organization)._raw_delete("default")
        Conversation.objects.filter(organization=organization).update(merged_into=None)
        Conversation.objects.filter(organization=organization)._raw_delete("default")
        Contact.objects.filter(organization=organization)._raw_delete("default")
        organization.delete()


def fill(args, rng: random.Random):
    """Create the organization and its data with bulk inserts; returns (organization, admin)."""
    from django.db import transaction

    from conversations.models import (
        Contact,
        Conversation,
        Message,
        ReferenceSequence,
        Status,
        StatusCategory,
        Tag,
    )
    from conversations.services import defaults
    from helpdesk.models import Availability, Membership, Organization, Plan, Role, Team, User

    started = time.perf_counter()
    suffix = uuid.uuid4().hex[:8]
    organization = Organization.objects.create(
        name=bench_organization_name(args.conversations), slug=f"bench-{suffix}", plan=Plan.SELF_HOSTED
    )
    defaults.ensure(organization)
    inbox = defaults.default_inbox(organization)
    statuses = {s.category: s for s in Status.objects.filter(organization=organization, is_builtin=True)}
    status_weights = [
        (statuses[StatusCategory.OPEN], 50),
        (statuses[StatusCategory.SNOOZED], 5),
        (statuses[StatusCategory.RESOLVED], 30),
        (statuses[StatusCategory.CLOSED], 15),
    ]
    teams = [Team.objects.create(organization=organization, name=f"Team {i}") for i in range(3)]
    agents = []
    for index in range(10):
        user = User.objects.create_user(email=f"agent{index}-{suffix}@bench.test", password=None)
        membership = Membership.objects.create(
            organization=organization,
            user=user,
            role=Role.ADMIN if index == 0 else Role.AGENT,
            availability_status=Availability.ONLINE,
        )
        membership.teams.add(teams[index % 3])
        agents.append(membership)
    tags = [
        Tag.objects.create(organization=organization, name=name)
        for name in ("vip", "billing", "bug", "refund")
    ]

    count, per_conversation = args.conversations, args.messages
    contact_count = max(1, count // 2)
    now = datetime.now(UTC)
    first_moment = now - timedelta(days=365)
    span = (now - first_moment).total_seconds()
    statuses_pool = [status for status, weight in status_weights for _ in range(weight)]
    TagLink = Conversation.tags.through

    for start in range(0, contact_count, args.batch):
        with transaction.atomic():
            Contact.objects.bulk_create(
                [
                    Contact(
                        organization=organization,
                        first_name=rng.choice(
                            ["Ada", "Alan", "Grace", "Linus", "Barbara", "Ken", "Margaret"]
                        ),
                        last_name=f"Customer{index}",
                        email=f"customer{index}@example.com",
                    )
                    for index in range(start, min(start + args.batch, contact_count))
                ],
                batch_size=args.batch,
            )
    contact_ids = list(Contact.objects.filter(organization=organization).values_list("pk", flat=True))
    print(f"  {contact_count} contacts in {time.perf_counter() - started:.1f} s", flush=True)

    for start in range(0, count, args.batch):
        size = min(args.batch, count - start)
        with transaction.atomic():
            rows = []
            for offset in range(size):
                number = start + offset + 1
                created = first_moment + timedelta(seconds=span * number / count)
                last = created + timedelta(minutes=per_conversation * 7)
                status = rng.choice(statuses_pool)
                team = rng.choice(teams + [None])
                rows.append(
                    Conversation(
                        organization=organization,
                        reference_number=number,
                        subject=f"{rng.choice(SUBJECTS)} #{number}",
                        contact_id=rng.choice(contact_ids),
                        inbox=inbox,
                        status=status,
                        priority=rng.choice([None, 1, 2, 3, 4]),
                        assigned_team=team,
                        assigned_agent=rng.choice(agents) if team and rng.random() < 0.8 else None,
                        first_reply_at=created + timedelta(minutes=7),
                        last_reply_at=last,
                        resolved_at=last if status.category == StatusCategory.RESOLVED else None,
                        closed_at=last if status.category == StatusCategory.CLOSED else None,
                        snoozed_until=now + timedelta(days=1)
                        if status.category == StatusCategory.SNOOZED
                        else None,
                        last_message_preview="",
                        last_message_at=last,
                        last_message_sender="agent",
                    )
                )
            Conversation.objects.bulk_create(rows, batch_size=args.batch)
            conversations = list(
                Conversation.objects.filter(
                    organization=organization, reference_number__gt=start, reference_number__lte=start + size
                ).values_list("pk", "contact_id", "reference_number")
            )
            messages, links, previews = [], [], {}
            for pk, contact_id, number in conversations:
                created = first_moment + timedelta(seconds=span * number / count)
                for position in range(per_conversation):
                    incoming = position % 2 == 0
                    words = rng.choices(WORDS, k=rng.randint(8, 30))
                    if rng.random() < 0.001:
                        words.append(RARE_WORD)
                    text = " ".join(words).capitalize() + "."
                    messages.append(
                        Message(
                            organization=organization,
                            conversation_id=pk,
                            type="incoming" if incoming else "outgoing",
                            status="received" if incoming else "sent",
                            content=f"<p>{text}</p>",
                            text_content=text,
                            content_type="html",
                            sender_type="contact" if incoming else "agent",
                            sender_contact_id=contact_id if incoming else None,
                            sender_agent=None if incoming else agents[number % len(agents)],
                            created_at=created + timedelta(minutes=7 * position),
                        )
                    )
                    previews[pk] = text[:200]
                for tag in rng.sample(tags, rng.randint(0, 2)):
                    links.append(TagLink(conversation_id=pk, tag_id=tag.pk))
            Message.objects.bulk_create(messages, batch_size=args.batch)
            TagLink.objects.bulk_create(links, batch_size=args.batch)
            Conversation.objects.bulk_update(
                [Conversation(pk=pk, last_message_preview=text) for pk, text in previews.items()],
                ["last_message_preview"],
                batch_size=args.batch,
            )
        done = start + size
        if done % (args.batch * 10) == 0 or done == count:
            elapsed = time.perf_counter() - started
            print(
                f"  {done:>7} conversations, {done * per_conversation:>8} messages  ({elapsed:.0f} s)",
                flush=True,
            )
    ReferenceSequence.objects.update_or_create(organization=organization, defaults={"last_value": count})
    return organization, agents[0]


def prepare(args):
    from django.core.management import call_command
    from django.db import connection

    from conversations.models import Conversation
    from helpdesk.models import Membership, Organization, Role

    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
    call_command("migrate", verbosity=0)
    name = bench_organization_name(args.conversations)
    organization = Organization.objects.filter(name=name).order_by("-id").first()
    if organization is not None and args.fresh:
        print("Deleting the previous bench data (--fresh)…", flush=True)
        delete_organization(organization)
        organization = None
    if (
        organization is not None
        and Conversation.objects.filter(organization=organization).count() == args.conversations
    ):
        admin = Membership.objects.filter(organization=organization, role=Role.ADMIN).first()
        print(
            f"Reusing {args.conversations} conversations of a previous run (--fresh to refill).", flush=True
        )
        analyze()  # indexes that a newer migration added have no statistics yet
        return organization, admin, 0.0
    if organization is not None:
        delete_organization(organization)
    print(f"Filling {args.conversations} conversations × {args.messages} messages…", flush=True)
    started = time.perf_counter()
    organization, admin = fill(args, random.Random(args.seed))
    analyze()
    return organization, admin, time.perf_counter() - started


def analyze() -> None:
    """What autovacuum does by itself after a while: planner statistics (for every index: SQLite
    plans badly when only some have them), and on PostgreSQL the visibility map that lets counts
    use index-only scans."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- measuring --------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(captured)


def measure(client, name: str, urls, requests: int, query_urls: tuple[str, str] | None) -> dict:
    for url in urls[:3]:  # warm-up (caches, the key's last-use stamp)
        client.get(url)
    timings = []
    started = time.perf_counter()
    for index in range(requests):
        url = urls[index % len(urls)]
        begin = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - begin) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {url} answered {response.status_code}: {response.content[:300]!r}")
    total = time.perf_counter() - started
    queries = (
        f"{count_queries(client, query_urls[0])} / {count_queries(client, query_urls[1])}"
        if query_urls
        else "-"
    )
    return {
        "name": name,
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "rps": requests / total,
        "queries": queries,
    }


def run(args) -> None:
    from django.db import connection
    from django.test import Client

    from conversations.models import Conversation
    from helpdesk.services import api_keys

    organization, admin, fill_seconds = prepare(args)
    rng = random.Random(args.seed + 1)
    _, full_key = api_keys.api_key_create(
        membership=admin, name="bench", permissions=["read", "write", "admin"]
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {full_key}")

    total_conversations = Conversation.objects.filter(organization=organization).count()
    pages = max(1, min(50, total_conversations // 20))
    sample = list(
        Conversation.objects.filter(organization=organization)
        .order_by("?")
        .values_list("uuid", flat=True)[:200]
    )
    team_id = organization.teams.order_by("id").values_list("id", flat=True).first()
    scenarios = [
        (
            "list all (20/page)",
            [f"/api/v1/conversations/all?page={rng.randint(1, pages)}" for _ in range(50)],
            ("/api/v1/conversations/all?per_page=20", "/api/v1/conversations/all?per_page=100"),
        ),
        (
            "list open + priority",
            [
                f"/api/v1/conversations/all?status=Open&priority=High,Urgent&page={rng.randint(1, 5)}"
                for _ in range(20)
            ],
            (
                "/api/v1/conversations/all?status=Open&priority=High,Urgent&per_page=20",
                "/api/v1/conversations/all?status=Open&priority=High,Urgent&per_page=100",
            ),
        ),
        (
            "list team unassigned",
            [f"/api/v1/teams/{team_id}/conversations/unassigned?page={rng.randint(1, 3)}" for _ in range(10)],
            (
                f"/api/v1/teams/{team_id}/conversations/unassigned?per_page=20",
                f"/api/v1/teams/{team_id}/conversations/unassigned?per_page=100",
            ),
        ),
        (
            "tickets list",
            [f"/api/v1/tickets?page={rng.randint(1, pages)}" for _ in range(20)],
            ("/api/v1/tickets?per_page=20", "/api/v1/tickets?per_page=100"),
        ),
        (
            "conversation detail",
            [f"/api/v1/conversations/{value}" for value in sample],
            (f"/api/v1/conversations/{sample[0]}", f"/api/v1/conversations/{sample[1]}"),
        ),
        (
            "conversation messages",
            [f"/api/v1/conversations/{value}/messages" for value in sample],
            (
                f"/api/v1/conversations/{sample[0]}/messages",
                f"/api/v1/conversations/{sample[0]}/messages?per_page=100",
            ),
        ),
        (
            "search conversations",
            [
                f"/api/v1/conversations/search?query={word}"
                for word in ("refund", "invoice", "password", "package")
            ],
            (
                "/api/v1/conversations/search?query=refund",
                "/api/v1/conversations/search?query=refund&per_page=100",
            ),
        ),
        (
            "search messages (common)",
            [f"/api/v1/messages/search?query={word}" for word in ("refund", "invoice", "crash", "warranty")],
            ("/api/v1/messages/search?query=refund", "/api/v1/messages/search?query=refund&per_page=100"),
        ),
        (
            "search messages (rare)",
            [f"/api/v1/messages/search?query={RARE_WORD}"],
            (
                f"/api/v1/messages/search?query={RARE_WORD}",
                f"/api/v1/messages/search?query={RARE_WORD}&per_page=100",
            ),
        ),
        ("sla status", ["/api/v1/sla/status"], None),
    ]
    results = []
    for name, urls, query_urls in scenarios:
        requests = (
            args.requests
            if "search" not in name or connection.vendor == "postgresql"
            else max(10, args.requests // 5)
        )
        print(f"  measuring {name}…", flush=True)
        results.append(measure(client, name, urls, requests, query_urls))

    print()
    print(
        f"Conversations benchmark: {total_conversations} conversations, "
        f"{total_conversations * args.messages} messages, {connection.vendor}"
        + (f", filled in {fill_seconds:.0f} s" if fill_seconds else "")
    )
    print(
        f"{'endpoint':<28}{'median ms':>11}{'p95 ms':>10}{'req/s':>9}   queries/request (per_page 20 / 100)"
    )
    for row in results:
        print(
            f"{row['name']:<28}{row['median']:>11.1f}{row['p95']:>10.1f}{row['rps']:>9.1f}   {row['queries']}"
        )

    if args.explain:
        explain(organization)
    if args.cleanup:
        delete_organization(organization)
        print("Bench data deleted (--cleanup).")


def explain(organization) -> None:
    from conversations.selectors import search

    for label, queryset in (
        ("messages/search", search.message_search(organization=organization, query="refund")[:20]),
        ("conversations/search", search.conversation_search(organization=organization, query="refund")[:20]),
    ):
        print(f"\nPlan of {label}:")
        print(queryset.explain())


def main() -> None:
    args = parse_args()
    if args.conversations < 1 or args.messages < 1:
        raise SystemExit("--conversations and --messages must be at least 1")
    configure(args)
    run(args)


if __name__ == "__main__":
    main()
