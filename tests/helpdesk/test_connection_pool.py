"""Load test of the PostgreSQL connection pool (issue 14), integration suite only.

The web server runs as in the Procfile (gunicorn, two uvicorn workers, production-like settings
with the pool on) against the test database; 50 clients keep requests going for 60 s (an API list
with a Bearer key, and the sign-in page). Every request must succeed, and the server's connections
to the database, sampled every half second from ``pg_stat_activity``, must stay within the pools'
bound (workers × ``DATABASE_POOL_MAX_SIZE``). With ``CONN_MAX_AGE`` instead of the pool, each
request thread kept its own connection until PostgreSQL refused new clients."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import pytest
from django.db import connection

from tests.integration import ROOT, integration_only, wait_until

pytestmark = [integration_only, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PORT = int(os.environ.get("PARLEY_POOL_TEST_PORT", "25480"))
WORKERS, POOL_MAX, CLIENTS, SECONDS = 2, 6, 50, 60


APP_NAME = "parley-pool-load"  # the web server's connections, not the suite's worker or live servers


def _server_env(workdir: str) -> dict:
    db = connection.settings_dict
    url = f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = url.replace("@", f":{db['PASSWORD']}@", 1)
    env = {key: value for key, value in os.environ.items() if key != "PARLEY_INTEGRATION"}
    env.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        DATABASE_URL=url,
        DATABASE_POOL="true",
        PGAPPNAME=APP_NAME,  # libpq names the server's connections, so only they are counted
        DATABASE_POOL_MIN_SIZE="1",
        DATABASE_POOL_MAX_SIZE=str(POOL_MAX),
        DATABASE_POOL_TIMEOUT="30",
        DEBUG="false",
        SECRET_KEY="pool-load-test-only",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        THROTTLE_CREDENTIAL="100000000/min",
        PARLEY_VAR_DIR=workdir,
        CELERY_TASK_ALWAYS_EAGER="true",
    )
    return env


def _server_connections(database: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            [database, APP_NAME],
        )
        return cursor.fetchone()[0]


async def _load(url_key: tuple[str, str]) -> tuple[int, int, list[str]]:
    import httpx

    list_url, key = url_key
    deadline = time.monotonic() + SECONDS
    ok = failed = 0
    errors: list[str] = []
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def one_client(number: int):
            nonlocal ok, failed
            while time.monotonic() < deadline:
                url = list_url if number % 5 else f"http://127.0.0.1:{PORT}/login/"
                try:
                    response = await client.get(url, headers={"Authorization": f"Bearer {key}"})
                    if response.status_code == 200:
                        ok += 1
                        continue
                    failed += 1
                    errors.append(f"{response.status_code} {response.text[:200]}")
                except httpx.HTTPError as exc:
                    failed += 1
                    errors.append(repr(exc))

        await asyncio.gather(*(one_client(number) for number in range(CLIENTS)))
    return ok, failed, errors


def test_fifty_clients_for_a_minute_with_a_bounded_pool(org, admin):
    from helpdesk.services import api_keys
    from tests.conversations.factories import make_conversation

    for _ in range(30):
        make_conversation(org)
    _, key = api_keys.api_key_create(membership=admin, name="load", permissions=["read"])
    database = connection.settings_dict["NAME"]
    workdir = tempfile.mkdtemp(prefix="parley-pool-")
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "helpdesk.asgi:application", "-k", "uvicorn.workers.UvicornWorker",
         "--bind", f"127.0.0.1:{PORT}", "--workers", str(WORKERS), "--log-level", "warning",
         # idle keep-alive longer than the run: a server closing an idle socket just as the client
         # reuses it is a client-side race, not what this test is about
         "--keep-alive", "75", "--timeout", "120"],
        cwd=ROOT, env=_server_env(workdir), start_new_session=True,
    )  # fmt: skip
    samples: list[int] = []
    stop = threading.Event()
    try:

        def up():
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/login/", timeout=2).read()
                return True
            except OSError:
                assert server.poll() is None, "the server exited"
                return False

        wait_until(up, timeout=90, message="gunicorn")

        def sample():
            from django.db import connections

            while not stop.is_set():
                samples.append(_server_connections(database))
                stop.wait(0.5)
            connections.close_all()

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # a thread of its own: an earlier browser test may leave an event loop running in this one
        load = _load((f"http://127.0.0.1:{PORT}/api/v1/conversations/all?per_page=20", key))
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
            ok, failed, errors = executor.submit(asyncio.run, load).result()
        stop.set()
        sampler.join(timeout=10)
    finally:
        stop.set()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    assert failed == 0, errors[:5]
    assert ok > CLIENTS  # the load really ran
    # the pools' bound (the server's connections only: the suite's worker and live servers share
    # the database)
    assert samples and 0 < max(samples) <= WORKERS * POOL_MAX, samples
