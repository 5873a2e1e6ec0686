"""How an event crosses processes. Two backends, one interface: ``send(envelope, hub)`` from the
publishing process, ``receive(hub, stopping)`` in each web process's hub thread.

Embedded (the default, nothing to install): the durable table is the truth and each web
process's hub reads ``id > last seen`` from it every REALTIME_POLL_INTERVAL, one query per
process, whatever the number of streams. Next to it, every hub binds a Unix datagram socket in
REALTIME_SOCKET_DIR (``var/realtime/<pid>.sock``) and the publisher sends each event to every
socket there. Why datagrams: live-only events (typing, a bot's answer streamed token by token
from the Celery worker) must not become database writes, one per token, on a SQLite file shared
with the web process; a local datagram costs microseconds, needs no server and no port, is
reliable on one host (the kernel blocks or refuses, it does not drop silently), and a socket left
by a dead process is found (ECONNREFUSED) and removed by the next publisher. Durable events take
the same path, so they arrive in milliseconds rather than at the next poll; the poll catches what
a datagram could not carry (a full receiver, a hub started after the publish, an event over
MAX_DATAGRAM, which is sent as a bare "look in the table" wake-up). The embedded backend serves
one host, like the SQLite file it lives beside.

Redis (REALTIME_URL, or REDIS_URL when REALTIME_URL is empty): each event is PUBLISHed on one
channel; each web process holds one subscriber connection and fans out locally, so any number
of web processes on any number of hosts see every event. After a lost Redis connection the hub
reads the durable events it missed from the table, so reconnecting costs no durable event."""

from __future__ import annotations

import atexit
import errno
import hashlib
import json
import logging
import os
import select
import socket
import tempfile
import threading
import time
from pathlib import Path

from django.db import DatabaseError, connections

from helpdesk.errors import BackendUnavailable
from helpdesk.realtime import store
from helpdesk.realtime.envelope import Envelope

logger = logging.getLogger(__name__)

MAX_DATAGRAM = 60_000  # under Linux's default socket buffer (~208 KB) with room to queue many
WAKE = b'{"wake":1}'
SOCKET_PATH_MAX = 100  # sockaddr_un holds 108 bytes on Linux, 104 on macOS


class RealtimeUnavailable(BackendUnavailable):
    """The real-time backend (Redis) could not be reached."""


def database_pollable() -> bool:
    """An in-memory SQLite database (the test suite) is private to one process: nothing to poll."""
    connection = connections["default"]
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def catch_up(hub) -> None:
    """Fan out the durable events this process has not seen yet (or watch from the newest)."""
    if hub.cursor.high == 0:
        hub.start_cursor(store.latest_event_id())
        return
    for envelope in store.events_after(after_id=hub.durable_floor()):
        hub.dispatch(envelope)


class EmbeddedBackend:
    name = "embedded"

    def __init__(self, *, socket_dir: Path, poll_interval: float):
        self.socket_dir = short_socket_dir(Path(socket_dir))
        self.poll_interval = poll_interval
        self.own_path: str | None = None
        self._sender: socket.socket | None = None
        self._sender_lock = threading.Lock()

    # -- publishing process ----------------------------------------------------------------------
    def send(self, envelope: Envelope, hub) -> None:
        hub.dispatch(envelope)  # this process's own streams
        payload = envelope.to_json().encode()
        if len(payload) > MAX_DATAGRAM:
            if envelope.id is None:
                logger.warning(
                    "live event %s is too large to cross processes (%d bytes)", envelope.event, len(payload)
                )
                return
            payload = WAKE
        for path in self._peers():
            self._send_to(path, payload)

    def _peers(self) -> list[str]:
        try:
            entries = os.scandir(self.socket_dir)
        except FileNotFoundError:
            return []
        with entries:
            return [
                entry.path
                for entry in entries
                if entry.name.endswith(".sock") and entry.path != self.own_path
            ]

    def _send_to(self, path: str, payload: bytes) -> None:
        with self._sender_lock:
            if self._sender is None:
                self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                self._sender.setblocking(False)
            try:
                self._sender.sendto(payload, path)
            except (ConnectionRefusedError, FileNotFoundError):  # its process is gone
                _remove_socket(path)
            except OSError as error:  # a full receiver: its next poll of the table catches up
                if error.errno not in (errno.EAGAIN, errno.ENOBUFS):
                    logger.warning("real-time datagram to %s failed: %s", path, error)

    # -- each web process's hub thread -----------------------------------------------------------
    def receive(self, hub, stopping: threading.Event) -> None:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        path = str(self.socket_dir / f"{os.getpid()}.sock")
        _remove_socket(path)  # left by a dead process with the same pid
        self._remove_dead_peers()
        receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        receiver.bind(path)
        receiver.setblocking(False)
        self.own_path = path
        atexit.register(_remove_socket, path)  # the hub thread is a daemon: its finally may not run
        poll = database_pollable()
        waiter = select.poll()
        waiter.register(receiver, select.POLLIN)
        try:
            if poll:
                self._poll(hub, first=True)
            hub.ready.set()
            next_poll = time.monotonic() + self.poll_interval
            while not stopping.is_set():
                timeout = max(next_poll - time.monotonic(), 0.0)
                # poll(), not select(): select() fails past descriptor 1024, which a process
                # holding many connections (or a long test session) reaches.
                readable = waiter.poll(timeout * 1000)
                woken = bool(readable) and self._drain(receiver, hub)
                if time.monotonic() >= next_poll or woken:
                    if poll and hub.has_subscriptions:
                        self._poll(hub)
                    next_poll = time.monotonic() + self.poll_interval
        finally:
            self.own_path = None
            receiver.close()
            _remove_socket(path)
            atexit.unregister(_remove_socket)
            connections.close_all()

    def _remove_dead_peers(self) -> None:
        """Sockets of processes that died without cleaning up (a SIGKILL; uvicorn re-raises
        SIGTERM after its shutdown, which skips atexit); publishers remove them too."""
        for path in self._peers():
            try:
                os.kill(int(Path(path).stem), 0)
            except ProcessLookupError:
                _remove_socket(path)
            except (ValueError, PermissionError):
                continue

    def _drain(self, receiver: socket.socket, hub) -> bool:
        """Fan out every waiting datagram; True when one asked for a look in the table."""
        woken = False
        while True:
            try:
                payload = receiver.recv(MAX_DATAGRAM + 1024)
            except BlockingIOError:
                return woken
            if payload == WAKE:
                woken = True
                continue
            try:
                hub.dispatch(Envelope.from_json(payload))
            except (ValueError, KeyError, TypeError):
                logger.warning("ignored a malformed real-time datagram")

    def _poll(self, hub, first: bool = False) -> None:
        try:
            if first:
                hub.start_cursor(store.latest_event_id())
            else:
                catch_up(hub)
        except DatabaseError as error:
            logger.warning("real-time poll of the event table failed: %s", error)
            connections["default"].close()


class RedisBackend:
    name = "redis"

    def __init__(self, *, url: str, channel: str):
        self.url = url
        self.channel = channel
        self._client = None
        self._lock = threading.Lock()

    def _publisher(self):
        with self._lock:
            if self._client is None:
                import redis

                self._client = redis.Redis.from_url(self.url, socket_connect_timeout=3, socket_timeout=5)
            return self._client

    def send(self, envelope: Envelope, hub) -> None:
        import redis

        try:
            self._publisher().publish(self.channel, envelope.to_json())
        except redis.RedisError as error:
            raise RealtimeUnavailable(f"Redis did not take the live event: {error}") from error

    def receive(self, hub, stopping: threading.Event) -> None:
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=3, health_check_interval=30)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.channel)
            pubsub.get_message(timeout=3.0)  # the subscription is confirmed
            catch_up(hub)  # what was published while this process was not subscribed
            hub.ready.set()
            while not stopping.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message is None or message.get("type") != "message":
                    continue
                try:
                    hub.dispatch(Envelope.from_json(message["data"]))
                except (ValueError, KeyError, TypeError):
                    logger.warning("ignored a malformed real-time message")
        except redis.RedisError as error:
            logger.warning("real-time subscriber lost Redis (%s); reconnecting", error)
            stopping.wait(1.0)
        finally:
            pubsub.close()
            client.close()
            connections.close_all()


def _remove_socket(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def short_socket_dir(path: Path) -> Path:
    """``path``, or a folder in the temporary directory named after it when a socket path inside
    it would be too long for the kernel."""
    if len(str(path)) + 24 <= SOCKET_PATH_MAX:
        return path
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"parley-realtime-{digest}"


def backend_from_settings(settings) -> EmbeddedBackend | RedisBackend:
    url = settings.REALTIME_URL or settings.REDIS_URL or "embedded://"
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBackend(url=url, channel=settings.REALTIME_REDIS_CHANNEL)
    if url.startswith("embedded:"):
        return EmbeddedBackend(
            socket_dir=settings.REALTIME_SOCKET_DIR, poll_interval=settings.REALTIME_POLL_INTERVAL
        )
    raise ValueError(f"REALTIME_URL must be redis://…, rediss://… or embedded:// (got {json.dumps(url)})")
