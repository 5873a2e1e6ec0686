"""Run the whole product on one machine with the embedded defaults.

Starts, and supervises (``helpdesk.supervisor``), the Chroma server (on var/chroma), the ASGI web
server (uvicorn), a Celery worker on the default/ingest/ai queues and celery beat. Migrates and
creates the first organization first. A part that dies is started again with backoff while the
others keep running; only Ctrl-C (or SIGTERM) stops everything."""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from helpdesk import runtime
from helpdesk.supervisor import Supervisor


def child_environment(environ) -> dict[str, str]:
    """The environment of the children: ``make run`` is how people deploy on one machine, so
    they serve the product's own error pages (no debug pages) unless ``DEBUG=true`` is set."""
    return {**environ, "PYTHONUNBUFFERED": "1", "DEBUG": environ.get("DEBUG", "false")}


class _Stopped(Exception):
    """Ctrl-C or SIGTERM arrived while the children were starting."""


class Command(BaseCommand):
    help = "Migrate, create the first admin, and run web + worker + beat + Chroma together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("PARLEY_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PARLEY_PORT", "8000")))
        parser.add_argument("--chroma-port", type=int, default=int(os.environ.get("CHROMA_PORT", "8001")))
        parser.add_argument("--no-beat", action="store_true")
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args, host, port, chroma_port, no_beat, concurrency, **options):
        runtime.prepare()  # var/ folders and var/secret_key, shared by every child below
        call_command("migrate", interactive=False, verbosity=0)
        call_command("bootstrap")
        self.supervisor = Supervisor()
        with self.supervisor.stopping_on_signals():  # from now on Ctrl-C and SIGTERM stop it all
            try:
                self._start_children(host, port, chroma_port, no_beat, concurrency)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"\nParley is running: http://{host}:{port}/  (API docs: /api/docs/)\n"
                    )
                )
                self.supervisor.run()
            except _Stopped:  # asked to stop while starting
                pass
            finally:
                self.supervisor.stop()

    def _start_children(self, host, port, chroma_port, no_beat, concurrency) -> None:
        python = sys.executable
        env = child_environment(os.environ)
        if settings.CHROMA_MODE == "http" and not os.environ.get("CHROMA_URL"):
            settings.CHROMA_PATH.mkdir(parents=True, exist_ok=True)
            env["CHROMA_URL"] = f"http://127.0.0.1:{chroma_port}"
            chroma = [str(Path(python).parent / "chroma"), "run", "--path", str(settings.CHROMA_PATH)]
            self.supervisor.add("chroma", [*chroma, "--host", "127.0.0.1", "--port", str(chroma_port)], env)
            self._wait_for(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat", "Chroma")
        celery = [python, "-m", "celery", "-A", "helpdesk"]
        queues = ["-Q", "default,ingest,ai", "-c", str(concurrency)]
        self.supervisor.add("worker", [*celery, "worker", *queues, "--loglevel", "INFO"], env)
        if not no_beat:
            schedule = str(settings.VAR_DIR / "celerybeat-schedule")
            self.supervisor.add("beat", [*celery, "beat", "--loglevel", "INFO", "-s", schedule], env)
        # Real-time streams never finish on their own: give them a few seconds, not forever.
        web = [python, "-m", "uvicorn", "helpdesk.asgi:application", "--lifespan", "off"]
        web += ["--timeout-graceful-shutdown", "5"]
        self.supervisor.add("web", [*web, "--host", host, "--port", str(port)], env)
        self._wait_for(f"http://{host}:{port}/health", "web", accept_errors=True)

    def _wait_for(self, url: str, name: str, timeout: float = 60, accept_errors: bool = False) -> None:
        """Wait until ``url`` answers (children that die meanwhile are started again)."""
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
            if self.supervisor.stopping.wait(0.5):
                raise _Stopped
            self.supervisor.poll()
        raise CommandError(f"{name} did not answer at {url} within {timeout:.0f}s.")
