"""Answers that hand the composer back with a new draft (a macro's reply, an AI suggestion or
rewrite, an undo): the agent's draft, mode and Cc/Bcc ride along in the POST, and ``assist``
adds what the composer shows above the text (a notice, an undo to the previous draft, the
sources of a suggestion). With htmx the composer and the page's parts are swapped; without
JavaScript the whole page is rendered with the new draft."""

from __future__ import annotations

import re

from django.contrib import messages
from django.shortcuts import render
from django.utils.html import escape

from conversations.content import html_to_text
from conversations.forms import ComposerForm
from conversations.views.conversation import render_parts, workspace_context
from conversations.views.queue import queue_for

MAX_DRAFT_CHARS = ComposerForm.base_fields["message"].max_length
# The rich composer (static/js/composer_rich.js) posts its HTML; the plain textarea posts text.
_HTML_TAG = re.compile(r"<[a-zA-Z!/][^>]*>")


def posted_draft(request) -> str:
    return (request.POST.get("message") or "")[:MAX_DRAFT_CHARS]


def draft_text(draft: str) -> str:
    """The draft as plain text (what a language model is given to rewrite)."""
    return html_to_text(draft) if _HTML_TAG.search(draft) else draft


def draft_append(draft: str, text: str) -> str:
    """``text`` after the draft, as a new paragraph in the draft's own form (HTML or text)."""
    if not text:
        return draft
    if not _HTML_TAG.search(draft):
        return "\n\n".join(part for part in (draft.rstrip(), text) if part)
    paragraphs = (escape(block).replace("\n", "<br>") for block in re.split(r"\n{2,}", text) if block.strip())
    return draft + "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def composer_with(request, *, message: str, mode: str | None = None) -> ComposerForm:
    """An unbound composer showing ``message``, keeping the posted mode and Cc/Bcc."""
    posted_mode = request.POST.get("mode")
    return ComposerForm(
        initial={
            "mode": mode or (posted_mode if posted_mode in ("reply", "note") else "reply"),
            "message": message,
            "cc": request.POST.get("cc", "")[:2000],
            "bcc": request.POST.get("bcc", "")[:2000],
        }
    )


def composer_answer(
    request,
    tenant,
    conversation,
    *,
    composer: ComposerForm,
    assist: dict | None = None,
    message: str = "",
    level: str = "success",
    status: int = 200,
):
    """The composer with ``composer``'s draft and ``assist`` (``notice``, ``level``, ``undo_url``,
    ``undo_label``, ``previous``, ``sources``), and ``message`` as a toast (or flash message)."""
    if request.htmx:
        return render_parts(
            request, tenant, conversation, message=message, level=level, status=status,
            composer=composer, inline_error=False, extra={"assist": assist},
        )  # fmt: skip
    if message:
        (messages.success if level == "success" else messages.error)(request, message)
    context = workspace_context(request, tenant, conversation, composer=composer)
    context["queue"] = queue_for(request, tenant, conversation)
    context["assist"] = assist
    return render(request, "conversations/conversation/page.html", context, status=status)
