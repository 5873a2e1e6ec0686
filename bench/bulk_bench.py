#!/usr/bin/env python
"""Bulk action benchmark: assign N conversations (default 1000) to an agent with the inbox's bulk
service, against a reference measured in the same run: one raw ``queryset.update()`` of the
same rows (what the database alone costs for the change, with no activity entries, events or
participants). Prints both, their ratio and the queries the service ran.

    .venv/bin/python bench/bulk_bench.py                              # 1000 conversations, SQLite
    .venv/bin/python bench/bulk_bench.py --conversations 500 --rounds 5
    .venv/bin/python bench/bulk_bench.py --database-url postgres://postgres@127.0.0.1:5432/parley_bench

``conversations_bulk_assign_agent`` is what the bulk bar and "select all matching" call: one read
of the selection, one batched UPDATE, one INSERT of the activity entries (one per conversation,
shown in each thread), the participants, and the ``conversation.updated`` events (queued to run
after the commit: here on_commit callbacks run eagerly, webhooks have no subscriber). Each round
alternates the target agent so every row really changes; the reference updates the same rows to
the same agent. Works in a temporary workspace (its own SQLite file) unless --database-url is
given. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from knowledge_setup import Workspace, new_organization, setup_django  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=1000, help="selection size (default 1000)")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds of each (default 7)")
    parser.add_argument("--database-url", help="default: SQLite in the temporary workspace")
    parser.add_argument("--workdir", help="keep the workspace here")
    return parser.parse_args()


def fill(count: int):
    from conversations.models import Contact, Conversation, Status, StatusCategory
    from conversations.services import defaults
    from helpdesk.models import Membership, Role, User

    organization = new_organization("Bulk bench")
    defaults.ensure(organization)
    inbox = defaults.default_inbox(organization)
    status = Status.objects.get(organization=organization, is_builtin=True, category=StatusCategory.OPEN)
    agents = []
    for index in range(2):
        user = User.objects.create_user(email=f"agent{index}-{organization.slug}@bench.test", password=None)
        agents.append(Membership.objects.create(organization=organization, user=user, role=Role.AGENT))
    contacts = Contact.objects.bulk_create(
        [
            Contact(organization=organization, first_name="Ada", last_name=f"C{n}", email=f"c{n}@example.com")
            for n in range(count)
        ]
    )
    Conversation.objects.bulk_create(
        [
            Conversation(
                organization=organization,
                reference_number=n + 1,
                subject=f"Bench {n}",
                contact=contacts[n],
                inbox=inbox,
                status=status,
                last_message_preview="",
            )
            for n in range(count)
        ],
        batch_size=500,
    )
    ids = list(Conversation.objects.filter(organization=organization).values_list("pk", flat=True))
    return organization, agents, ids


def main() -> None:
    args = parse_args()
    workspace = Workspace(args.workdir)
    try:
        setup_django(workspace, database_url=args.database_url)
        from django.conf import settings
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        from conversations.models import Conversation
        from conversations.services.bulk import conversations_bulk_assign_agent

        organization, (first, second), ids = fill(args.conversations)
        service_times, own_times, reference_times, queries, fanout_queries = [], [], [], 0, 0
        settings.DEBUG = True  # count the queries (the deque holds up to 9000 per round)
        for round_number in range(args.rounds + 1):  # round 0 warms up
            target = first if round_number % 2 == 0 else second
            connection.queries_log.clear()  # the log keeps 9000 queries at most
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                with transaction.atomic():  # the service's own work, then its events after the commit
                    result = conversations_bulk_assign_agent(actor=first, conversation_ids=ids, agent=target)
                    own = time.perf_counter() - started
                    own_queries = len(captured)
            service = time.perf_counter() - started
            assert result.changed == len(ids), result
            started = time.perf_counter()
            with transaction.atomic():
                Conversation.objects.filter(organization=organization, pk__in=ids).update(
                    assigned_agent=second if target == first else first
                )
            reference = time.perf_counter() - started
            Conversation.objects.filter(pk__in=ids).update(assigned_agent=target)  # back, untimed
            if round_number:
                service_times.append(service)
                own_times.append(own)
                reference_times.append(reference)
                queries, fanout_queries = own_queries, len(captured) - own_queries
        service, reference = statistics.median(service_times), statistics.median(reference_times)
        own = statistics.median(own_times)
        vendor = connection.vendor
        print(f"bulk assign of {len(ids)} conversations, {vendor}, median of {args.rounds} rounds")
        print(f"  service, its own transaction      {own * 1000:8.1f} ms   ({queries} queries)")
        print(
            f"  + events after the commit         {(service - own) * 1000:8.1f} ms   ({fanout_queries} queries)"
        )
        print(
            f"  service in all                    {service * 1000:8.1f} ms   ({service / len(ids) * 1e6:.0f} µs each)"
        )
        print(f"  reference: one raw .update()      {reference * 1000:8.1f} ms   (1 query)")
        print(f"  ratio, own transaction            {own / reference:8.1f} x")
        print(f"  ratio, in all                     {service / reference:8.1f} x")
    finally:
        workspace.cleanup()


if __name__ == "__main__":
    main()
