"""Run the whole product on one machine with the embedded defaults.

Starts, and supervises, the Chroma server (on var/chroma), the ASGI web server (uvicorn), a
Celery worker on the default/ingest/ai queues and celery beat. Migrates and creates the first
organization first. Ctrl-C stops everything; if one part dies, the others are stopped too."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Migrate, create the first admin, and run web + worker + beat + Chroma together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("PARLEY_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PARLEY_PORT", "8000")))
        parser.add_argument("--chroma-port", type=int, default=int(os.environ.get("CHROMA_PORT", "8001")))
        parser.add_argument("--no-beat", action="store_true")
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args, host, port, chroma_port, no_beat, concurrency, **options):
        self.children: list[tuple[str, subprocess.Popen]] = []
        call_command("migrate", interactive=False, verbosity=0)
        call_command("bootstrap")
        bin_dir = Path(sys.executable).parent
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if settings.CHROMA_MODE == "http" and not os.environ.get("CHROMA_URL"):
            settings.CHROMA_PATH.mkdir(parents=True, exist_ok=True)
            env["CHROMA_URL"] = f"http://127.0.0.1:{chroma_port}"
            self._spawn("chroma", [str(bin_dir / "chroma"), "run", "--path", str(settings.CHROMA_PATH),
                                   "--host", "127.0.0.1", "--port", str(chroma_port)], env)
            self._wait_for(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat", "Chroma")
        self._spawn("worker", [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "-Q", "default,ingest,ai",
                               "-c", str(concurrency), "--loglevel", "INFO"], env)
        if not no_beat:
            schedule = settings.VAR_DIR / "celerybeat-schedule"
            self._spawn("beat", [sys.executable, "-m", "celery", "-A", "helpdesk", "beat", "--loglevel", "INFO",
                                 "-s", str(schedule)], env)
        self._spawn("web", [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host", host,
                            "--port", str(port), "--lifespan", "off"], env)
        self._wait_for(f"http://{host}:{port}/health", "web", accept_errors=True)
        self.stdout.write(self.style.SUCCESS(f"\nParley is running: http://{host}:{port}/  (API docs: /api/docs/)\n"))
        signal.signal(signal.SIGTERM, lambda *_: self._stop(0))
        try:
            while True:
                for name, process in self.children:
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with code {process.returncode}; stopping the rest.")
                        self._stop(1)
                time.sleep(1)
        except KeyboardInterrupt:
            self._stop(0)

    def _spawn(self, name: str, command: list[str], env: dict) -> None:
        self.stdout.write(f"starting {name}: {' '.join(command)}")
        self.children.append((name, subprocess.Popen(command, env=env, start_new_session=True)))

    def _wait_for(self, url: str, name: str, timeout: float = 60, accept_errors: bool = False) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=2)
                return
            except urllib.error.HTTPError:
                if accept_errors:
                    return
            except OSError:
                pass
            for child_name, process in self.children:
                if process.poll() is not None:
                    self._stop(1, message=f"{child_name} failed to start (exit code {process.returncode}).")
            time.sleep(0.5)
        self._stop(1, message=f"{name} did not answer at {url} within {timeout:.0f}s.")

    def _stop(self, code: int, message: str = "") -> None:
        for _, process in reversed(self.children):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for _, process in self.children:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if message:
            raise CommandError(message)
        sys.exit(code)
