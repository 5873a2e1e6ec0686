"""Keep a few child processes running: the run command's web server, worker, beat and Chroma.

A child that exits is started again after a delay that doubles with each quick failure (1 s,
2 s, 4 s… up to ``max_backoff``) and falls back to the first delay once the child had stayed up
``stable_after`` seconds; every exit and restart is logged. Only ``stop()`` (the run command
calls it on Ctrl-C or SIGTERM) ends the children: one dying never takes the others down.

Each child runs in its own session (so Ctrl-C in the terminal reaches only the supervisor, which
then stops the children in order) and its whole process group is ended, so a crashed worker
leaves no pool processes behind to hold ports or queues."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

logger = logging.getLogger("helpdesk.supervisor")


@dataclass
class Child:
    name: str
    command: list[str]
    env: dict[str, str] | None = None
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    quick_failures: int = 0  # exits in a row that came before ``stable_after``
    restart_at: float | None = None  # set while waiting to be started again
    history: list[int] = field(default_factory=list)  # pids, oldest first

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    def __init__(
        self,
        *,
        initial_backoff: float = 1.0,
        max_backoff: float = 30.0,
        stable_after: float = 60.0,
        poll_interval: float = 0.5,
        stop_timeout: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.stable_after = stable_after
        self.poll_interval = poll_interval
        self.stop_timeout = stop_timeout
        self.clock = clock
        self.children: list[Child] = []
        self.stopping = threading.Event()

    def add(self, name: str, command: list[str], env: dict[str, str] | None = None) -> Child:
        """Start ``command`` now and keep it running."""
        child = Child(name=name, command=list(command), env=env)
        self.children.append(child)
        self._start(child)
        return child

    def child(self, name: str) -> Child:
        return next(child for child in self.children if child.name == name)

    def backoff(self, quick_failures: int) -> float:
        """The delay before the next start after ``quick_failures`` quick exits in a row (≥ 1)."""
        return min(self.initial_backoff * 2 ** max(quick_failures - 1, 0), self.max_backoff)

    def _start(self, child: Child) -> None:
        child.process = subprocess.Popen(child.command, env=child.env, start_new_session=True)
        child.started_at = self.clock()
        child.restart_at = None
        child.history.append(child.process.pid)
        if child.restarts:
            logger.warning("restarted %s (pid %s, restart %d)", child.name, child.process.pid, child.restarts)
        else:
            logger.info("started %s (pid %s): %s", child.name, child.process.pid, " ".join(child.command))

    def poll(self) -> None:
        """Notice exits and start again the children whose delay has passed."""
        if self.stopping.is_set():
            return
        now = self.clock()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    try:
                        self._start(child)
                    except OSError as exc:  # the program vanished, too many processes…
                        child.quick_failures += 1
                        delay = self.backoff(child.quick_failures)
                        child.restart_at = now + delay
                        logger.error("could not start %s: %s; trying again in %gs", child.name, exc, delay)
                continue
            if child.running:
                continue
            code = child.process.returncode
            uptime = now - child.started_at
            _end_group(child.process)  # what the child left behind (pool processes, reloaders)
            child.quick_failures = 1 if uptime >= self.stable_after else child.quick_failures + 1
            delay = self.backoff(child.quick_failures)
            child.restart_at = now + delay
            logger.warning(
                "%s (pid %s) exited with code %s after %.1fs; starting it again in %gs",
                child.name,
                child.process.pid,
                code,
                uptime,
                delay,
            )

    def run(self) -> None:
        """Supervise until ``stop()`` is called (from a signal handler or another thread)."""
        while not self.stopping.is_set():
            self.poll()
            self.stopping.wait(self.poll_interval)

    def stop(self) -> None:
        """End every child (the last started first): SIGTERM to the child, which shuts its own
        processes down (Celery's warm shutdown), then SIGKILL to its group after ``stop_timeout``."""
        self.stopping.set()
        for child in reversed(self.children):
            if child.running:
                logger.info("stopping %s (pid %s)", child.name, child.process.pid)
                child.process.terminate()
        deadline = time.monotonic() + self.stop_timeout
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in time: killing it", child.name)
                _signal_group(child.process, signal.SIGKILL)
                child.process.wait()
            _end_group(child.process)

    @contextmanager
    def stopping_on_signals(self) -> Iterator[None]:
        """Within the block, Ctrl-C (SIGINT) and SIGTERM only ask for a stop (``stopping``)."""

        def request_stop(signum, _frame):
            logger.info("%s received: stopping everything", signal.Signals(signum).name)
            self.stopping.set()

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def run_until_signalled(self) -> None:
        """``run()`` until Ctrl-C (SIGINT) or SIGTERM, then ``stop()`` everything."""
        with self.stopping_on_signals():
            try:
                self.run()
            finally:
                self.stop()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _end_group(process: subprocess.Popen) -> None:
    """Kill what is left of the exited child's process group (it led its own session)."""
    _signal_group(process, signal.SIGKILL)
