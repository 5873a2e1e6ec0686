#!/usr/bin/env python
"""Widget benchmark: message-to-screen latency between a visitor and an agent, with 200 widget
streams open, and memory per open widget stream.

    .venv/bin/python bench/widget_latency.py                       # embedded real-time backend
    .venv/bin/python bench/widget_latency.py --redis-url redis://127.0.0.1:6379/1 --workers 2

A workspace of its own (SQLite file, var folder) is migrated and given one organization, one
agent (a signed-in session and an API key) and one bound website domain (its ``web`` inbox). A
real uvicorn serves ``helpdesk.asgi`` on ``--port``, as ``realtime.py`` does. Then, over HTTP:

* ``--connections`` visitors each open a conversation (``POST widget/conversations``) and keep
  their widget stream open (``GET widget/stream``, raw asyncio sockets);
* one agent keeps the inbox stream open (``GET /realtime/stream``, the organization's topic, as
  the inbox page does).

Two legs, ``--messages`` each, one after another (each waits for its delivery):

* visitor → agent: a visitor's ``POST widget/messages`` (a different visitor each time), timed
  from before the request to the agent's stream reading its ``message.created``;
* agent → visitor: the agent's ``POST conversations/{uuid}/messages`` (API key), timed from
  before the request to that visitor's widget stream reading the reply.

Both include the HTTP request (the whole path: throttles, sanitizing, the thread rows, the domain
event after commit, the real-time relay and the fan-out); the request's own response time is
printed beside it (the event is often read before the sender has its response). The reference, measured in the same run with
the streams open, is a plain request round trip: ``GET widget/config`` (the same public API
stack, no write); each leg is printed with its ratio to it. Memory per connection is the web
processes' resident set size with the widget streams open minus before, divided by their number.
Figures are printed, never asserted."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from realtime import describe, percentile, read_events, rss_kb, run_in_workspace  # noqa: E402  (bench/realtime.py)

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MARK = re.compile(r"bench-(\w+)-(\d+)")
SITE = "https://shop.example.com"

SETUP = f"""
import django; django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.test import Client
from conversations.services.domains import domain_bind
from helpdesk.models import Role
from helpdesk.services.api_keys import api_key_create
from tests.factories import MembershipFactory, OrganizationFactory
organization = OrganizationFactory(name="Bench")
agent = MembershipFactory(organization=organization, role=Role.AGENT, user__email="agent@bench.test")
_, key = api_key_create(membership=agent, name="bench", permissions=["read", "write"])
domain = domain_bind(organization=organization, website_url="{SITE}")
client = Client()
client.force_login(agent.user)
print(organization.pk, domain.website_token, key, client.cookies["sessionid"].value)
"""

UUIDS = """
import json, sys
import django; django.setup()
from conversations.models import Conversation
ids = json.loads(sys.argv[1])
print(json.dumps({str(pk): str(uuid) for pk, uuid in Conversation.objects.filter(pk__in=ids).values_list("pk", "uuid")}))
"""


class SSE:
    """One event stream over a raw socket: the future ``arrivals[mark]`` gets the arrival time of
    the ``message.created`` whose content carries ``mark`` (``bench-<leg>-<n>``, this stream's leg)."""

    def __init__(self, port: int, path: str, headers: str, arrivals: dict, leg: str):
        self.port, self.path, self.headers, self.arrivals, self.leg = port, path, headers, arrivals, leg
        self.opened = asyncio.Event()

    async def run(self) -> None:
        async for event, data, received in read_events(self.port, self.path, self.headers, self.opened):
            match = MARK.search(data.get("content") or "") if event == "message.created" else None
            if match and match.group(1) == self.leg and match.group(0) in self.arrivals:
                future = self.arrivals[match.group(0)]
                if not future.done():
                    future.set_result(received)


def request(url: str, *, body: dict | None = None, headers: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    call = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(call, timeout=30) as response:
        raw = response.read()
    return json.loads(raw) if raw else {}


def round_trips(url: str, count: int) -> list[float]:
    values = []
    for _ in range(count):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
        values.append(time.perf_counter() - started)
    return values


async def leg(name: str, count: int, send, arrivals: dict, pause: float) -> tuple[list[float], list[float]]:
    """``send(n, mark)`` posts message n; the latency is until its stream reads it. Also returns
    how long each request itself took (until its response)."""
    loop = asyncio.get_running_loop()
    values, posts = [], []
    for n in range(count):
        mark = f"bench-{name}-{n}"
        arrivals[mark] = loop.create_future()
        sent = time.time()
        await asyncio.to_thread(send, n, mark)
        posts.append(time.time() - sent)
        try:
            received = await asyncio.wait_for(arrivals[mark], 10)
            values.append(received - sent)
        except TimeoutError:
            print(f"  ! {mark} never arrived")
        await asyncio.sleep(pause)
    return values, posts


def ratio(values: list[float], reference: list[float]) -> str:
    if not values or not reference:
        return "n/a"
    p50 = statistics.median(values) / statistics.median(reference)
    p95 = percentile(values, 0.95) / percentile(reference, 0.95)
    return f"×{p50:.1f} at p50, ×{p95:.1f} at p95"


async def measure(args, env, organization_id, token, key, cookie, server) -> None:
    base = f"http://127.0.0.1:{args.port}"
    widget = f"{base}/api/v1/widget"
    config = f"{widget}/config?website_token={token}"
    arrivals: dict[str, asyncio.Future] = {}

    agent = SSE(
        args.port,
        f"/realtime/stream?topics=org:{organization_id}",
        f"Cookie: sessionid={cookie}\r\n",
        arrivals,
        "in",
    )
    tasks = [asyncio.ensure_future(agent.run())]
    await asyncio.wait_for(agent.opened.wait(), 30)

    def open_conversation(n: int) -> dict:
        return request(
            f"{widget}/conversations?website_token={token}",
            body={"contact": {"name": f"Visitor {n}", "email": f"v{n}@example.com"}, "message": "Hello"},
            headers={"Origin": SITE},
        )

    visitors = [await asyncio.to_thread(open_conversation, n) for n in range(args.connections)]
    mapping = subprocess.run(
        [PYTHON, "-c", UUIDS, json.dumps([v["id"] for v in visitors])],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    uuids = json.loads(mapping.stdout.strip().splitlines()[-1])
    await asyncio.to_thread(round_trips, config, 20)  # warm up
    idle_reference = await asyncio.to_thread(round_trips, config, args.requests)
    before = rss_kb(server.pid)
    streams = [
        SSE(
            args.port,
            f"/api/v1/widget/stream?website_token={token}&conversation_id={v['id']}&visitor_token={v['visitor_token']}",
            f"Origin: {SITE}\r\n",
            arrivals,
            "out",
        )
        for v in visitors
    ]
    for batch in range(0, len(streams), args.batch):  # visitors arrive a few at a time
        for stream in streams[batch : batch + args.batch]:
            tasks.append(asyncio.ensure_future(stream.run()))
        for stream in streams[batch : batch + args.batch]:
            await asyncio.wait_for(stream.opened.wait(), 60)
    await asyncio.sleep(2.0)
    after = rss_kb(server.pid)
    reference = await asyncio.to_thread(round_trips, config, args.requests)

    def visitor_writes(n: int, mark: str) -> None:
        visitor = visitors[n % len(visitors)]
        request(
            f"{widget}/messages?website_token={token}",
            body={"conversation_id": visitor["id"], "content": f"Question {mark}"},
            headers={"Origin": SITE, "X-Visitor-Token": visitor["visitor_token"]},
        )

    def agent_replies(n: int, mark: str) -> None:
        visitor = visitors[n % len(visitors)]
        request(
            f"{base}/api/v1/conversations/{uuids[str(visitor['id'])]}/messages",
            body={"message": f"Answer {mark}"},
            headers={"Authorization": f"Bearer {key}"},
        )

    to_agent, visitor_posts = await leg("in", args.messages, visitor_writes, arrivals, args.pause)
    to_visitor, agent_posts = await leg("out", args.messages, agent_replies, arrivals, args.pause)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    backend = "redis" if args.redis_url else "embedded"
    print(
        f"\nWidget: {args.connections} widget streams + 1 agent stream open, backend {backend}, "
        f"{args.workers} web process(es)"
    )
    print(f"  visitor POST widget/messages → agent stream     {describe(to_agent)}")
    print(f"    the POST's own response, for comparison      {describe(visitor_posts)}")
    print(f"  agent POST conversations/…/messages → widget    {describe(to_visitor)}")
    print(f"    the POST's own response, for comparison      {describe(agent_posts)}")
    print(f"  reference GET widget/config, streams open       {describe(reference)}")
    print(f"  reference GET widget/config, idle               {describe(idle_reference)}")
    print(f"  ratio to the reference: visitor → agent {ratio(to_agent, reference)}; ", end="")
    print(f"agent → visitor {ratio(to_visitor, reference)}")
    print(
        f"  memory: {before / 1024:.1f} MiB → {after / 1024:.1f} MiB for {args.connections} widget streams: "
        f"{(after - before) / args.connections:.1f} KiB per open connection"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=200, help="widget streams held open")
    parser.add_argument("--messages", type=int, default=100, help="messages per direction")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between messages")
    parser.add_argument("--requests", type=int, default=100, help="reference requests")
    parser.add_argument("--port", type=int, default=21610)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch", type=int, default=10, help="streams opened at once")
    parser.add_argument("--redis-url", default="", help="use the Redis backend (else embedded)")
    parser.add_argument("--workdir", help="keep the workspace here")
    args = parser.parse_args()

    unlimited = "1000000/min"  # the benchmark is not a flood
    run_in_workspace(
        args,
        "parley-bench-widget-",
        SETUP,
        measure,
        THROTTLE_CREDENTIAL=unlimited,
        THROTTLE_WIDGET=unlimited,
        THROTTLE_WIDGET_ADDRESS=unlimited,
    )


if __name__ == "__main__":
    main()
