"""A broker that is down, for the tests of the jobs layer: Celery pointed at a Redis URL on a
loopback port nothing listens on (connection refused at once), not eager, for one test."""

from __future__ import annotations

import socket

import pytest


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _forget_connections(app) -> None:
    # The app keeps its connection and producer pools; the next publish builds them again.
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """``with broker_down():`` publishing fails as with a stopped Redis; eager again after."""
    from contextlib import contextmanager

    from helpdesk.celery import app

    @contextmanager
    def down():
        # Publishing uses the write URL (the CELERY_BROKER_URL environment variable, when set,
        # wins over the broker_url setting, not over this one).
        previous = (app.conf.broker_write_url, app.conf.task_always_eager, app.conf.broker_transport_options)
        app.conf.broker_write_url = f"redis://127.0.0.1:{closed_port()}/0"
        app.conf.broker_transport_options = {}
        app.conf.task_always_eager = False
        _forget_connections(app)
        try:
            yield
        finally:
            app.conf.broker_write_url, app.conf.task_always_eager, app.conf.broker_transport_options = previous
            _forget_connections(app)

    return down
