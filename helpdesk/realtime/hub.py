"""The process's hub: the open streams' subscriptions, indexed by topic, and one daemon thread
that receives events from the backend and fans each out to the streams subscribed to its topics.

A stream costs one small queue and one entry per topic here; no stream polls anything itself.
The thread starts with the first subscription (a Celery worker that only publishes never starts
one)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from helpdesk.realtime.envelope import Envelope

logger = logging.getLogger(__name__)

GAP_SECONDS = 5.0  # how long an id below the highest one seen may still commit (PostgreSQL)
READY_TIMEOUT = 3.0  # seconds the first stream of a process waits for the receiver to listen
GAP_WATCH_MAX = 200  # ids skipped at once beyond this are not watched (a restore, a bulk prune)


class Subscription:
    __slots__ = ("deliver", "topics")

    def __init__(self, topics: Iterable[str], deliver: Callable[[Envelope], None]):
        self.topics = tuple(dict.fromkeys(topics))
        self.deliver = deliver


class DurableCursor:
    """Which durable ids this process has already fanned out: the highest one, and the ids below
    it that were skipped (a transaction that took its id earlier may commit later), watched for
    GAP_SECONDS. A durable event is fanned out once however many paths bring it."""

    def __init__(self) -> None:
        self.high = 0
        self.gaps: dict[int, float] = {}

    def start_at(self, event_id: int) -> None:
        self.high = max(self.high, event_id)
        self.gaps = {gap: deadline for gap, deadline in self.gaps.items() if gap > event_id}

    def floor(self) -> int:
        """Ask the table for ids above this one to fill every gap still watched."""
        now = time.monotonic()
        self.gaps = {gap: deadline for gap, deadline in self.gaps.items() if deadline > now}
        return min(self.gaps, default=self.high + 1) - 1

    def mark(self, event_id: int) -> bool:
        """Record ``event_id``; False when it was fanned out already."""
        if event_id > self.high:
            if self.high and event_id - self.high <= GAP_WATCH_MAX:
                deadline = time.monotonic() + GAP_SECONDS
                self.gaps.update(dict.fromkeys(range(self.high + 1, event_id), deadline))
            self.high = event_id
            return True
        return self.gaps.pop(event_id, None) is not None


class Hub:
    def __init__(self, backend) -> None:
        self.backend = backend
        self.cursor = DurableCursor()
        self._by_topic: dict[str, set[Subscription]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.ready = threading.Event()  # set by the backend once it listens

    # -- streams ---------------------------------------------------------------------------------
    def subscribe(self, topics: Iterable[str], deliver: Callable[[Envelope], None]) -> Subscription:
        subscription = Subscription(topics, deliver)
        with self._lock:
            for topic in subscription.topics:
                self._by_topic.setdefault(topic, set()).add(subscription)
            starting = self._thread is None or not self._thread.is_alive()
            if starting:
                self._stopping.clear()
                self.ready.clear()
                self._thread = threading.Thread(target=self._run, name="parley-realtime-hub", daemon=True)
                self._thread.start()
        if starting:  # once per process: an event published right after must not be missed
            self.ready.wait(READY_TIMEOUT)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            for topic in subscription.topics:
                subscribers = self._by_topic.get(topic)
                if subscribers is not None:
                    subscribers.discard(subscription)
                    if not subscribers:
                        del self._by_topic[topic]

    @property
    def subscription_count(self) -> int:
        with self._lock:
            return len({sub for subs in self._by_topic.values() for sub in subs})

    @property
    def has_subscriptions(self) -> bool:
        return bool(self._by_topic)

    # -- fan-out ---------------------------------------------------------------------------------
    def dispatch(self, envelope: Envelope) -> None:
        """Hand ``envelope`` to every stream subscribed to one of its topics (once each)."""
        with self._lock:
            if envelope.id is not None and not self.cursor.mark(envelope.id):
                return
            targets = set()
            for topic in envelope.topics:
                targets.update(self._by_topic.get(topic, ()))
        for subscription in targets:
            try:
                subscription.deliver(envelope)
            except Exception:  # a closed stream must not stop the others
                logger.exception("real-time delivery to a stream failed")

    def durable_floor(self) -> int:
        with self._lock:
            return self.cursor.floor()

    def start_cursor(self, event_id: int) -> None:
        with self._lock:
            self.cursor.start_at(event_id)

    # -- the receiving thread --------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.backend.receive(self, self._stopping)
            except Exception:
                logger.exception("the real-time receiver stopped; starting it again in 1 s")
                self._stopping.wait(1.0)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the receiving thread (tests and process shutdown)."""
        self._stopping.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None
