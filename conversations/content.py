"""Message HTML: sanitized on the way in (nh3), with a plain-text version for previews, search
and notifications. Anything a contact or an agent sends goes through ``sanitize`` (the rich
composer's HTML too: the browser's HTML is never trusted). Bare web addresses become links, and
every link opens in a new tab with ``rel="noopener nofollow ugc"``."""

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
LINK_REL = "noopener nofollow ugc"
# A web address in text: http(s):// or www., up to a space or a character that ends it; closing
# punctuation at its end belongs to the sentence.
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_URL_TRAIL = ".,;:!?)]}'\""
_NO_LINKS_INSIDE = ("a", "pre", "code")


def looks_like_html(value: str) -> bool:
    return bool(_TAG.search(value or ""))


def _clean(value: str) -> str:
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        set_tag_attribute_values={"a": {"target": "_blank"}},
        strip_comments=True,
    )


def sanitize(value: str) -> tuple[str, str, str]:
    """Return (safe HTML, plain text, content_type). Plain text input is escaped and its line
    breaks kept, so the stored ``content`` is always safe HTML."""
    value = value or ""
    if looks_like_html(value):
        content = _clean(value)
        if _URL.search(content):
            content = _clean(_linkify_html(content))
        return content, html_to_text(content), "html"
    text = value.replace("\r\n", "\n").strip()
    content = "<br>".join(_linkify_text(line) for line in text.split("\n"))
    if _URL.search(text):
        content = _clean(content)
    return content, text, "text"


def _split_url(match: str) -> tuple[str, str]:
    url = match.rstrip(_URL_TRAIL)
    while match[len(url) : len(url) + 1] == ")" and url.count("(") > url.count(")"):
        url += ")"  # a balanced parenthesis is part of the address (Wikipedia's)
    return url, match[len(url) :]


def _linkify_text(line: str) -> str:
    """Escaped text with its web addresses as links (``_clean`` adds rel and target)."""
    out, last = [], 0
    for match in _URL.finditer(line):
        url, rest = _split_url(match.group())
        href = url if "://" in url else f"https://{url}"
        out += [
            html.escape(line[last : match.start()]),
            f'<a href="{html.escape(href)}">{html.escape(url)}</a>',
        ]
        out.append(html.escape(rest))
        last = match.end()
    out.append(html.escape(line[last:]))
    return "".join(out)


def _linkify_html(content: str) -> str:
    soup = BeautifulSoup(content, "html.parser")
    for node in list(soup.find_all(string=_URL)):
        if node.find_parent(_NO_LINKS_INSIDE) is not None:
            continue
        node.replace_with(BeautifulSoup(_linkify_text(str(node)), "html.parser"))
    return str(soup)


def html_to_text(content: str) -> str:
    return _soup_text(BeautifulSoup(content, "html.parser"))


def html_to_email_text(content: str) -> str:
    """The text alternative of an email: like ``html_to_text``, with each link's address after
    its words and list items marked ("- " or "1. ")."""
    soup = BeautifulSoup(content, "html.parser")
    for link in soup.find_all("a", href=True):
        href = link["href"].removeprefix("mailto:")
        if href and href != link.get_text().strip():
            link.append(f" ({href})")
    for items in soup.find_all(["ul", "ol"]):
        for number, item in enumerate(items.find_all("li", recursive=False), start=1):
            item.insert(0, f"{number}. " if items.name == "ol" else "- ")
    return _soup_text(soup)


def _soup_text(soup: BeautifulSoup) -> str:
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().split("\n"))
    return "\n".join(line for line in lines if line)


def preview(text: str, length: int = 200) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"
