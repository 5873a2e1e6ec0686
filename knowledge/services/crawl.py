"""URL crawling (SysAid's URLMaster): fetch one site breadth-first within levels and a page budget,
store each HTML page's main content as a document and ingest it. A re-crawl updates pages whose
content changed and skips the others."""

from __future__ import annotations

import hashlib
import logging
import re
from collections import deque
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from helpdesk import outbound
from helpdesk.errors import DomainError
from helpdesk.limits import LimitExceeded
from helpdesk.models import Operation
from helpdesk.services import operations as operation_services
from knowledge import crawling
from knowledge.models import Document, DocumentFormat
from knowledge.services.documents import (
    document_create_from_bytes,
    document_queue_ingest,
    document_record_event,
)

logger = logging.getLogger(__name__)

CRAWL_KIND = "knowledge.crawl"
DEFAULT_MAX_PAGES = 50


class CrawlError(DomainError):
    pass


def _bounded_int(value, *, field: str, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise CrawlError("Must be a whole number.", field=field)
    if not low <= number <= high:
        raise CrawlError(f"Must be between {low} and {high}.", field=field)
    return number


def crawl_start(
    *,
    organization,
    url: str,
    max_levels=1,
    max_pages=None,
    title: str = "",
    category: str = "",
    created_by=None,
) -> Operation:
    """Check the URL (the outbound guard refuses internal addresses unless allow-listed) and the
    limits, then queue the crawl on the ``ingest`` queue. Returns the crawl's Operation."""
    url = (url or "").strip()
    if not url:
        raise CrawlError("A URL is required.", field="url")
    if "://" not in url:
        url = f"https://{url}"
    if len(url) > 2000:
        raise CrawlError("The URL is too long.", field="url")
    try:
        outbound.check_url(url, organization=organization)
    except outbound.OutboundRefused as exc:
        raise CrawlError(f"This URL cannot be crawled: {exc}", field="url")
    max_levels = _bounded_int(
        max_levels, field="max_levels", default=1, low=0, high=settings.MAX_CRAWL_LEVELS
    )
    max_pages = _bounded_int(
        max_pages,
        field="max_pages",
        default=min(DEFAULT_MAX_PAGES, settings.MAX_CRAWL_PAGES),
        low=1,
        high=settings.MAX_CRAWL_PAGES,
    )
    title = (title or "").strip()[:300]
    category = (category or "").strip()[:100]
    operation = operation_services.operation_create(
        organization=organization,
        kind=CRAWL_KIND,
        total=max_pages,
        message="Crawl queued",
        params={
            "url": crawling.normalize_url(url),
            "max_levels": max_levels,
            "max_pages": max_pages,
            "title": title,
            "category": category,
        },
        target_type="crawl",
        target_id=(urlsplit(url).hostname or "")[:64],
        created_by=created_by,
    )
    queue_crawl(operation)
    return operation


def queue_crawl(operation: Operation) -> None:
    from helpdesk import jobs
    from knowledge import tasks

    jobs.enqueue_on_commit(tasks.crawl_site, str(operation.pk), operation=operation)


def _filename(url: str) -> str:
    path = urlsplit(url).path.strip("/") or "index"
    return (re.sub(r"[^A-Za-z0-9._-]+", "-", path)[:120].strip("-") or "page") + ".html"


def _store_page(
    *, operation: Operation, page: crawling.ExtractedPage, is_root: bool
) -> tuple[str, int | None]:
    """Create or update the page's document. Returns (outcome, document id)."""
    params, organization = operation.params, operation.organization
    data = page.html.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    title = params.get("title") if is_root and params.get("title") else page.title
    existing = Document.objects.filter(organization=organization, source_url=page.url).first()
    if existing is None:
        try:
            document = document_create_from_bytes(
                organization=organization,
                data=data,
                filename=_filename(page.url),
                title=title,
                category=params.get("category", ""),
                uploaded_by=operation.created_by,
                source_url=page.url,
            )
        except LimitExceeded:
            raise
        except DomainError as exc:
            if exc.code == "duplicate":
                return "duplicate", exc.extra.get("document_id")
            raise
        return "created", document.pk
    if existing.sha256 == digest:
        return "unchanged", existing.pk
    clash = Document.objects.filter(organization=organization, sha256=digest).exclude(pk=existing.pk).first()
    if clash is not None:
        return "duplicate", clash.pk
    old_name = existing.file.name
    existing.file.save(_filename(page.url), ContentFile(data), save=False)
    existing.sha256, existing.size, existing.title = digest, len(data), title or existing.title
    existing.format, existing.content_type = DocumentFormat.HTML, "text/html"
    with transaction.atomic():
        existing.save(
            update_fields=["file", "sha256", "size", "title", "format", "content_type", "updated_at"]
        )
        document_record_event(document=existing, status="updated", message=f"Page changed at {page.url}.")
        document_queue_ingest(document=existing)
    if old_name and old_name != existing.file.name:
        existing.file.storage.delete(old_name)
    return "updated", existing.pk


def crawl_run(*, operation: Operation) -> dict:
    """Crawl now (the task calls this). Progress and the final counts go on the operation."""
    params = operation.params
    root, max_levels, max_pages = params["url"], int(params["max_levels"]), int(params["max_pages"])
    organization = operation.organization
    operation_services.operation_start(operation=operation, total=max_pages, message="Reading robots.txt")
    robots = crawling.RobotsPolicy(root, organization=organization)
    counts = {"fetched": 0, "created": 0, "updated": 0, "unchanged": 0, "duplicate": 0}
    result: dict = {
        "url": root,
        **counts,
        "document_ids": [],
        "skipped": [],
        "failed": [],
        "robots": robots.reason,
    }
    queue: deque[tuple[str, int]] = deque([(root, 0)])
    seen = {root}

    def note(kind: str, url: str, reason: str) -> None:
        if len(result[kind]) < 200:
            result[kind].append({"url": url, "reason": reason})

    while queue and result["fetched"] < max_pages:
        url, level = queue.popleft()
        if not robots.allowed(url):
            note("skipped", url, "disallowed by robots.txt")
            continue
        try:
            final_url, response = crawling.fetch(url, organization=organization, site=root)
        except outbound.OutboundRefused as exc:
            note("skipped", url, f"refused: {exc}")
            continue
        except crawling.OffsiteRedirect as exc:
            note("skipped", url, str(exc))
            continue
        except crawling.FetchError as exc:
            note("failed", url, str(exc))
            continue
        if final_url != url:
            if final_url in seen or not robots.allowed(final_url):
                continue
            seen.add(final_url)
        if response.status_code != 200:
            note("failed", final_url, f"HTTP {response.status_code}")
            continue
        if not crawling.is_html(response):
            note("skipped", final_url, f"not HTML ({response.headers.get('content-type', 'no type')})")
            continue
        if len(response.content) > settings.MAX_UPLOAD_MB * 1024 * 1024:
            note("skipped", final_url, f"larger than {settings.MAX_UPLOAD_MB} MB")
            continue
        result["fetched"] += 1
        page = crawling.extract_page(response.text, final_url)
        if level < max_levels and not page.nofollow:
            for link in page.links:
                if link not in seen and crawling.same_site(link, root) and crawling.crawlable(link):
                    seen.add(link)
                    queue.append((link, level + 1))
        if page.noindex:
            note("skipped", final_url, "the page asks not to be indexed (noindex)")
        elif not page.text.strip():
            note("skipped", final_url, "no text on the page")
        else:
            try:
                outcome, document_id = _store_page(operation=operation, page=page, is_root=url == root)
            except LimitExceeded as exc:
                result["stopped"] = exc.message
                break
            except DomainError as exc:
                note("failed", final_url, exc.message)
            else:
                result[outcome] += 1
                if document_id and document_id not in result["document_ids"]:
                    result["document_ids"].append(document_id)
        operation_services.operation_progress(
            operation=operation,
            done=result["fetched"],
            message=f"Fetched {result['fetched']} of at most {max_pages} pages",
        )
    if result["fetched"] == 0:
        reasons = [entry["reason"] for entry in result["failed"] + result["skipped"]]
        why = reasons[0] if reasons else robots.reason or "no page could be read"
        operation.result = result
        operation_services.operation_fail(
            operation=operation, error=f"Nothing was crawled from {root}: {why}"
        )
        return result
    summary = (
        f"{result['fetched']} pages: {result['created']} new, {result['updated']} updated, "
        f"{result['unchanged']} unchanged"
    )
    operation_services.operation_succeed(operation=operation, result=result, message=summary)
    return result
