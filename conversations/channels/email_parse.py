"""Reading a raw mail (RFC 5322 bytes) with the standard library's ``email`` package (policy
``default``): headers decoded (RFC 2047), the text and HTML bodies, attachments and ``cid:``
inline images, the threading headers, whether it is an automatic reply, and a delivery status
notification's original Message-ID and reason. Never raises on malformed MIME: what cannot be
read is left out, and the message is still imported."""

from __future__ import annotations

import email
import email.policy
import html
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr

MSGID_RE = re.compile(r"<([^<>\s]+)>")
AUTO_SUBJECT_RE = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response)|out of (the )?office|abwesenheit|r[ée]ponse automatique)",
    re.IGNORECASE,
)


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    content_id: str = ""
    inline: bool = False


@dataclass
class Bounce:
    original_message_id: str
    reason: str


@dataclass
class ParsedEmail:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    text: str = ""
    html: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    auto_submitted: bool = False
    bounce: Bounce | None = None
    defects: list[str] = field(default_factory=list)


def message_ids(value: str | None) -> list[str]:
    """The ids in a Message-ID / In-Reply-To / References header, without the angle brackets."""
    if not value:
        return []
    found = MSGID_RE.findall(str(value))
    if not found and str(value).strip():
        found = [str(value).strip().strip("<>")]
    return [item[:998] for item in found]


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the parser cannot decode: read it raw
        value = msg.get_all(name, failobj=[None])[0] if hasattr(msg, "get_all") else None
    return str(value or "").strip()


def _addresses(msg: Message, name: str) -> list[str]:
    values = []
    try:
        values = [str(v) for v in msg.get_all(name, [])]
    except Exception:
        return []
    return [address.lower() for _, address in getaddresses(values) if "@" in address]


def _payload_text(part: Message) -> str:
    try:
        return part.get_content()
    except (LookupError, ValueError, AssertionError, KeyError):  # unknown charset, bad encoding
        raw = part.get_payload(decode=True) or b""
        return raw.decode("utf-8", "replace")


def _is_auto(msg: Message, subject: str) -> bool:
    auto_submitted = _header(msg, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if (
        _header(msg, "X-Autoreply")
        or _header(msg, "X-Autorespond")
        or _header(msg, "X-Auto-Response-Suppress")
    ):
        return True
    if _header(msg, "Precedence").lower() in ("bulk", "auto_reply", "junk", "list"):
        return True
    return bool(AUTO_SUBJECT_RE.match(subject))


def _bounce(msg: Message) -> Bounce | None:
    if msg.get_content_type() != "multipart/report":
        return None
    if msg.get_param("report-type", "").lower() != "delivery-status":
        return None
    reason, original = "", ""
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in part.get_payload() if part.is_multipart() else []:
                status = str(block.get("Status", "") or "")
                diagnostic = str(block.get("Diagnostic-Code", "") or "")
                action = str(block.get("Action", "") or "")
                recipient = str(block.get("Final-Recipient", "") or "").split(";")[-1].strip()
                if action.lower() == "failed" or status.startswith("5") or diagnostic:
                    detail = diagnostic.split(";", 1)[-1].strip() or status
                    reason = f"{recipient}: {detail}".strip(": ") if recipient else detail
        elif kind in ("message/rfc822", "text/rfc822-headers") and not original:
            if kind == "message/rfc822" and part.is_multipart():
                inner = part.get_payload()[0]
            else:
                inner = email.message_from_string(_payload_text(part), policy=email.policy.default)
            ids = message_ids(str(inner.get("Message-ID", "") or ""))
            original = ids[0] if ids else ""
    if not original:
        return None
    return Bounce(original_message_id=original, reason=reason or "The message could not be delivered.")


def parse(raw: bytes) -> ParsedEmail:
    msg: EmailMessage = email.message_from_bytes(raw, policy=email.policy.default)
    parsed = ParsedEmail()
    parsed.defects = [type(defect).__name__ for defect in msg.defects]
    ids = message_ids(_header(msg, "Message-ID"))
    parsed.message_id = ids[0] if ids else ""
    parsed.in_reply_to = message_ids(_header(msg, "In-Reply-To"))
    parsed.references = message_ids(_header(msg, "References"))
    parsed.subject = " ".join(_header(msg, "Subject").split())[:255]
    name, address = parseaddr(_header(msg, "From"))
    parsed.from_name, parsed.from_address = name.strip(), address.strip().lower()
    parsed.to = _addresses(msg, "To")
    parsed.cc = _addresses(msg, "Cc")
    parsed.auto_submitted = _is_auto(msg, parsed.subject)
    parsed.bounce = _bounce(msg)
    _walk(msg, parsed)
    return parsed


def _leaves(msg: Message):
    """The leaf parts, without descending into attached messages (a forwarded mail or a bounce's
    original is one part of ours, never a source of our body or attachments)."""
    if msg.get_content_type().startswith("message/") or msg.get_content_type() == "text/rfc822-headers":
        yield msg
        return
    if msg.is_multipart():
        payload = msg.get_payload()
        for part in payload if isinstance(payload, list) else []:
            yield from _leaves(part)
        return
    yield msg


def _walk(msg: Message, parsed: ParsedEmail) -> None:
    for part in _leaves(msg):
        kind = part.get_content_type()
        if kind.startswith("message/") or kind == "text/rfc822-headers":
            continue
        disposition = (part.get_content_disposition() or "").lower()
        try:
            filename = part.get_filename() or ""
        except Exception:  # a malformed RFC 2231 parameter
            filename = ""
        content_id = (str(part.get("Content-ID", "") or "")).strip().strip("<>")
        if kind in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            text = _payload_text(part)
            if kind == "text/plain" and not parsed.text:
                parsed.text = text
            elif kind == "text/html" and not parsed.html:
                parsed.html = text
            continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:  # a broken transfer encoding: the part is left out
            parsed.defects.append("UndecodablePart")
            data = b""
        if not data:
            continue
        inline = bool(content_id) and (disposition != "attachment") and kind.startswith("image/")
        if not filename:
            extension = kind.split("/")[-1].split("+")[0][:10] or "bin"
            filename = f"{'inline' if inline else 'attachment'}.{extension}"
        parsed.attachments.append(
            ParsedAttachment(
                filename=filename[:255], content_type=kind, data=data, content_id=content_id, inline=inline
            )
        )


QUOTE_SELECTORS = (
    "blockquote",
    "div.gmail_quote",
    "div.gmail_extra",
    "div.moz-cite-prefix",
    "div#divRplyFwdMsg",
    "div#appendonsend",
    "div.yahoo_quoted",
    "div.protonmail_quote",
)


def shown_html(parsed: ParsedEmail) -> tuple[str, bool]:
    """The body to show (HTML, before sanitizing) and whether quoted history was trimmed from it.
    Plain text goes through ``email_reply_parser`` (quoted lines, "On … wrote:", signatures);
    HTML loses the quote containers mail clients mark (Gmail, Outlook, Thunderbird, Apple)."""
    if parsed.html.strip():
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(parsed.html, "html.parser")
        trimmed = False
        for selector in QUOTE_SELECTORS:
            for node in soup.select(selector):
                node.decompose()
                trimmed = True
        body = soup.body.decode_contents() if soup.body else str(soup)
        if trimmed and not BeautifulSoup(body, "html.parser").get_text().strip():
            return parsed.html, False  # everything was quoted: show it all
        return body, trimmed
    from email_reply_parser import EmailReplyParser

    text = parsed.text.replace("\r\n", "\n")
    reply = EmailReplyParser.parse_reply(text).strip() if text.strip() else ""
    shown = reply or text.strip()
    escaped = "<br>".join(html.escape(line) for line in shown.split("\n"))
    return (f"<p>{escaped}</p>" if escaped else ""), bool(reply) and reply != text.strip()
