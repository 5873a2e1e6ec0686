"""Documents: the list (filters, live progress), the detail page (metadata, history, chunks,
review), download, retry and delete."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from helpdesk.errors import DomainError
from helpdesk.views.access import member_view
from knowledge import selectors
from knowledge.forms import DocumentFilterForm
from knowledge.models import DocumentFormat, DocumentStatus
from knowledge.services import documents as document_services
from knowledge.services import review as review_services
from knowledge.views.common import (
    ADMIN_ROLE,
    CONTRIBUTE_ROLE,
    POLL_INTERVAL,
    VIEW_ROLE,
    document_or_404,
    permissions,
    with_toast,
)

DOCUMENTS_PER_PAGE = 25
CHUNKS_PER_PAGE = 10
EXTENSIONS = {
    DocumentFormat.PDF: ".pdf",
    DocumentFormat.DOCX: ".docx",
    DocumentFormat.TXT: ".txt",
    DocumentFormat.MD: ".md",
    DocumentFormat.HTML: ".html",
    DocumentFormat.RST: ".rst",
}


def _querystring(request, **changes) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


def _documents_context(request, tenant) -> dict:
    form = DocumentFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    documents = selectors.document_list(organization=tenant.organization, filters=filters)
    page = Paginator(documents, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "filter_form": form,
        "filtered": any(filters.values()) if filters else False,
        "page_obj": page,
        "documents": list(page.object_list),
        "poll": any(document.status == DocumentStatus.PROCESSING for document in page.object_list),
        "poll_url": f"{reverse('knowledge:documents')}?{_querystring(request, partial='table')}",
        "poll_interval": POLL_INTERVAL,
        **permissions(tenant),
        "categories": selectors.category_list(organization=tenant.organization),
        "statuses": DocumentStatus.choices,
        "querystring": _querystring(request, page=None, partial=None),
        "next_url": f"{reverse('knowledge:documents')}?{_querystring(request, partial=None)}",
    }


@member_view(view_role=VIEW_ROLE, write_role=CONTRIBUTE_ROLE)
def document_list(request, tenant):
    context = _documents_context(request, tenant)
    if request.htmx and request.GET.get("partial") == "table":
        return render(request, "knowledge/_documents_table.html", context)
    context["total"] = selectors.document_list(organization=tenant.organization).count()
    return render(request, "knowledge/documents.html", context)


def _detail_context(request, tenant, document) -> dict:
    chunks = Paginator(selectors.chunk_list(document=document), CHUNKS_PER_PAGE).get_page(
        request.GET.get("chunks")
    )
    return {
        "document": document,
        "events": list(selectors.document_events(document=document)),
        "chunks": chunks,
        **permissions(tenant),
        "poll_interval": POLL_INTERVAL,
        "tags": document.tags or [],
    }


@member_view(view_role=VIEW_ROLE, write_role=CONTRIBUTE_ROLE)
def document_detail(request, tenant, pk):
    document = document_or_404(tenant, pk)
    return render(request, "knowledge/document_detail.html", _detail_context(request, tenant, document))


@member_view(view_role=VIEW_ROLE, write_role=CONTRIBUTE_ROLE)
def document_status(request, tenant, pk):
    """The status card, polled while the document is processing. When the document finishes,
    the page reloads to show its chunks (``HX-Refresh``)."""
    document = document_or_404(tenant, pk)
    if request.htmx and request.GET.get("watching") and document.status != DocumentStatus.PROCESSING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "knowledge/_document_status.html",
        {"document": document, **permissions(tenant), "poll_interval": POLL_INTERVAL},
    )


def _download_name(document) -> str:
    name = document.original_filename or document.title or f"document-{document.pk}"
    if not PurePath(name).suffix:
        name += EXTENSIONS.get(document.format, "")
    return name


@member_view(view_role=VIEW_ROLE, write_role=CONTRIBUTE_ROLE)
def document_download(request, tenant, pk):
    """The original file, always as an attachment (an uploaded HTML page must never render here)."""
    document = document_or_404(tenant, pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404("The original file is missing.")
    response = FileResponse(
        handle, as_attachment=True, filename=_download_name(document), content_type=document.content_type
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@member_view(view_role=CONTRIBUTE_ROLE, write_role=CONTRIBUTE_ROLE)
def document_retry(request, tenant, pk):
    document = document_or_404(tenant, pk)
    if request.method != "POST":
        return redirect("knowledge:document", pk=pk)
    try:
        document_services.document_reingest(document=document, created_by=tenant.membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{document.title}” is being processed again.")
    return redirect(_back(request, reverse("knowledge:document", args=[pk])))


@member_view(view_role=ADMIN_ROLE, write_role=ADMIN_ROLE)
def document_delete(request, tenant, pk):
    document = document_or_404(tenant, pk)
    if request.method != "POST":
        return redirect("knowledge:document", pk=pk)
    title = document.title
    try:
        document_services.document_delete(document=document)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("knowledge:document", pk=pk)
    messages.success(request, f"“{title}” was deleted, with its chunks and vectors.")
    return redirect("knowledge:documents")


@member_view(view_role=CONTRIBUTE_ROLE, write_role=CONTRIBUTE_ROLE)
def document_review(request, tenant, pk):
    """Ask the LLM for a review. Ollama unreachable or failing is shown as a banner, not an error page."""
    document = document_or_404(tenant, pk)
    if request.method != "POST":
        return redirect("knowledge:document", pk=pk)
    review_error = None
    try:
        document = review_services.document_review(document=document)
    except DomainError as error:
        review_error = error
    if not request.htmx:
        if review_error is None:
            messages.success(request, "Review ready.")
        else:
            prefix = "Ollama is unreachable. " if review_error.code == "unavailable" else ""
            messages.error(request, prefix + _review_error_text(review_error))
        return redirect("knowledge:document", pk=pk)
    context = {
        "document": document,
        **permissions(tenant),
        "review_error": review_error,
        "review_error_text": _review_error_text(review_error) if review_error else "",
        "ollama_unreachable": review_error is not None and review_error.code == "unavailable",
    }
    response = render(request, "knowledge/_document_review.html", context)
    if review_error is None:
        return with_toast(response, "Review ready.")
    return response


def _review_error_text(error: DomainError) -> str:
    if error.code == "unavailable":
        return f"The document could not be reviewed: {error.message}"
    return error.message
