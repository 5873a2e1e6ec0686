"""run_local's supervisor: a child that dies is started again with backoff while the others keep
running; only Ctrl-C or SIGTERM stops everything. Children are tiny sleeping Python processes."""

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from helpdesk.supervisor import Supervisor

ROOT = Path(__file__).resolve().parents[2]
SLEEPER = [sys.executable, "-c", "import time; time.sleep(300)"]


def wait_until(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def supervisor():
    supervisor = Supervisor(initial_backoff=0.05, max_backoff=0.2, poll_interval=0.02, stop_timeout=5)
    yield supervisor
    supervisor.stop()


def test_a_killed_child_is_restarted_and_the_others_keep_running(supervisor, caplog):
    caplog.set_level(logging.INFO, logger="helpdesk.supervisor")
    for name in ("chroma", "worker", "web"):
        supervisor.add(name, SLEEPER)
    before = {child.name: child.process.pid for child in supervisor.children}
    loop = threading.Thread(target=supervisor.run, daemon=True)
    loop.start()

    os.kill(before["worker"], signal.SIGKILL)
    worker = supervisor.child("worker")
    wait_until(lambda: len(worker.history) == 2 and worker.running)

    assert worker.history[0] == before["worker"] and worker.process.pid != before["worker"]
    assert worker.restarts == 1
    for name in ("chroma", "web"):
        child = supervisor.child(name)
        assert child.history == [before[name]] and child.running, name
    messages = [record.getMessage() for record in caplog.records]
    assert any(f"worker (pid {before['worker']}) exited with code -9" in message for message in messages)
    assert any(message.startswith("restarted worker (pid ") for message in messages)

    supervisor.stop()
    loop.join(timeout=10)
    assert not loop.is_alive()
    assert not any(child.running for child in supervisor.children)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_restart_delay_doubles_up_to_the_cap_and_resets_after_a_stable_run():
    clock = FakeClock()
    supervisor = Supervisor(initial_backoff=1, max_backoff=30, stable_after=60, clock=clock)
    child = supervisor.add("worker", [sys.executable, "-c", "pass"])  # exits at once, every time

    def next_delay(uptime: float) -> float:
        child.process.wait(timeout=15)
        clock.now += uptime
        supervisor.poll()  # notices the exit
        delay = round(child.restart_at - clock.now, 6)
        clock.now = child.restart_at
        supervisor.poll()  # starts it again
        assert child.restart_at is None and child.process.pid == child.history[-1]
        return delay

    try:
        assert [next_delay(uptime=0.1) for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
        assert next_delay(uptime=60) == 1  # stayed up a while: back to the first delay
        assert next_delay(uptime=0.1) == 2
        assert child.restarts == 9
    finally:
        supervisor.stop()


SCRIPT = """
import logging, sys
from helpdesk.supervisor import Supervisor
logging.basicConfig(level=logging.INFO)
supervisor = Supervisor(initial_backoff=0.05, poll_interval=0.02, stop_timeout=5)
for name in ("web", "worker"):
    supervisor.add(name, [sys.executable, "-c", "import time; time.sleep(300)"])
print(" ".join(str(child.process.pid) for child in supervisor.children), flush=True)
supervisor.run_until_signalled()
print("stopped", flush=True)
"""


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_only_ctrl_c_or_sigterm_stops_everything(stop_signal):
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        web, worker = (int(pid) for pid in process.stdout.readline().split())
        os.kill(worker, signal.SIGKILL)  # a crash: supervision goes on
        wait_until(lambda: not alive(worker))
        time.sleep(0.3)  # several polls: the supervisor must still be running
        assert process.poll() is None and alive(web)

        process.send_signal(stop_signal)
        assert process.wait(timeout=15) == 0
        assert process.stdout.read().strip() == "stopped"
        assert not alive(web)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_child_that_cannot_be_started_again_is_retried_later(tmp_path, caplog):
    clock = FakeClock()
    program = tmp_path / "program"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    supervisor = Supervisor(initial_backoff=1, max_backoff=30, clock=clock)
    child = supervisor.add("chroma", [str(program)])
    try:
        child.process.wait(timeout=15)
        program.unlink()  # the program is gone when its restart is due
        supervisor.poll()
        clock.now = child.restart_at
        supervisor.poll()

        assert child.restart_at == clock.now + 2  # the next, longer delay; supervision goes on
        assert any(record.getMessage().startswith("could not start chroma: ") for record in caplog.records)
    finally:
        supervisor.stop()


def test_make_run_serves_without_debug_pages_unless_asked():
    from helpdesk.management.commands.run_local import child_environment

    assert child_environment({"PATH": "/bin"})["DEBUG"] == "false"
    assert child_environment({"DEBUG": "true"})["DEBUG"] == "true"
