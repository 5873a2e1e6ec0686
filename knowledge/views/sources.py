"""Adding knowledge: uploading files (several at once, a clear result per file), crawling a
website, and the progress of those long jobs."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from helpdesk.errors import DomainError
from helpdesk.models import Operation
from helpdesk.views.access import member_view
from knowledge import selectors
from knowledge.forms import CrawlForm, DocumentUploadForm
from knowledge.models import Document
from knowledge.services import crawl as crawl_services
from knowledge.services.uploads import UploadOutcome, documents_upload
from knowledge.views.common import ADMIN_ROLE, CONTRIBUTE_ROLE, POLL_INTERVAL, VIEW_ROLE, operation_or_404

RECENT_CRAWLS = 8
SHOWN_CRAWLED_DOCUMENTS = 12


def _form_context(tenant, form) -> dict:
    return {"form": form, "categories": selectors.category_list(organization=tenant.organization)}


@member_view(view_role=CONTRIBUTE_ROLE, write_role=CONTRIBUTE_ROLE)
def document_upload(request, tenant):
    """Each file is stored (or refused) on its own: one bad file never blocks the others."""
    form = DocumentUploadForm(request.POST or None, request.FILES or None, initial={"train_ai": True})
    outcomes: list[UploadOutcome] = []
    if request.method == "POST" and form.is_valid():
        try:
            outcomes = documents_upload(
                organization=tenant.organization, uploaded_by=tenant.membership, **form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        stored = [outcome for outcome in outcomes if outcome.ok]
        if outcomes and len(stored) == len(outcomes):
            names = "“" + stored[0].document.title + "”" if len(stored) == 1 else f"{len(stored)} documents"
            messages.success(request, f"Uploaded {names}. Processing has started; watch it below.")
            return redirect("knowledge:documents")
        if stored:
            messages.success(
                request, f"Uploaded {len(stored)} of {len(outcomes)} files; see the refused ones below."
            )
    context = {
        **_form_context(tenant, form),
        "outcomes": outcomes,
        "refused_count": sum(1 for outcome in outcomes if not outcome.ok),
    }
    refused_all = bool(outcomes) and not any(outcome.ok for outcome in outcomes)
    status = 400 if form.errors or refused_all else 200
    return render(request, "knowledge/upload.html", context, status=status)


def _crawled_documents(tenant, operation: Operation) -> list[Document]:
    document_ids = (operation.result or {}).get("document_ids") or []
    if not document_ids:
        return []
    documents = selectors.document_list(organization=tenant.organization).filter(pk__in=document_ids)
    return list(documents[:SHOWN_CRAWLED_DOCUMENTS])


def _recent_crawls(tenant) -> list[Operation]:
    crawls = list(
        Operation.objects.filter(organization=tenant.organization, kind=crawl_services.CRAWL_KIND).order_by(
            "-created_at"
        )[:RECENT_CRAWLS]
    )
    for operation in crawls:
        operation.crawled_documents = _crawled_documents(tenant, operation) if operation.is_finished else []
    return crawls


@member_view(view_role=ADMIN_ROLE, write_role=ADMIN_ROLE)
def crawl(request, tenant):
    form = CrawlForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operation = crawl_services.crawl_start(
                organization=tenant.organization, created_by=tenant.membership, **form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Crawl of {operation.params.get('url')} started.")
            return redirect("knowledge:crawl")
    context = {
        **_form_context(tenant, form),
        "crawls": _recent_crawls(tenant),
        "poll_interval": POLL_INTERVAL,
    }
    return render(request, "knowledge/crawl.html", context, status=400 if form.errors else 200)


@member_view(view_role=VIEW_ROLE, write_role=ADMIN_ROLE)
def operation_progress(request, tenant, operation_id):
    """One knowledge job's progress card (polled by htmx until it finishes)."""
    operation = operation_or_404(tenant, operation_id)
    documents = _crawled_documents(tenant, operation) if operation.is_finished else []
    context = {"operation": operation, "documents": documents, "poll_interval": POLL_INTERVAL}
    return render(request, "knowledge/_operation.html", context)
