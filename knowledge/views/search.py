"""The knowledge search box: the same hybrid retrieval the chatbots use, with the passages'
sources, highlighted snippets and scores."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from helpdesk.views.access import member_view
from knowledge import retrieval, selectors
from knowledge.forms import KnowledgeSearchForm
from knowledge.views.common import VIEW_ROLE, highlight
from knowledge.views.documents import CHUNKS_PER_PAGE

SNIPPET_CHARS = 320


def _source_url(chunk: retrieval.RetrievedChunk) -> str:
    """Where a result leads: the Q&A item, or the document's page of passages at this chunk."""
    if chunk.source_type == "kb_item":
        return reverse("knowledge:item", args=[chunk.kb_item_id])
    url = reverse("knowledge:document", args=[chunk.document_id])
    index = chunk.chunk_id.rsplit("-", 1)[-1]
    if not index.isdigit():
        return url
    page = int(index) // CHUNKS_PER_PAGE + 1
    return f"{url}?chunks={page}#chunk-{index}"


def _result_row(chunk: retrieval.RetrievedChunk, query: str) -> dict:
    return {
        "chunk": chunk,
        "url": _source_url(chunk),
        "snippet": highlight(retrieval.snippet(chunk.text, query, SNIPPET_CHARS), query),
        "title": highlight(chunk.title, query),
        "percent": round(max(min(chunk.score, 1.0), 0.0) * 100),
        "vector_percent": None if chunk.vector_score is None else round(chunk.vector_score * 100),
    }


@member_view(view_role=VIEW_ROLE, write_role=VIEW_ROLE)
def knowledge_search(request, tenant):
    form = KnowledgeSearchForm(request.GET or None)
    query, results, searched = "", [], False
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        category = form.cleaned_data["category"]
        chunks = retrieval.retrieve(
            organization=tenant.organization,
            query=query,
            categories=[category] if category else None,
            k=form.cleaned_data["k"] or 10,
        )
        results = [_result_row(chunk, query) for chunk in chunks]
        searched = True
    context = {
        "form": form,
        "query": query,
        "results": results,
        "searched": searched,
        "categories": selectors.category_list(organization=tenant.organization),
        "has_knowledge": selectors.searchable_chunks(organization=tenant.organization).exists()
        or selectors.kb_item_list(organization=tenant.organization).exists(),
    }
    template = "knowledge/_search_results.html" if request.htmx else "knowledge/search.html"
    return render(request, template, context)
