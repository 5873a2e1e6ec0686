"""AI actions of the conversation composer (plain form POSTs with CSRF; htmx swaps the composer,
without JavaScript the page comes back with the new draft):

* Suggest reply: a draft from the knowledge base with its sources shown to the agent only. With
  the language model down, the best passages become the draft, labelled as such.
* Rewrite (friendlier, shorter, fix grammar): replaces the draft, with an undo to the one before.
* Summarize: adds the summary as a private note; the draft stays.

The model unreachable (or its model missing): the draft is kept and the composer says so; the
answer is 503/502 for a page request, and 200 for htmx (which swaps only successful answers) with
the message in the composer and a toast."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from chatbots.services.assist import conversation_suggest_reply
from chatbots.services.composer_assist import (
    PASSAGES_SHOWN,
    REWRITES,
    conversation_summary_note,
    draft_rewrite,
    passages_draft,
)
from conversations.views.common import conversation_or_404
from conversations.views.composer import (
    MAX_DRAFT_CHARS,
    composer_answer,
    composer_with,
    draft_text,
    posted_draft,
)
from helpdesk import ollama
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.views.access import member_view

UNREACHABLE = (
    "The language model is not reachable right now, so nothing was written: your draft is unchanged."
)


def _post(view):
    return require_POST(member_view(view_role=Role.AGENT, write_role=Role.AGENT)(view))


def _restore_url(conversation) -> str:
    return reverse("chatbots:composer-restore", args=[conversation.uuid])


def _refused(request, tenant, conversation, error: DomainError):
    """The draft as it was, the reason above it; htmx gets 200 so the composer shows it."""
    if isinstance(error, ollama.OllamaUnavailable):
        text = UNREACHABLE
    elif isinstance(error, ollama.OllamaError):
        text = f"The language model failed: {error.message} Your draft is unchanged."
    else:
        text = error.message
    status = error.status_code
    if request.htmx and status >= 500:
        status = 200
    return composer_answer(
        request, tenant, conversation, composer=composer_with(request, message=posted_draft(request)),
        assist={"notice": text, "level": "warning"}, message=text, level="error", status=status,
    )  # fmt: skip


def _source_url(source: dict) -> str:
    try:
        if source.get("kb_item_id"):
            return reverse("knowledge:item", args=[source["kb_item_id"]])
        if source.get("document_id"):
            return reverse("knowledge:document", args=[source["document_id"]])
    except NoReverseMatch:  # the knowledge UI is not mounted
        pass
    return ""


@_post
def suggest_reply(request, tenant, uuid):
    conversation = conversation_or_404(tenant, uuid)
    before = posted_draft(request)
    try:
        result = conversation_suggest_reply(conversation=conversation)
    except DomainError as error:
        return _refused(request, tenant, conversation, error)
    sources = [{**source, "url": _source_url(source)} for source in result["sources"]]
    mode = result["mode"]
    draft, level = before, "info"
    if mode == "llm":
        draft, notice = result["reply"], "Suggested reply from the knowledge base: check it, then send."
        sources = [s for s in sources if s.get("cited")] or sources
    elif mode == "retrieval_only":
        sources = sources[:PASSAGES_SHOWN]
        draft, level = passages_draft(sources), "warning"
        notice = (
            "The language model is not reachable: the draft holds the best passages from the knowledge "
            "base, not a written reply. Edit them into an answer before sending."
        )
    elif mode == "no_answer":
        notice, level = (
            "The knowledge base has related passages but no answer to this: your draft is unchanged.",
            "warning",
        )
    else:
        notice, level = (
            "Nothing in the knowledge base matches this conversation: your draft is unchanged.",
            "warning",
        )
    changed = draft != before
    assist = {
        "notice": notice,
        "level": level,
        "sources": sources,
        "undo_url": _restore_url(conversation) if changed else "",
        "undo_label": "Undo",
        "previous": before,
    }
    toast = "Reply suggested" if mode == "llm" else notice
    return composer_answer(
        request, tenant, conversation, composer=composer_with(request, message=draft, mode="reply" if changed else None),
        assist=assist, message=toast, level="success" if mode == "llm" else "warning",
    )  # fmt: skip


@_post
def rewrite(request, tenant, uuid):
    conversation = conversation_or_404(tenant, uuid)
    before = posted_draft(request)
    choice = request.POST.get("rewrite", "")
    try:
        draft = draft_rewrite(organization=tenant.organization, rewrite=choice, draft=draft_text(before))
    except DomainError as error:
        return _refused(request, tenant, conversation, error)
    label = REWRITES[choice][1]
    assist = {
        "notice": f"Rewritten: {label.lower()}. Check it, then send.",
        "level": "info",
        "undo_url": _restore_url(conversation),
        "undo_label": "Undo rewrite",
        "previous": before,
    }
    return composer_answer(
        request, tenant, conversation, composer=composer_with(request, message=draft), assist=assist,
        message=f"Draft rewritten ({label.lower()})",
    )  # fmt: skip


@_post
def summarize(request, tenant, uuid):
    conversation = conversation_or_404(tenant, uuid)
    try:
        conversation_summary_note(conversation=conversation, actor=tenant.membership)
    except DomainError as error:
        return _refused(request, tenant, conversation, error)
    return composer_answer(
        request, tenant, conversation_or_404(tenant, uuid),
        composer=composer_with(request, message=posted_draft(request)), message="Summary added as a private note",
    )  # fmt: skip


@_post
def restore(request, tenant, uuid):
    """Undo of a suggestion or rewrite: the draft before it (posted back by the composer)."""
    conversation = conversation_or_404(tenant, uuid)
    previous = (request.POST.get("previous_message") or "")[:MAX_DRAFT_CHARS]
    return composer_answer(
        request, tenant, conversation, composer=composer_with(request, message=previous),
        message="Draft restored",
    )  # fmt: skip
