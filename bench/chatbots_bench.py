#!/usr/bin/env python
"""Chatbot benchmark: the latency the answering pipeline adds on top of Ollama.

    .venv/bin/python bench/chatbots_bench.py                              # 10k and 100k indexed chunks
    .venv/bin/python bench/chatbots_bench.py --chunks 500 --unique 200 --queries 20   # a quick run

Ollama is the fake server of the test suite (``tests/fakes/fake_ollama``: real HTTP on loopback,
Ollama's wire protocol, deterministic answers built from the prompt, no delay), so what is
measured is everything Parley does around the model: storing the question, embedding it
(all-MiniLM-L6-v2), hybrid retrieval restricted to the bot's sources, prompt building, the HTTP
round trip to the (instant) model, grounding and confidence, storing the answer. For each index
size it prints median and p95 of:

* non-streaming answers (``chat_answer``), total and without the model round trip;
* time to first token of streamed answers (``chat_answer(stream=True)`` until the first token
  event), and the full streamed answer;
* a follow-up question (one more model round trip to rewrite the query with the history);
* the same through the HTTP API (``POST /api/v1/chat/message``, Bearer key), non-streaming and
  time to the first streamed byte.

The index is synthetic, built like ``knowledge_bench.py`` does: SciFact abstracts and generated
passages are embedded once (``--unique`` of them), further chunks reuse those vectors with a small
random perturbation. The bot reads every chunk of the index (its knowledge categories cover all
synthetic documents), so its metadata filter excludes nothing. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from knowledge_setup import (  # noqa: E402
    DEFAULT_CORPUS,
    Workspace,
    latency_summary,
    machine_description,
    new_organization,
    setup_django,
    warm_up_embeddings,
)

TOPICS = ("invoices", "passwords", "webhooks", "exports", "printers", "routers", "mobile app", "backups")
ACTIONS = ("set up", "reset", "renew", "cancel", "troubleshoot", "migrate", "secure", "schedule")


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"default {DEFAULT_CORPUS}")
    parser.add_argument(
        "--chunks", default="10000,100000", help="comma-separated index sizes (default 10000,100000)"
    )
    parser.add_argument(
        "--queries", type=int, default=100, help="timed questions per measurement (default 100)"
    )
    parser.add_argument("--unique", type=int, default=2000, help="texts really embedded for the index")
    parser.add_argument("--noise", type=float, default=0.02, help="std-dev of the perturbation per dimension")
    parser.add_argument("--chroma-url", help="use a Chroma server (HttpClient) instead of a PersistentClient")
    parser.add_argument("--database-url", help="default: SQLite in the workspace")
    parser.add_argument("--workdir", help="keep the workspace in this folder")
    parser.add_argument("--seed", type=int, default=11)
    return parser.parse_args()


def generated_passages(count: int) -> list[str]:
    passages = []
    for number in range(count):
        topic, action = TOPICS[number % len(TOPICS)], ACTIONS[(number // len(TOPICS)) % len(ACTIONS)]
        passages.append(
            f"To {action} {topic}, open Settings and choose {topic.title()}. Step {number % 9 + 1}: confirm the "
            f"change with your administrator password. The {topic} page lists every change for {number % 30 + 1} days."
        )
    return passages


def questions(count: int) -> list[str]:
    return [f"How do I {ACTIONS[i % len(ACTIONS)]} {TOPICS[(i * 3) % len(TOPICS)]}?" for i in range(count)]


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def bench_service(bot, asked: list[str]) -> dict[str, list[float]]:
    from chatbots.services.answering import chat_answer

    results: dict[str, list[float]] = {
        "answer (total)": [],
        "answer without the model round trip": [],
        "  of which retrieval": [],
        "stream: time to first token": [],
        "stream: whole answer": [],
        "follow-up answer (query rewrite)": [],
    }
    modes: dict[str, int] = {}
    for question in asked:
        seconds, answer = timed(lambda q=question: chat_answer(chatbot=bot, message=q, username="bench"))
        timings = answer.message.retrieval.get("timings_ms", {})
        results["answer (total)"].append(seconds)
        results["answer without the model round trip"].append(seconds - timings.get("llm", 0.0) / 1000)
        results["  of which retrieval"].append(timings.get("retrieval", 0.0) / 1000)
        mode = str(answer.message.mode)
        modes[mode] = modes.get(mode, 0) + 1

        started = time.perf_counter()
        stream = chat_answer(chatbot=bot, message=question, username="bench", stream=True)
        first = None
        for event, _ in stream:
            if event == "token" and first is None:
                first = time.perf_counter() - started
        results["stream: time to first token"].append(first)
        results["stream: whole answer"].append(time.perf_counter() - started)

        seconds, _ = timed(
            lambda a=answer: chat_answer(
                chatbot=bot, message="And how long does it take?", session=a.session, username="bench"
            )
        )
        results["follow-up answer (query rewrite)"].append(seconds)
    print(f"  answer modes: {modes}")
    return results


def bench_api(bot, admin, asked: list[str]) -> dict[str, list[float]]:
    from django.test import Client

    from helpdesk.services import api_keys

    _, key = api_keys.api_key_create(membership=admin, name="bench", permissions=["read", "write", "admin"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    results: dict[str, list[float]] = {"API answer (total)": [], "API stream: first byte": []}
    for question in asked:
        payload = {"message": question, "chatbot_id": bot.pk}
        seconds, response = timed(
            lambda p=payload: client.post("/api/v1/chat/message", p, content_type="application/json")
        )
        assert response.status_code == 200, response.content
        results["API answer (total)"].append(seconds)
        started = time.perf_counter()
        response = client.post(
            "/api/v1/chat/message", {**payload, "stream": True}, content_type="application/json"
        )
        content = iter(response.streaming_content)
        next(content)
        results["API stream: first byte"].append(time.perf_counter() - started)
        for _ in content:
            pass
    return results


def main() -> None:
    args = parse_args()
    sizes = sorted(int(value) for value in args.chunks.split(",") if value.strip())
    workspace = Workspace(args.workdir)
    repository = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(repository))
    from tests.fakes.fake_ollama import start_fake_ollama

    try:
        with start_fake_ollama() as fake:
            import os

            os.environ["OLLAMA_HOST"] = fake.url
            setup_django(workspace, chroma_url=args.chroma_url, database_url=args.database_url)
            from django.conf import settings
            from knowledge_bench import SYNTHETIC_CATEGORIES, SyntheticIndex, scifact_texts

            from chatbots.services.chatbots import chatbot_create
            from helpdesk.models import Membership, Role, User

            model_load = warm_up_embeddings()
            print(f"machine: {machine_description()}")
            print(
                f"vector store: {'Chroma server ' + args.chroma_url if args.chroma_url else 'Chroma PersistentClient'}"
                f"; database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
                f"; Ollama: fake server at {fake.url} (no delay); embedding model loaded in {model_load:.1f} s"
            )
            print(
                f"retrieval k={settings.CHATBOT_RETRIEVAL_K}, history {settings.CHATBOT_HISTORY_TURNS} turns,"
                f" query rewrite: {settings.CHATBOT_QUERY_REWRITE}"
            )
            organization = new_organization("Chatbot bench")
            user = User.objects.create_user(email=f"bench-{time.time_ns()}@example.com", password=None)
            admin = Membership.objects.create(organization=organization, user=user, role=Role.ADMIN)
            bot = chatbot_create(
                organization=organization,
                name="Bench bot",
                model="llama3.2",
                knowledge_categories=list(SYNTHETIC_CATEGORIES),
                confidence_threshold=0.0,  # always ask the model: measure the whole path
            )
            pool = scifact_texts(args.corpus, args.unique // 2)
            pool += generated_passages(args.unique - len(pool))
            print(f"embedding {len(pool)} distinct passages for the index…", file=sys.stderr, flush=True)
            index = SyntheticIndex(organization, pool, args.seed, args.noise)
            asked = questions(args.queries)
            for size in sizes:
                index.grow_to(size)
                index.fix_document_boundaries()
                from chatbots.services.answering import chat_answer

                chat_answer(chatbot=bot, message=asked[0], username="warm-up")  # builds the keyword index
                print(
                    f"\n-- {size:,} indexed chunks ({size - index.perturbed:,} real vectors,"
                    f" {index.perturbed:,} perturbed copies); {len(asked)} questions --"
                )
                results = bench_service(bot, asked)
                results.update(bench_api(bot, admin, asked[: max(len(asked) // 2, 1)]))
                for name, values in results.items():
                    print(f"  {name:<40} {latency_summary(values)}")
                requests = [r for r in fake.requests if r.path == "/api/chat"]
                print(f"  fake Ollama /api/chat requests so far: {len(requests)}")
                fake.requests.clear()
                fake.streams.clear()
    finally:
        workspace.cleanup()


if __name__ == "__main__":
    main()
