"""Working a queue from the conversation page: the inbox list the agent came from (its tab and
filters ride along in the conversation's URL as ``?tab=…&…``) is shown in a pane beside the
thread, with the previous/next conversation of that list (j/k) and, after a resolve, the next
one opened. Without the list in the URL the page is the conversation alone, as before."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.http import QueryDict
from django.urls import reverse

from conversations.views.inbox import list_context


@dataclass
class Queue:
    """The list pane's context (``list``), where the conversation stands in it and its
    neighbours' URLs (each keeping the list's query)."""

    list: dict
    query: str
    position: int | None
    previous_url: str
    next_url: str


def _url(conversation, query: str) -> str:
    return f"{reverse('conversations:conversation', kwargs={'uuid': conversation.uuid})}?{query}"


def queue_for(request, tenant, conversation, data: QueryDict | None = None) -> Queue | None:
    """The queue ``data`` (default: the request's query) names, or None without a ``tab``."""
    data = request.GET if data is None else data
    if not data.get("tab"):
        return None
    context = list_context(request, tenant, data)
    rows, query = context["rows"], context["query"]
    context["current_uuid"] = conversation.uuid
    index = next((i for i, row in enumerate(rows) if row.pk == conversation.pk), None)
    if index is None:
        previous, following = None, rows[0] if rows else None
    else:
        previous = rows[index - 1] if index > 0 else None
        following = rows[index + 1] if index + 1 < len(rows) else None
    return Queue(
        list=context,
        query=query,
        position=None if index is None else index + 1,
        previous_url=_url(previous, query) if previous else "",
        next_url=_url(following, query) if following else "",
    )


def page_query(request) -> QueryDict:
    """The query of the page an action was sent from (htmx's current URL, else the referrer),
    so an action knows which list the agent is working."""
    url = (request.htmx.current_url if request.htmx else "") or request.headers.get("Referer", "")
    parts = urlsplit(url or "")
    if parts.netloc and parts.netloc != request.get_host():
        return QueryDict()
    return QueryDict(parts.query)
