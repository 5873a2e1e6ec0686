#!/usr/bin/env python
"""Email import benchmark: a Dovecot mailbox (Debian's dovecot-imapd, started here on loopback)
filled with N real-looking mails (plain and HTML bodies with quoted history, replies threading
on earlier ones, ISO-8859-1, PDF and PNG attachments, an inline image, auto-replies), then

* the reference: raw ``imaplib`` fetching the same messages (UID SEARCH + one UID FETCH
  BODY.PEEK[] per message, as the adapter does), nothing else;
* Parley's poll (``mailbox_poll``: fetch, parse, thread, store contacts/conversations/messages/
  attachments, mark seen), in batches of ``MAILBOX_POLL_BATCH``.

Prints messages per second of both, their ratio, and the poll's memory ceiling (the growth of
the process's maximum resident set size while it runs).

    .venv/bin/python bench/email_import.py                        # 1,000 mails, SQLite in a temp folder
    .venv/bin/python bench/email_import.py --messages 500
    .venv/bin/python bench/email_import.py --database-url postgres://postgres@127.0.0.1:5432/parley_bench
"""

from __future__ import annotations

import argparse
import imaplib
import io
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NAMES = [
    "Ada Lovelace",
    "Grace Hopper",
    "Linus Pauling",
    "Renée Müller",
    "Kofi Mensah",
    "Mei Chen",
    "Olu Ade",
]
SUBJECTS = ["Refund request", "Order not delivered", "Cannot log in", "Invoice question", "Damaged package"]
SENTENCES = [
    "I ordered a blue jacket last week and it has not arrived yet.",
    "The tracking page says the parcel left the warehouse on Monday.",
    "Could you send me a copy of the invoice for my company?",
    "When I try to sign in the page reloads and nothing happens.",
    "The box was crushed and the glass inside is broken.",
    "Please cancel the second order, I placed it by mistake.",
]


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=1000, help="mails in the mailbox (default 1000)")
    parser.add_argument("--port", type=int, default=23144, help="Dovecot's port (default 23144)")
    parser.add_argument("--database-url", help="default: a SQLite file in the temporary workspace")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--profile", action="store_true", help="print the poll's cProfile (top 40)")
    return parser.parse_args()


def setup(args, workdir: Path) -> None:
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["PARLEY_VAR_DIR"] = str(workdir / "var")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    os.environ["MAILBOX_SENDER_LIMIT_PER_HOUR"] = "0"  # the bench's few senders write a lot
    import django

    django.setup()
    from django.core.management import call_command

    from helpdesk import runtime

    runtime.prepare()
    call_command("migrate", verbosity=0)


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + b"0" * 30_000


def make_mails(count: int, rng: random.Random) -> list[bytes]:
    image, mails, sent_ids = png(), [], []
    for index in range(count):
        name = rng.choice(NAMES)
        address = f"{name.split()[0].lower().replace('é', 'e')}.{index % 97}@customer.test"
        message = EmailMessage()
        message["From"] = f"{name} <{address}>"
        message["To"] = "support@acme.test"
        message["Date"] = format_datetime(__import__("datetime").datetime.now().astimezone())
        message["Message-ID"] = make_msgid(domain="customer.test")
        body = " ".join(rng.sample(SENTENCES, 3))
        subject = rng.choice(SUBJECTS)
        if sent_ids and index % 4 == 1:  # a reply in an earlier thread
            parent = rng.choice(sent_ids)
            message["In-Reply-To"] = message["References"] = parent
            subject = f"Re: {subject}"
            body += "\n\nOn Monday, Support wrote:\n> We are looking into it.\n> Regards"
        if index % 50 == 7:
            message["Auto-Submitted"] = "auto-replied"
            subject = "Out of office"
        message["Subject"] = subject
        charset = "iso-8859-1" if index % 10 == 3 else "utf-8"
        message.set_content(body, charset=charset)
        if index % 3 == 0:
            html = "".join(f"<p>{line}</p>" for line in body.split("\n") if line and not line.startswith(">"))
            message.add_alternative(
                f"<html><body>{html}<blockquote>Earlier mail</blockquote></body></html>", subtype="html"
            )
            if index % 6 == 0:
                message.get_payload()[-1].add_related(image, "image", "png", cid="<logo@customer.test>")
        if index % 5 == 0:
            message.add_attachment(PDF, maintype="application", subtype="pdf", filename="invoice.pdf")
        if index % 9 == 0:
            message.add_attachment(image, maintype="image", subtype="png", filename="photo.png")
        raw = bytes(message)
        mails.append(raw)
        sent_ids.append(message["Message-ID"])
    return mails


def reference(server, username: str, expected: int) -> float:
    """Raw imaplib: the same messages fetched one by one, nothing stored."""
    started = time.perf_counter()
    client = imaplib.IMAP4("127.0.0.1", server.port)
    client.login(username, "secret")
    client.select('"INBOX"', readonly=True)
    uids = client.uid("SEARCH", None, "UID 1:*")[1][0].split()
    fetched = 0
    for uid in uids:
        typ, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
        fetched += 1 if typ == "OK" and data and isinstance(data[0], tuple) else 0
    client.logout()
    assert fetched == expected, (fetched, expected)
    return time.perf_counter() - started


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="parley-bench-email-"))
    try:
        setup(args, workdir)
        run(args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args) -> None:
    import uuid

    from django.conf import settings

    from conversations.models import Channel, EmailRecord, Inbox, Message, MessageType
    from conversations.services import defaults, mailboxes
    from helpdesk.models import Organization, Plan
    from tests.conversations.mail_servers import start_dovecot, stop_dovecot

    rng = random.Random(args.seed)
    server = start_dovecot(args.port)
    try:
        username = server.new_user()
        mails = make_mails(args.messages, rng)
        started = time.perf_counter()
        server.deliver(username, *mails)
        size_mb = sum(len(raw) for raw in mails) / 1e6
        print(
            f"mailbox: {len(mails)} mails, {size_mb:.1f} MB, delivered by APPEND in {time.perf_counter() - started:.1f} s"
        )

        raw_seconds = min(reference(server, username, len(mails)) for _ in range(2))

        organization = Organization.objects.create(
            name="Parley email bench", slug=f"bench-mail-{uuid.uuid4().hex[:8]}", plan=Plan.SELF_HOSTED
        )
        defaults.ensure(organization)
        inbox = Inbox.objects.create(
            organization=organization, name="Support", channel=Channel.EMAIL, email="support@acme.test"
        )
        mailbox = mailboxes.mailbox_save(
            inbox=inbox, host="127.0.0.1", port=server.port, security="none", username=username,
            password="secret", bot_mode="off", poll_interval_seconds=10,
        )  # fmt: skip
        from django.urls import reverse

        reverse("conversations:inbox")  # load the URL conf (and the apps it imports) before timing
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        polls = 0
        while True:
            polls += 1
            mailboxes.mailbox_poll(mailbox_id=mailbox.pk)
            mailbox.refresh_from_db()
            if mailbox.last_error:
                raise SystemExit(f"poll failed: {mailbox.last_error}")
            if EmailRecord.objects.filter(inbox=inbox).count() >= len(mails):
                break
        poll_seconds = time.perf_counter() - started
        if args.profile:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024

        imported = Message.objects.filter(conversation__inbox=inbox, type=MessageType.INCOMING).count()
        dropped = EmailRecord.objects.filter(inbox=inbox).exclude(outcome="imported").count()
        conversations = inbox.conversations.count()
        raw_rate, poll_rate = len(mails) / raw_seconds, len(mails) / poll_seconds
        print(
            f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, batch {settings.MAILBOX_POLL_BATCH}, {polls} poll(s)"
        )
        print(f"reference (raw imaplib fetch): {raw_rate:8.1f} messages/s ({raw_seconds:.2f} s)")
        print(f"Parley poll (import):          {poll_rate:8.1f} messages/s ({poll_seconds:.2f} s)")
        print(
            f"ratio poll/reference: {poll_rate / raw_rate:.3f} (the reference is {raw_rate / poll_rate:.1f}x faster)"
        )
        print(
            f"imported {imported} messages into {conversations} conversations; {dropped} dropped (auto-replies)"
        )
        print(f"memory: the process's max RSS grew {rss_growth:.1f} MB during the poll")
    finally:
        stop_dovecot(server)


if __name__ == "__main__":
    main()
