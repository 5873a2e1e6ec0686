"""Fetching and reading web pages for URL crawling.

Every request goes through ``helpdesk.outbound`` (internal addresses refused unless the
organization allow-listed them), redirects are followed one hop at a time so each hop is
checked again, robots.txt is honoured, and only HTML is read. ``extract_page`` keeps the main
content (``<main>``/``<article>`` when present) without navigation, headers, footers or
scripts, sanitized with nh3 before it is stored."""

from __future__ import annotations

import html as html_lib
import logging
import posixpath
from dataclasses import dataclass, field
from urllib import robotparser
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
import nh3
from bs4 import BeautifulSoup

from helpdesk import outbound

logger = logging.getLogger(__name__)

USER_AGENT = "ParleyBot"
MAX_REDIRECTS = 5
REDIRECT_CODES = {301, 302, 303, 307, 308}
HTML_TYPES = ("text/html", "application/xhtml+xml")
SKIPPED_EXTENSIONS = {
    ".pdf", ".zip", ".gz", ".tar", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".css", ".js",
    ".json", ".xml", ".mp3", ".mp4", ".avi", ".mov", ".woff", ".woff2", ".ttf", ".exe", ".dmg", ".doc",
    ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".csv", ".txt", ".rss",
}  # fmt: skip
NON_CONTENT_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
                    "template", "button", "select", "dialog"]  # fmt: skip
NON_CONTENT_ROLES = ["navigation", "banner", "contentinfo", "search", "complementary"]


class FetchError(Exception):
    """The page could not be fetched (transport error, too many redirects)."""


class OffsiteRedirect(Exception):
    """A redirect leads to another site; it is not followed."""

    def __init__(self, target: str):
        super().__init__(f"redirects to another site ({target})")
        self.target = target


def _effective_port(parts) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def normalize_url(url: str) -> str:
    """Canonical form for de-duplication: lower-case scheme and host, no fragment, no default port."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = f"[{host}]" if ":" in host else host
    if parts.port and parts.port != (443 if scheme == "https" else 80):
        netloc = f"{netloc}:{parts.port}"
    path = parts.path or "/"
    if path != "/":
        trailing = path.endswith("/")
        path = posixpath.normpath(path) + ("/" if trailing else "")
        path = "/" + path.lstrip("/")
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def same_site(url: str, root: str) -> bool:
    """Same host and port (an http→https upgrade of the same host counts as the same site)."""
    a, b = urlsplit(url), urlsplit(root)
    if (a.hostname or "").lower() != (b.hostname or "").lower():
        return False
    if _effective_port(a) == _effective_port(b):
        return True
    default = {("http", 80), ("https", 443)}
    return (a.scheme, _effective_port(a)) in default and (b.scheme, _effective_port(b)) in default


def crawlable(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or len(url) > 2000:
        return False
    return posixpath.splitext(parts.path.lower())[1] not in SKIPPED_EXTENSIONS


def fetch(url: str, *, organization, site: str | None = None) -> tuple[str, httpx.Response]:
    """GET ``url``, following redirects one checked hop at a time. Returns (final URL, response).
    Raises ``outbound.OutboundRefused`` for a refused hop, ``FetchError`` for transport errors,
    and ``OffsiteRedirect`` when a redirect leaves ``site`` (if given)."""
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        try:
            response = outbound.request(
                "GET",
                current,
                organization=organization,
                headers={
                    "User-Agent": f"{USER_AGENT}/1.0",
                    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                },
            )
        except outbound.OutboundUnavailable as exc:
            raise FetchError(exc.message) from exc
        location = response.headers.get("location")
        if response.status_code in REDIRECT_CODES and location:
            current = normalize_url(urljoin(current, location))
            if site is not None and not same_site(current, site):
                raise OffsiteRedirect(current)
            continue
        return current, response
    raise FetchError(f"More than {MAX_REDIRECTS} redirects.")


class RobotsPolicy:
    """robots.txt of one site, fetched through the outbound guard (RFC 9309 semantics: missing →
    everything allowed; 401/403/5xx or unreachable → nothing allowed)."""

    def __init__(self, root_url: str, *, organization):
        parts = urlsplit(root_url)
        self.url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
        self.parser = robotparser.RobotFileParser(self.url)
        self.reason = ""
        try:
            final_url, response = fetch(self.url, organization=organization)
        except (outbound.OutboundRefused, FetchError) as exc:
            self.parser.disallow_all = True
            self.reason = f"robots.txt could not be fetched: {exc}"
            return
        if response.status_code in (401, 403) or response.status_code >= 500:
            self.parser.disallow_all = True
            self.reason = f"robots.txt answered {response.status_code}"
        elif response.status_code >= 400 or not same_site(final_url, root_url):
            self.parser.allow_all = True
        else:
            self.parser.parse(response.text.splitlines())

    def allowed(self, url: str) -> bool:
        return self.parser.can_fetch(USER_AGENT, url)


@dataclass
class ExtractedPage:
    url: str
    title: str
    text: str
    html: str  # the sanitized main content as a small HTML document (what is stored)
    links: list[str] = field(default_factory=list)
    noindex: bool = False
    nofollow: bool = False


def is_html(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return content_type in HTML_TYPES


def extract_page(markup: str, url: str) -> ExtractedPage:
    soup = BeautifulSoup(markup, "lxml")
    robots_meta = " ".join(
        (tag.get("content") or "").lower()
        for tag in soup.find_all("meta", attrs={"name": lambda v: v and v.lower() == "robots"})
    )
    base = soup.find("base", href=True)
    base_url = urljoin(url, base["href"]) if base else url
    links = []
    for anchor in soup.find_all("a", href=True):
        if "nofollow" in (anchor.get("rel") or []):
            continue
        href = anchor["href"].strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:", "data:")):
            continue
        link = normalize_url(urljoin(base_url, href))
        if link not in links:
            links.append(link)

    title_tag = soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else ""
    for tag in soup.find_all(NON_CONTENT_TAGS):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": NON_CONTENT_ROLES}):
        tag.decompose()
    main = soup.find("main") or soup.find("article") or soup.find(attrs={"role": "main"}) or soup.body or soup
    if not title:
        heading = main.find(["h1", "h2"])
        title = heading.get_text(" ", strip=True) if heading else url
    text = main.get_text("\n", strip=True)
    body = nh3.clean(main.decode_contents() if hasattr(main, "decode_contents") else str(main))
    document = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html_lib.escape(title)}</title></head>\n<body>\n{body}\n</body></html>\n"
    )
    return ExtractedPage(
        url=url,
        title=title[:300],
        text=text,
        html=document,
        links=links,
        noindex="noindex" in robots_meta or "none" in robots_meta,
        nofollow="nofollow" in robots_meta or "none" in robots_meta,
    )
