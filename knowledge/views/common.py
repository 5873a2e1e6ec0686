"""What the knowledge UI views share: who may change what, scoped look-ups, toasts, highlighting."""

from __future__ import annotations

import json
import re

from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from helpdesk.models import Operation, Role
from knowledge import keyword, selectors
from knowledge.models import Document, KnowledgeItem

# The same roles as the knowledge API (knowledge/api): every member reads and searches, uploads,
# retries, reviews and writes Q&A items; deleting, crawling (outbound requests, many documents at
# once) and bulk imports need an admin.
VIEW_ROLE = Role.AGENT
CONTRIBUTE_ROLE = Role.AGENT
ADMIN_ROLE = Role.ADMIN

# Operations the knowledge UI may show progress for (never another app's jobs).
KNOWLEDGE_OPERATION_KINDS = ("document.ingest", "knowledge.crawl", "knowledge.reindex")
POLL_INTERVAL = "1500ms"


def permissions(tenant) -> dict:
    """What the templates may offer: ``can_contribute`` and ``can_administer``."""
    return {
        "can_contribute": tenant is not None and tenant.has_role(CONTRIBUTE_ROLE),
        "can_administer": tenant is not None and tenant.has_role(ADMIN_ROLE),
    }


def document_or_404(tenant, pk) -> Document:
    document = selectors.document_get(organization=tenant.organization, document_id=pk)
    if document is None:
        raise Http404("No such document.")
    return document


def kb_item_or_404(tenant, pk) -> KnowledgeItem:
    item = selectors.kb_item_list(organization=tenant.organization).filter(pk=pk).first()
    if item is None:
        raise Http404("No such item.")
    return item


def operation_or_404(tenant, operation_id) -> Operation:
    operation = (
        Operation.objects.filter(organization=tenant.organization, kind__in=KNOWLEDGE_OPERATION_KINDS)
        .filter(pk=operation_id)
        .first()
    )
    if operation is None:
        raise Http404("No such operation.")
    return operation


def with_toast(response, message: str, level: str = "success"):
    """Show a toast after an htmx request (``parley.js`` listens for ``parley:toast``)."""
    response["HX-Trigger"] = json.dumps({"parley:toast": {"message": message, "level": level}})
    return response


def highlight(text: str, query: str) -> SafeString:
    """``text`` HTML-escaped, with the words that start with a query word wrapped in ``<mark>``.

    The text is split on the matches first and every piece escaped on its own, so a match can
    never land inside an entity or markup of the text (``&amp;``, ``<script>``)."""
    terms = sorted(set(keyword.tokenize(query or "")), key=len, reverse=True)
    if not terms:
        return mark_safe(escape(text))  # noqa: S308 - escaped just now
    # A word that starts with a query term is marked whole ("last" marks "lasts").
    pattern = re.compile(
        r"(?<!\w)((?:" + "|".join(re.escape(term) for term in terms) + r")\w*)", re.IGNORECASE
    )
    pieces = []
    for index, piece in enumerate(pattern.split(text)):
        if not piece:
            continue
        pieces.append(f"<mark>{escape(piece)}</mark>" if index % 2 else escape(piece))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped
