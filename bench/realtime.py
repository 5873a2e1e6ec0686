#!/usr/bin/env python
"""Real-time benchmark: publish-to-receive latency and memory per open SSE connection.

    .venv/bin/python bench/realtime.py                                   # embedded backend
    .venv/bin/python bench/realtime.py --redis-url redis://127.0.0.1:6379/6 --workers 2

A workspace of its own (SQLite file, var folder) is migrated and given one organization, one agent
(a signed-in session) and one conversation. A real uvicorn serves ``helpdesk.asgi`` on
``--port`` (``--workers`` processes). ``--connections`` agent streams (``GET /realtime/stream``,
raw asyncio sockets, the org topic and the conversation topic) are opened and kept open; then
another Python process (Django set up like a Celery worker) publishes, and each stream records
when each event arrives. Three kinds of event, ``--events`` each, ``--rate`` per second:

* ``durable``: ``helpdesk.realtime.publish(...)`` (a row in the event table, then the backend);
* ``live``: ``publish(..., durable=False)`` (typing, streamed tokens: no row);
* ``message``: ``message_create(...)`` of the conversations app, the whole domain path (thread
  row, activity, domain event, the real-time relay), measured from before the call.

Latency is the time from just before the publisher's call to the stream reading the event
(same host, same clock), over every (event, stream) pair: p50, p95, max. For reference, in the
same run, with the streams open: a plain HTTP request (``GET /login/``, the sign-in page, one after another).
Memory per connection is the web processes' resident set size after opening the streams minus
before, divided by their number. Figures are printed, never asserted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SENT = re.compile(r"bench (\d+\.\d+)")

SETUP = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.test import Client
from conversations.services.conversations import conversation_create
from helpdesk.models import Role
from tests.factories import MembershipFactory, OrganizationFactory
organization = OrganizationFactory(name="Bench")
agent = MembershipFactory(organization=organization, role=Role.AGENT, user__email="agent@bench.test")
conversation = conversation_create(organization=organization, contact_email="visitor@example.com",
                                   first_name="Vi", subject="Bench", content="Hello")
client = Client()
client.force_login(agent.user)
print(organization.pk, conversation.uuid, agent.pk, client.cookies["sessionid"].value)
"""

PUBLISHER = """
import sys, time
import django; django.setup()
from helpdesk import realtime
from helpdesk.models import Membership
from conversations.models import Conversation
from conversations.services.messages import message_create
organization_id, conversation_uuid, agent_id, events, rate = sys.argv[1:6]
events, pause = int(events), 1.0 / float(rate)
conversation = Conversation.objects.get(uuid=conversation_uuid)
agent = Membership.objects.get(pk=agent_id)
topics = [f"org:{organization_id}", f"conversation:{conversation_uuid}"]
for kind in ("durable", "live", "message"):
    for n in range(events):
        sent = time.time()
        if kind == "message":
            message_create(conversation=conversation, content=f"bench {sent!r}", actor=agent)
        else:
            realtime.publish(organization_id=int(organization_id), topics=topics, event="bench",
                             data={"kind": kind, "sent": sent}, durable=kind == "durable")
        time.sleep(pause)
    time.sleep(1.0)
"""


def bench_env(workdir: Path, redis_url: str = "", **overrides: str) -> dict:
    """The environment of a benchmark's processes: the workspace's SQLite file and var folder,
    eager Celery, the embedded real-time backend or Redis at ``redis_url``."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "PARLEY_VAR_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "SECRET_KEY": "bench-only-not-secret",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "REALTIME_URL": redis_url or "embedded://",
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_URL": "dummymail://",
        "THROTTLE_ANON": "1000000/min",  # the reference requests are not a flood
        "PYTHONPATH": str(ROOT),
        **overrides,
    }


@contextlib.contextmanager
def uvicorn_app(port: int, workers: int, env: dict):
    """A real uvicorn serving ``helpdesk.asgi`` on loopback until the block ends."""
    server = subprocess.Popen(
        [PYTHON, "-m", "uvicorn", "helpdesk.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--lifespan", "off", "--log-level", "warning", "--workers", str(workers)],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("uvicorn did not start") from None
                time.sleep(0.3)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def run_in_workspace(args, prefix: str, setup: str, measure, **overrides: str) -> None:
    """Migrate a workspace of its own with the ``setup`` script (its last output line: four
    values), serve it with uvicorn and run ``measure(args, env, *values, server)``; the workspace
    is removed afterwards unless ``--workdir`` named it."""
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix=prefix))
    workdir.mkdir(parents=True, exist_ok=True)
    env = bench_env(workdir, args.redis_url, **overrides)
    try:
        done = subprocess.run(
            [PYTHON, "-c", setup], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        values = done.stdout.split()[-4:]
        with uvicorn_app(args.port, args.workers, env) as server:
            asyncio.run(measure(args, env, *values, server))
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def rss_kb(pid: int) -> int:
    """Resident set size of ``pid`` and all its descendants, in KiB."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(fraction * (len(ordered) - 1))), len(ordered) - 1)]


def describe(values: list[float]) -> str:
    if not values:
        return "no samples"
    ms = [value * 1000 for value in values]
    return (
        f"p50 {statistics.median(ms):7.2f} ms   p95 {percentile(ms, 0.95):7.2f} ms   "
        f"max {max(ms):7.2f} ms   (n={len(ms)})"
    )


class Stream:
    """One agent stream over a raw socket; records (kind, latency) per event read."""

    def __init__(self, port: int, path: str, cookie: str, samples: dict):
        self.port, self.path, self.cookie, self.samples = port, path, cookie, samples
        self.opened = asyncio.Event()
        self.pending_messages: dict[str, float] = {}

    async def run(self, sent_messages: dict) -> None:
        headers = f"Cookie: sessionid={self.cookie}\r\n"
        async for event, data, received in read_events(self.port, self.path, headers, self.opened):
            if event == "bench":
                self.samples[data["kind"]].append(received - data["sent"])
            elif event == "message.created" and (match := SENT.search(data.get("content", ""))):
                self.samples["message"].append(received - float(match.group(1)))


async def read_events(port: int, path: str, headers: str, opened: asyncio.Event):
    """Open an event stream over a raw socket (``headers``: extra request lines, each ending in
    CRLF) and yield ``(event, data, time read)`` per event; ``opened`` is set at the stream's
    ``retry:`` hint, which it sends first."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    writer.write(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n{headers}\r\n"
        ).encode()
    )
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        raise SystemExit(f"stream refused: {status!r} {path}")
    event = ""
    try:
        while True:
            line = (await reader.readline()).decode()
            if not line:
                return
            if line.startswith("retry:"):
                opened.set()
            elif line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                received = time.time()
                yield event, json.loads(line[5:]), received
    finally:
        writer.close()


def http_latency(url: str, requests: int) -> list[float]:
    values = []
    for _ in range(requests):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
        values.append(time.perf_counter() - started)
    return values


async def measure(args, env, organization_id, conversation_uuid, agent_id, cookie, server) -> None:
    port = args.port
    health = f"http://127.0.0.1:{port}/login/"
    path = f"/realtime/stream?topics=org:{organization_id},conversation:{conversation_uuid}"
    samples: dict[str, list[float]] = {"durable": [], "live": [], "message": []}

    warm = Stream(port, path, cookie, {"durable": [], "live": [], "message": []})  # starts the hubs
    warm_task = asyncio.ensure_future(warm.run({}))
    await asyncio.wait_for(warm.opened.wait(), 30)
    await asyncio.to_thread(http_latency, health, 20)
    idle_reference = await asyncio.to_thread(http_latency, health, args.requests)
    before = rss_kb(server.pid)

    streams = [Stream(port, path, cookie, samples) for _ in range(args.connections)]
    tasks = []
    for batch in range(0, len(streams), args.batch):  # agents arrive a few at a time
        for stream in streams[batch : batch + args.batch]:
            tasks.append(asyncio.ensure_future(stream.run({})))
        for stream in streams[batch : batch + args.batch]:
            await asyncio.wait_for(stream.opened.wait(), 60)
    await asyncio.sleep(2.0)
    after = rss_kb(server.pid)
    loaded_reference = await asyncio.to_thread(http_latency, health, args.requests)

    publisher = await asyncio.create_subprocess_exec(
        PYTHON, "-c", PUBLISHER, str(organization_id), str(conversation_uuid), str(agent_id),
        str(args.events), str(args.rate), cwd=ROOT, env=env,
    )  # fmt: skip
    await publisher.wait()
    await asyncio.sleep(1.0)
    for task in [*tasks, warm_task]:
        task.cancel()
    await asyncio.gather(*tasks, warm_task, return_exceptions=True)

    backend = "redis" if args.redis_url else "embedded"
    print(
        f"\nReal time: {args.connections} SSE streams open, backend {backend}, {args.workers} web process(es)"
    )
    print(f"  publish → stream, durable       {describe(samples['durable'])}")
    print(f"  publish → stream, live-only     {describe(samples['live'])}")
    print(f"  message_create → stream         {describe(samples['message'])}")
    expected = args.events * args.connections
    for kind, values in samples.items():
        if len(values) != expected:
            print(f"  ! {kind}: {len(values)} of {expected} deliveries arrived")
    print(f"  reference GET /login/, idle     {describe(idle_reference)}")
    print(f"  reference GET /login/, loaded   {describe(loaded_reference)}")
    print(
        f"  memory: {before / 1024:.1f} MiB → {after / 1024:.1f} MiB for {args.connections} streams: "
        f"{(after - before) / args.connections:.1f} KiB per open connection"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--events", type=int, default=50, help="events of each kind")
    parser.add_argument("--rate", type=float, default=20.0, help="events per second")
    parser.add_argument("--requests", type=int, default=100, help="reference HTTP requests")
    parser.add_argument("--port", type=int, default=18610)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch", type=int, default=10, help="streams opened at once")
    parser.add_argument("--redis-url", default="", help="use the Redis backend (else embedded)")
    parser.add_argument("--workdir", help="keep the workspace here")
    args = parser.parse_args()
    if args.workers > 1 and not args.redis_url:
        print("note: several web processes with the embedded backend share one host: fine, they all poll")

    run_in_workspace(args, "parley-bench-realtime-", SETUP, measure)


if __name__ == "__main__":
    main()
