"""AI in the agent's composer: rewrite the draft with a built-in prompt, add the conversation's
summary as a private note, and turn a reply suggestion into a draft. Built on ``assist``; the
model's absence is never papered over: rewrite and summary raise ``OllamaError`` for the view to
say so, and a suggestion without the model becomes the best passages, labelled as such."""

from __future__ import annotations

from chatbots.services.assist import AssistError, ai_completion, conversation_summarize
from conversations.models import Message
from conversations.services.messages import message_create
from helpdesk.models import Membership

# The composer's rewrite choices → the organization's prompt (built-ins, editable by admins).
REWRITES = {
    "friendlier": ("reply_friendly", "Friendlier"),
    "shorter": ("shorten", "Shorter"),
    "grammar": ("fix_grammar", "Fix grammar"),
}
PASSAGES_SHOWN = 3


def draft_rewrite(*, organization, rewrite: str, draft: str) -> str:
    """The draft rewritten by the prompt behind ``rewrite`` (one of ``REWRITES``)."""
    if rewrite not in REWRITES:
        raise AssistError(
            f"Choose one of: {', '.join(label for _, label in REWRITES.values())}.", field="rewrite"
        )
    text = ai_completion(organization=organization, prompt_key=REWRITES[rewrite][0], content=draft)
    if not text.strip():
        raise AssistError("The language model returned no text; the draft is unchanged.", code="bad_gateway")
    return text


def conversation_summary_note(*, conversation, actor: Membership) -> Message:
    """The AI summary of the conversation (with the customer's sentiment) as a private note."""
    summary = conversation_summarize(conversation=conversation)
    lines = [f"AI summary: {summary['summary']}", f"Customer sentiment: {summary['sentiment']}"]
    if summary["sentiment_text_list"]:
        lines.append("Shown by: " + "; ".join(f"“{phrase}”" for phrase in summary["sentiment_text_list"][:5]))
    return message_create(conversation=conversation, content="\n".join(lines), actor=actor, private=True)


def passages_draft(sources: list[dict]) -> str:
    """Retrieval-only mode: the best passages as a starting point the agent edits (the model
    wrote nothing, so nothing here pretends it did)."""
    return "\n\n".join(source["snippet"] for source in sources[:PASSAGES_SHOWN] if source.get("snippet"))
