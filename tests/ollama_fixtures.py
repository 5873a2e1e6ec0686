"""pytest fixtures around the fake Ollama server (``tests/fakes/fake_ollama.py``).

Loaded for the whole suite by ``tests/conftest.py`` (``pytest_plugins``):

* ``fake_ollama``: the running fake (one server per test session, ``reset()`` before and after each
  test), with ``settings.OLLAMA_HOST`` pointing at it, so every organization without its own
  endpoint talks to it. Models: ``llama3.2`` and ``nomic-embed-text``.
* ``unreachable_ollama_host``: a loopback URL on a closed port (connection refused at once).
* ``ollama_down``: ``settings.OLLAMA_HOST`` set to that unreachable URL.
* ``blackhole_ollama_host``: a loopback URL whose listener never accepts (its backlog is full), so
  connecting hangs until the client's connect timeout fires.

The fake is the server default, which every organization may use. To point one organization or
chatbot at it explicitly (``ollama_endpoint``), list it like an admin would: add its URL to
``organization.ollama_endpoints`` and ``"127.0.0.1"`` to ``organization.allowed_outbound_hosts``
(loopback is internal, so the outbound guard wants it allow-listed).
"""

from __future__ import annotations

import contextlib
import socket
import time

import pytest

from tests.fakes.fake_ollama import start_fake_ollama


@pytest.fixture(scope="session")
def fake_ollama_server():
    with start_fake_ollama() as server:
        yield server


@pytest.fixture
def fake_ollama(fake_ollama_server, settings):
    fake_ollama_server.reset()
    settings.OLLAMA_HOST = fake_ollama_server.url
    yield fake_ollama_server
    fake_ollama_server.reset()


@pytest.fixture
def unreachable_ollama_host() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def ollama_down(unreachable_ollama_host, settings) -> str:
    settings.OLLAMA_HOST = unreachable_ollama_host
    return unreachable_ollama_host


@pytest.fixture
def blackhole_ollama_host():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):  # fill the accept backlog; later connection attempts get no answer
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.05)  # let the handshakes of the fillers complete
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
