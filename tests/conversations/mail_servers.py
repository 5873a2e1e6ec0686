"""Real mail servers for the email channel's tests and benchmark: Dovecot (Debian's
``dovecot-imapd``) on loopback with a throwaway configuration (any user, password ``secret``,
Maildir in a temporary folder), and an aiosmtpd SMTP receiver in the test process that records
what we send. Ports: ``PARLEY_TEST_IMAP_PORT`` / ``PARLEY_TEST_SMTP_PORT`` (23143 / 23025)."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
PASSWORD = "secret"

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("dovecot exited at start")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"dovecot did not listen on {port}")


@dataclass
class Dovecot:
    port: int
    root: Path
    process: subprocess.Popen

    def new_user(self) -> str:
        return f"support-{uuid.uuid4().hex[:10]}@example.com"

    def client(self, username: str) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(username, PASSWORD)
        return client

    def deliver(self, username: str, *raws: bytes, folder: str = "INBOX") -> None:
        """Put mails into the user's folder (IMAP APPEND, as a delivery agent would)."""
        client = self.client(username)
        try:
            for raw in raws:
                typ, data = client.append(f'"{folder}"', None, None, raw)
                assert typ == "OK", data
        finally:
            client.logout()

    def flags(self, username: str, folder: str = "INBOX") -> dict[int, bytes]:
        client = self.client(username)
        try:
            client.select(f'"{folder}"', readonly=True)
            typ, data = client.uid("FETCH", "1:*", "(FLAGS)")
            found = {}
            for item in data or []:
                if isinstance(item, bytes) and b"UID" in item:
                    parts = item.decode().replace("(", " ").replace(")", " ").split()
                    found[int(parts[parts.index("UID") + 1])] = item
            return found
        finally:
            client.logout()


def start_dovecot(port: int) -> Dovecot:
    root = Path(tempfile.mkdtemp(prefix="parley-dovecot-"))
    account = pwd.getpwnam("mail") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    (root / "home").mkdir()
    os.chown(root / "home", account.pw_uid, account.pw_gid) if os.geteuid() == 0 else None
    os.chmod(root, 0o755)
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(root=root, port=port, uid=account.pw_uid, gid=account.pw_gid, password=PASSWORD)
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    _wait_for_port(port, process)
    return Dovecot(port=port, root=root, process=process)


def stop_dovecot(server: Dovecot) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot():
    if DOVECOT is None:
        pytest.skip("Dovecot is not installed (apt-get install -y dovecot-imapd): the IMAP tests need it")
    server = start_dovecot(int(os.environ.get("PARLEY_TEST_IMAP_PORT", "23143")))
    yield server
    stop_dovecot(server)


@dataclass
class SmtpReceiver:
    port: int
    messages: list = field(default_factory=list)

    def parsed(self):
        return [message_from_bytes(raw, policy=policy.default) for _, raw in self.messages]


class _Handler:
    def __init__(self, receiver: SmtpReceiver):
        self.receiver = receiver

    async def handle_DATA(self, server, session, envelope):
        self.receiver.messages.append((list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 OK"


@pytest.fixture(scope="session")
def smtp_server():
    from aiosmtpd.controller import Controller

    receiver = SmtpReceiver(port=int(os.environ.get("PARLEY_TEST_SMTP_PORT", "23025")))
    controller = Controller(_Handler(receiver), hostname="127.0.0.1", port=receiver.port)
    controller.start()
    yield receiver
    controller.stop()


@pytest.fixture
def smtp_receiver(smtp_server):
    smtp_server.messages.clear()
    return smtp_server
