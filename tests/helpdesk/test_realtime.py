"""The real-time channel: publish → SSE streams on the topic, durable ids and Last-Event-ID
replay, live-only events, the commit rule, pruning, and events crossing processes."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.db import transaction
from django.test import AsyncRequestFactory, RequestFactory
from django.utils import timezone

from helpdesk import realtime
from helpdesk.models import RealtimeEvent
from helpdesk.realtime import channel, store
from helpdesk.tasks import prune_realtime_events
from tests.integration import integration_only, wait_until
from tests.realtime_client import AsyncSSEReader, FrameBuffer

ROOT = Path(__file__).resolve().parents[2]
CONVERSATION = "conversation:2b1e9a4c-5f0d-4c8e-9a57-3d2f7c1b0e11"


@pytest.fixture
def publish_now(django_capture_on_commit_callbacks):
    """``publish`` as a committed write would: its on-commit callback runs."""

    def publish(**kwargs):
        kwargs.setdefault("organization_id", 1)
        with django_capture_on_commit_callbacks(execute=True):
            realtime.publish(**kwargs)

    return publish


def open_stream(topics, last_event_id=None) -> AsyncSSEReader:
    request = AsyncRequestFactory().get("/realtime/stream")
    response = realtime.sse_response(request, topics=topics, last_event_id=last_event_id)
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"].startswith("no-cache")
    return AsyncSSEReader(response)


def test_a_published_event_reaches_the_streams_on_its_topic_only(db, publish_now):
    async def scenario():
        acme, globex = open_stream(["org:1"]), open_stream(["org:2", CONVERSATION])
        await acme.started()
        await globex.started()
        await sync_to_async(publish_now)(topics=["org:1"], event="message.created", data={"n": 1})
        await sync_to_async(publish_now)(
            organization_id=2, topics=[CONVERSATION, "org:2"], event="conversation.updated", data={"n": 2}
        )
        first, second = await acme.next_event(), await globex.next_event()
        assert await acme.nothing_within(0.3)
        assert await globex.nothing_within(0.1)  # two of its topics, one delivery
        await acme.close()
        await globex.close()
        return first, second, acme.raw

    first, second, raw = async_to_sync(scenario)()
    assert (first["event"], first["data"]) == ("message.created", {"n": 1})
    assert (second["event"], second["data"]) == ("conversation.updated", {"n": 2})
    assert second["id"] > first["id"] > 0
    assert raw.startswith(f"retry: {settings.REALTIME_RETRY_MS}\n\n".encode())
    assert list(RealtimeEvent.objects.values_list("id", "event")) == [
        (first["id"], "message.created"),
        (second["id"], "conversation.updated"),
    ]


def test_live_only_events_carry_no_id_and_leave_no_row(db, publish_now):
    async def scenario():
        stream = open_stream([CONVERSATION])
        await stream.started()
        await sync_to_async(publish_now)(
            topics=[CONVERSATION], event="typing", data={"name": "Ada"}, durable=False
        )
        event = await stream.next_event()
        await stream.close()
        return event, stream.raw

    event, raw = async_to_sync(scenario)()
    assert event == {"id": None, "event": "typing", "data": {"name": "Ada"}}
    assert b"id:" not in raw
    assert not RealtimeEvent.objects.exists()


def test_reconnecting_with_last_event_id_replays_what_was_missed_exactly_once(db, publish_now):
    publish_now(topics=["org:1"], event="message.created", data={"n": 1})
    seen = RealtimeEvent.objects.get().id
    publish_now(topics=["org:1"], event="message.created", data={"n": 2})
    publish_now(topics=["org:2"], event="message.created", data={"other": "organization"})
    publish_now(topics=["org:1"], event="typing", data={"live": "only"}, durable=False)
    publish_now(topics=["org:1", CONVERSATION], event="conversation.updated", data={"n": 3})

    async def scenario():
        stream = open_stream(["org:1"], last_event_id=seen)
        replayed = [await stream.next_event(), await stream.next_event()]
        await sync_to_async(publish_now)(topics=["org:1"], event="message.created", data={"n": 4})
        live = await stream.next_event()
        assert await stream.nothing_within(0.3)
        await stream.close()
        return replayed, live

    replayed, live = async_to_sync(scenario)()
    assert [event["data"] for event in replayed] == [{"n": 2}, {"n": 3}]
    assert live["data"] == {"n": 4} and live["id"] > replayed[-1]["id"]


def test_events_published_during_the_replay_are_written_once(db, publish_now):
    publish_now(topics=["org:1"], event="message.created", data={"n": 0})
    since = RealtimeEvent.objects.get().id
    publish_now(topics=["org:1"], event="message.created", data={"n": 1})
    missed = RealtimeEvent.objects.latest("id")
    stream_topics = ["org:1"]

    # The hub fans the missed event out again while the stream replays it from the table.
    async def scenario():
        stream = open_stream(stream_topics, last_event_id=since)
        await stream.started()
        channel.hub().cursor.gaps[missed.id] = time.monotonic() + 5
        channel.hub().dispatch(store.envelope_of(missed))
        event = await stream.next_event()
        assert await stream.nothing_within(0.3)
        await stream.close()
        return event

    assert async_to_sync(scenario)()["data"] == {"n": 1}


def test_a_gap_that_was_pruned_asks_the_browser_to_reload(db, publish_now):
    for n in range(3):
        publish_now(topics=["org:1"], event="message.created", data={"n": n})
    first = RealtimeEvent.objects.earliest("id")
    RealtimeEvent.objects.filter(pk__lt=first.pk + 2).update(created_at=timezone.now() - timedelta(hours=2))
    assert prune_realtime_events() == 2

    async def scenario():
        stream = open_stream(["org:1"], last_event_id=first.pk)
        event = await stream.next_event()
        await stream.close()
        return event

    assert async_to_sync(scenario)() == {"id": None, "event": "resync", "data": {}}
    assert RealtimeEvent.objects.count() == 1


def test_pruning_keeps_the_newest_event_pages_resume_from(db, publish_now):
    publish_now(topics=["org:1"], event="message.created", data={})
    newest = RealtimeEvent.objects.get()
    RealtimeEvent.objects.update(created_at=timezone.now() - timedelta(days=1))
    assert prune_realtime_events() == 0
    assert store.latest_event_id() == newest.id


def test_publish_waits_for_the_commit_and_a_rollback_publishes_nothing(transactional_db):
    with transaction.atomic():
        realtime.publish(organization_id=1, topics=["org:1"], event="message.created", data={})
        assert not RealtimeEvent.objects.exists()
    assert RealtimeEvent.objects.count() == 1
    try:
        with transaction.atomic():
            realtime.publish(organization_id=1, topics=["org:1"], event="message.created", data={})
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert RealtimeEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("topics", "event", "data"),
    [
        ([], "message.created", {}),
        (["org:abc"], "message.created", {}),
        (["conversation:not-a-uuid"], "message.created", {}),
        (["org:1"], "Message Created", {}),
        (["org:1"], "message.created", {"bad": object()}),
    ],
)
def test_publish_refuses_malformed_topics_events_and_data(db, topics, event, data):
    with pytest.raises((ValueError, TypeError)):
        realtime.publish(organization_id=1, topics=topics, event=event, data=data)
    assert not RealtimeEvent.objects.exists()


def test_a_wsgi_server_gets_a_plain_generator_with_heartbeats(db, publish_now, settings):
    settings.REALTIME_HEARTBEAT_SECONDS = 0.2
    response = realtime.sse_response(RequestFactory().get("/"), topics=["org:1"], last_event_id=None)
    content = iter(response.streaming_content)  # a WSGI server iterates it in its own thread
    frames = FrameBuffer()
    frames.feed(next(content))
    assert frames.frames == [f"retry: {settings.REALTIME_RETRY_MS}"]
    frames.feed(next(content))
    assert frames.frames[-1] == ": heartbeat"
    publish_now(topics=["org:1"], event="message.created", data={"n": 1})
    frames.feed(next(content))
    event = frames.pop_event()
    response.close()  # what the WSGI server does when the browser goes
    assert (event["event"], event["data"]) == ("message.created", {"n": 1})
    assert channel.hub().subscription_count == 0


def run_publisher(code: str, **env) -> None:
    """Publish from another Python process with Django set up like this one."""
    script = "import django; django.setup(); from helpdesk import realtime; " + code
    subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test", **env},
        check=True,
        timeout=60,
    )


def hub_socket_ready() -> bool:
    path = channel.hub().backend.own_path
    return bool(path) and Path(path).exists()


def test_an_event_published_in_another_process_reaches_the_stream(db, settings):
    settings.REALTIME_URL = "embedded://"  # the integration suite's default is Redis

    async def scenario():
        stream = open_stream([CONVERSATION])
        await stream.started()
        await sync_to_async(wait_until)(hub_socket_ready, timeout=10, message="the hub's socket")
        code = (
            f"realtime.publish(organization_id=1, topics=[{CONVERSATION!r}], event='message.delta', "
            "data={'text': 'Hel'}, durable=False)"
        )
        await asyncio.to_thread(run_publisher, code, REALTIME_URL="embedded://")
        event = await stream.next_event(timeout=10)
        await stream.close()
        return event

    assert async_to_sync(scenario)() == {"id": None, "event": "message.delta", "data": {"text": "Hel"}}


# --- integration: PostgreSQL and Redis (PARLEY_INTEGRATION=1) --------------------------------------


def database_env() -> dict:
    from django.db import connection

    db = connection.settings_dict
    user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return {"PARLEY_INTEGRATION": "1", "DATABASE_URL": f"postgres://{user}@{host}:{port}/{db['NAME']}"}


def durable_from_other_process(*, env: dict) -> list[dict]:
    async def scenario():
        stream = open_stream(["org:7"])
        await stream.started()
        await sync_to_async(wait_until)(
            lambda: channel.hub()._thread is not None and channel.hub().cursor.high >= 0, timeout=10
        )
        await asyncio.sleep(0.5)  # the hub's subscriber is connected
        code = (
            "realtime.publish(organization_id=7, topics=['org:7'], event='message.created', data={'n': 1}); "
            "realtime.publish(organization_id=7, topics=['org:7'], event='typing', data={'n': 2}, durable=False)"
        )
        await asyncio.to_thread(run_publisher, code, **env)
        events = [await stream.next_event(timeout=10)]
        if env.get("REALTIME_SOCKET_DIR") is None:
            events.append(await stream.next_event(timeout=10))
        await stream.close()
        return events

    # A loop of its own in a thread of its own: a browser test earlier in the session may leave
    # the main thread marked as running an event loop (the data here is committed, so any
    # thread's connection sees it).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, scenario()).result()


@integration_only
@pytest.mark.integration
def test_redis_backend_carries_durable_and_live_events_between_processes(transactional_db, settings):
    settings.REALTIME_URL = settings.REDIS_URL
    assert channel.hub().backend.name == "redis"
    events = durable_from_other_process(env={**database_env(), "REALTIME_URL": settings.REDIS_URL})
    assert [(e["event"], e["data"]) for e in events] == [("message.created", {"n": 1}), ("typing", {"n": 2})]
    assert events[0]["id"] == RealtimeEvent.objects.get().id


@integration_only
@pytest.mark.integration
def test_embedded_backend_finds_other_processes_durable_events_in_the_table(
    transactional_db, settings, tmp_path
):
    settings.REALTIME_URL = "embedded://"
    assert channel.hub().backend.name == "embedded"
    # The publisher's datagrams go to a folder no hub listens on: only the table poll delivers.
    env = {**database_env(), "REALTIME_URL": "embedded://", "REALTIME_SOCKET_DIR": str(tmp_path)}
    events = durable_from_other_process(env=env)
    assert [(e["id"], e["event"]) for e in events] == [(RealtimeEvent.objects.get().id, "message.created")]


def test_the_durable_cursor_fans_each_id_out_once_and_watches_skipped_ids(monkeypatch):
    from helpdesk.realtime import hub as hub_module

    now = [100.0]
    monkeypatch.setattr(hub_module.time, "monotonic", lambda: now[0])
    cursor = hub_module.DurableCursor()
    cursor.start_at(10)
    assert [cursor.mark(11), cursor.mark(11)] == [True, False]
    assert cursor.mark(14) and cursor.floor() == 11  # 12 and 13 may still commit (PostgreSQL)
    assert [cursor.mark(13), cursor.mark(13), cursor.mark(9)] == [True, False, False]
    now[0] += hub_module.GAP_SECONDS + 1
    assert cursor.floor() == 14 and not cursor.mark(12)  # given up on: a rolled-back insert


def test_a_dead_processs_socket_is_removed_by_the_next_hub(db, settings, tmp_path):
    settings.REALTIME_URL = "embedded://"
    settings.REALTIME_SOCKET_DIR = tmp_path
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    (tmp_path / f"{dead.stdout.strip()}.sock").touch()
    hub = channel.hub()
    subscription = hub.subscribe(["org:1"], lambda envelope: None)
    hub.unsubscribe(subscription)
    assert [path.name for path in tmp_path.iterdir()] == [f"{os.getpid()}.sock"]
