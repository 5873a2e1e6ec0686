#!/usr/bin/env python
"""Reports benchmark: the overview, agents and bot reports over N conversations × 10 messages
(spread over 90 days, 10 agents in 3 teams, half under an SLA policy, 30 % answered by the bot
with two rated answers each, CSAT on resolved ones), p50 of each report for the last 90 days,
against a reference measured in the same run: a plain ``COUNT(*)`` of the same period's
conversations (what reading the rows' index alone costs).

    .venv/bin/python bench/reports_bench.py --quick                  # 10,000 conversations, SQLite
    .venv/bin/python bench/reports_bench.py                          # 100,000 conversations
    .venv/bin/python bench/reports_bench.py --quick --database-url postgres://postgres@127.0.0.1:5432/parley_bench

Rows are written with bulk inserts (not through the services: the reports read them, nothing
else), so the reports' rollup (``ConversationFacts``) is then built by the rebuild the
``reports_facts_rebuild`` command runs, and its time printed. Works in a temporary workspace (its own SQLite file) unless --database-url is given; the
PostgreSQL tables are ANALYZEd after the fill. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from knowledge_setup import Workspace, new_organization, setup_django  # noqa: E402

MESSAGES_PER_CONVERSATION = 10
BATCH = 2000


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=100_000, help="default 100,000")
    parser.add_argument("--quick", action="store_true", help="10,000 conversations")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of each report (default 5)")
    parser.add_argument("--database-url", help="default: SQLite in the temporary workspace")
    parser.add_argument("--workdir", help="keep the workspace here")
    return parser.parse_args()


def _people(organization):
    from helpdesk.models import Membership, Role, Team, User

    teams = [Team.objects.create(organization=organization, name=f"Team {n}") for n in range(3)]
    agents = []
    for n in range(10):
        user = User.objects.create_user(email=f"agent{n}-{organization.slug}@bench.test", password=None)
        member = Membership.objects.create(organization=organization, user=user, role=Role.AGENT)
        member.teams.set([teams[n % 3]])
        agents.append(member)
    return teams, agents


def fill(count: int, now):  # noqa: PLR0915 - one pass that writes every table the reports read
    from chatbots.models import Chatbot, ChatMessage, ChatSession
    from conversations.models import (
        Contact,
        Conversation,
        CsatSurvey,
        Message,
        SenderType,
        SLAPolicy,
        Status,
        StatusCategory,
    )
    from conversations.services import defaults

    organization = new_organization("Reports bench")
    defaults.ensure(organization)
    inbox = defaults.default_inbox(organization)
    statuses = {
        category: Status.objects.get(organization=organization, is_builtin=True, category=category)
        for category in (StatusCategory.OPEN, StatusCategory.RESOLVED)
    }
    teams, agents = _people(organization)
    policy = SLAPolicy.objects.create(organization=organization, name="Standard", first_response_minutes=60)
    chatbot = Chatbot.objects.create(organization=organization, name="Bench bot", model="llama3.2")
    contacts = Contact.objects.bulk_create(
        [
            Contact(organization=organization, first_name="C", last_name=str(n), email=f"c{n}@ex.com")
            for n in range(500)
        ]
    )
    for model in (Conversation, ChatMessage):  # the rows carry their own creation times
        model._meta.get_field("created_at").auto_now_add = False
    rng = random.Random(12)
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        plans, conversations = [], []
        for n in range(start, start + size):
            created = now - timedelta(minutes=rng.randint(0, 90 * 24 * 60))
            replied = created + timedelta(minutes=rng.randint(1, 600)) if rng.random() < 0.9 else None
            resolved = created + timedelta(hours=rng.randint(1, 72)) if rng.random() < 0.7 else None
            if resolved and resolved > now:
                resolved = None
            bot = rng.random() < 0.3
            plans.append((created, replied, resolved, bot))
            conversations.append(
                Conversation(
                    organization=organization,
                    reference_number=n + 1,
                    subject=f"Bench {n}",
                    contact=contacts[n % len(contacts)],
                    inbox=inbox,
                    status=statuses[StatusCategory.RESOLVED if resolved else StatusCategory.OPEN],
                    assigned_agent=agents[n % len(agents)] if not bot or rng.random() < 0.5 else None,
                    assigned_team=teams[n % len(teams)],
                    created_at=created,
                    first_reply_at=replied,
                    resolved_at=resolved,
                    resolution_count=1 if resolved else 0,
                    sla_policy=policy if n % 2 else None,
                    first_response_deadline_at=created + timedelta(minutes=60) if n % 2 else None,
                    last_message_at=created,
                )
            )
        conversations = Conversation.objects.bulk_create(conversations, batch_size=1000)
        messages, sessions, csat = [], [], []
        for conversation, (created, _replied, resolved, bot) in zip(conversations, plans, strict=True):
            for index in range(MESSAGES_PER_CONVERSATION):
                if index % 2 == 0:
                    sender = SenderType.CONTACT
                elif bot and index in (1, 3):
                    sender = SenderType.BOT
                elif bot and index == 5 and conversation.pk % 3 == 0:
                    sender = SenderType.SYSTEM
                else:
                    sender = SenderType.AGENT if not bot or conversation.pk % 2 else SenderType.BOT
                messages.append(
                    Message(
                        organization=organization,
                        conversation=conversation,
                        type="incoming" if sender == SenderType.CONTACT else "outgoing",
                        sender_type=sender,
                        content="Message text",
                        text_content="Message text",
                        meta={"handoff": True, "reason": "requested"} if sender == SenderType.SYSTEM else {},
                        created_at=created + timedelta(minutes=index),
                    )
                )
            if bot:
                sessions.append(
                    ChatSession(organization=organization, chatbot=chatbot, conversation=conversation)
                )
            if resolved:
                answered = rng.random() < 0.5
                csat.append(
                    CsatSurvey(
                        organization=organization,
                        conversation=conversation,
                        contact_id=conversation.contact_id,
                        inbox=inbox,
                        resolution_seq=1,
                        channel="api",
                        asked_at=resolved,
                        rating=rng.randint(1, 5) if answered else None,
                        answered_at=resolved if answered else None,
                    )
                )
        Message.objects.bulk_create(messages, batch_size=2000)
        sessions = ChatSession.objects.bulk_create(sessions, batch_size=1000)
        answers = []
        for session in sessions:
            created = session.conversation.created_at
            for index in (1, 3):
                answers.append(
                    ChatMessage(
                        organization=organization,
                        session=session,
                        index=index,
                        role="assistant",
                        content="An answer",
                        question="A question",
                        confidence=rng.random(),
                        mode=rng.choice(["llm", "llm", "llm", "retrieval_only", "fallback"]),
                        latency_ms=rng.randint(300, 4000),
                        rating=rng.choice([-1, 0, 0, 1, 1]),
                        created_at=created + timedelta(minutes=index),
                    )
                )
        ChatMessage.objects.bulk_create(answers, batch_size=2000)
        CsatSurvey.objects.bulk_create(csat, batch_size=2000)
    return organization


def p50(function, rounds: int) -> float:
    function()  # warm up
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    args = parse_args()
    count = 10_000 if args.quick else args.conversations
    workspace = Workspace(args.workdir)
    try:
        setup_django(workspace, database_url=args.database_url)
        from django.db import connection
        from django.utils import timezone

        from conversations.models import Conversation
        from reports.facts import conversation_facts_rebuild
        from reports.filters import filters_parse
        from reports.selectors.bot import bot_report
        from reports.selectors.overview import overview_report
        from reports.selectors.people import agents_report

        now = timezone.now()
        started = time.perf_counter()
        organization = fill(count, now)
        fill_seconds = time.perf_counter() - started
        started = time.perf_counter()
        conversation_facts_rebuild(organization_ids=[organization.pk])
        rebuild_seconds = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        filters = filters_parse(organization=organization, params={"preset": "90d"}, now=now)
        period = filters.period

        def reference():
            return Conversation.objects.filter(
                organization=organization, created_at__gte=period.start, created_at__lt=period.end
            ).count()

        rows = reference()
        base = p50(reference, args.rounds)
        print(
            f"reports over {count:,} conversations × {MESSAGES_PER_CONVERSATION} messages, {connection.vendor}, "
            f"p50 of {args.rounds} rounds (fill {fill_seconds:.0f} s, facts rebuild {rebuild_seconds:.0f} s; "
            f"{rows:,} in the 90-day period)"
        )
        print(f"  reference: COUNT(*) of the period  {base * 1000:9.1f} ms")
        for name, build in (
            ("overview", lambda: overview_report(filters)),
            ("agents", lambda: agents_report(filters)),
            ("bot", lambda: bot_report(filters)),
        ):
            seconds = p50(build, args.rounds)
            print(f"  {name:<33}  {seconds * 1000:9.1f} ms   ×{seconds / base:,.0f} the reference")
    finally:
        workspace.cleanup()


if __name__ == "__main__":
    main()
