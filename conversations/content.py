"""Message HTML: sanitized on the way in (nh3), with a plain-text version for previews, search
and notifications. Anything a contact or an agent sends goes through ``sanitize``."""

from __future__ import annotations

import html
import re

import nh3
from bs4 import BeautifulSoup

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "cid"}
BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "hr",
)  # fmt: skip
_TAG = re.compile(r"<[a-zA-Z!/][^>]*>")


def looks_like_html(value: str) -> bool:
    return bool(_TAG.search(value or ""))


def sanitize(value: str) -> tuple[str, str, str]:
    """Return (safe HTML, plain text, content_type). Plain text input is escaped and its line
    breaks kept, so the stored ``content`` is always safe HTML."""
    value = value or ""
    if looks_like_html(value):
        content = nh3.clean(
            value,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
        )
        return content, html_to_text(content), "html"
    text = value.replace("\r\n", "\n").strip()
    content = "<br>".join(html.escape(line) for line in text.split("\n"))
    return content, text, "text"


def html_to_text(content: str) -> str:
    soup = BeautifulSoup(content, "html.parser")
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().split("\n"))
    return "\n".join(line for line in lines if line)


def preview(text: str, length: int = 200) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"
