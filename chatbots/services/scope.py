"""What a chatbot may read, and the query it searches with.

A bot reads its product documents, the documents and KB items of its knowledge categories, and
the answers verified for it in the monitor: never the rest of the organization, never another
organization. ``bot_sources`` applies that scope to the knowledge retrieval (and checks every
passage it gets back against the same scope). Follow-up questions are rewritten into a
standalone query with the chat history first (``rewrite_query``)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings

from chatbots.models import Chatbot
from chatbots.services.grounding import STOP_WORDS, says_unknown
from chatbots.services.prompting import rewrite_messages
from helpdesk import ollama

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ANAPHORA = frozenset(
    "it its this that these those they them their there he she his her one ones same above "
    "also else another other and".split()
)
_REWRITE_PREFIX = re.compile(r"^\s*(?:standalone\s+question|rewritten\s+question|question)\s*:\s*", re.I)
MAX_QUERY_CHARS = 500
SHORT_FOLLOW_UP_WORDS = 3


@dataclass(frozen=True)
class BotScope:
    document_ids: tuple[int, ...]
    categories: tuple[str, ...]
    kb_item_ids: tuple[int, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.document_ids or self.categories or self.kb_item_ids)

    def allows(self, chunk) -> bool:
        if chunk.source_type == "kb_item":
            return chunk.kb_item_id in self.kb_item_ids or (chunk.category or "") in self.categories
        return chunk.document_id in self.document_ids or (chunk.category or "") in self.categories


def bot_scope(chatbot: Chatbot) -> BotScope:
    categories = tuple(sorted({str(c).strip() for c in chatbot.knowledge_categories or [] if str(c).strip()}))
    return BotScope(
        document_ids=tuple(sorted(chatbot.product_documents.values_list("id", flat=True))),
        categories=categories,
        kb_item_ids=tuple(sorted(chatbot.verified_items.values_list("id", flat=True))),
    )


def bot_sources(*, chatbot: Chatbot, query: str, k: int | None = None, scope: BotScope | None = None) -> list:
    """The passages (``knowledge.retrieval.RetrievedChunk``) the bot may answer ``query`` from,
    best first. Nothing at all when the bot has no sources configured."""
    from knowledge import retrieval

    scope = scope or bot_scope(chatbot)
    if scope.is_empty or not query.strip():
        return []
    chunks = retrieval.retrieve(
        organization=chatbot.organization,
        query=query,
        document_ids=list(scope.document_ids),
        categories=list(scope.categories),
        kb_item_ids=list(scope.kb_item_ids),
        include_kb_items=True,
        k=k or settings.CHATBOT_RETRIEVAL_K,
    )
    allowed = [chunk for chunk in chunks if scope.allows(chunk)]
    if len(allowed) != len(chunks):  # the retrieval's own filter should already have done this
        logger.error(
            "retrieval returned %d passages outside chatbot %s's scope",
            len(chunks) - len(allowed),
            chatbot.pk,
        )
    return allowed


def ordered_words(text: str) -> list[str]:
    seen: list[str] = []
    for word in (w.lower() for w in _WORD.findall(text or "")):
        if len(word) >= 3 and word not in STOP_WORDS and word not in seen:
            seen.append(word)
    return seen


def keyword_rewrite(question: str, previous_questions: Sequence[str]) -> str:
    """Deterministic rewrite: a short or referring follow-up gets the key terms of the previous
    question in front of it ("How long does it last?" → "warranty laptop How long does it last?")."""
    if not previous_questions:
        return question
    words = [w.lower() for w in _WORD.findall(question)]
    content = ordered_words(question)
    refers = any(w in _ANAPHORA for w in words)
    if len(content) > SHORT_FOLLOW_UP_WORDS and not refers:
        return question
    carried = [w for w in ordered_words(previous_questions[-1]) if w not in content][:8]
    return f"{' '.join(carried)} {question}".strip() if carried else question


@dataclass
class Rewrite:
    query: str
    method: str  # none | llm | keywords
    elapsed_ms: float = 0.0
    ollama_error: Exception | None = field(default=None, repr=False)


def _clean_rewrite(text: str) -> str:
    line = next((ln.strip() for ln in (text or "").splitlines() if ln.strip()), "")
    line = _REWRITE_PREFIX.sub("", line).strip().strip("\"“”'").strip()
    return line


def rewrite_query(
    *, chatbot: Chatbot, host: str, question: str, previous_questions: Sequence[str]
) -> Rewrite:
    """The standalone query for retrieval. With history and ``CHATBOT_QUERY_REWRITE=llm`` the
    model rewrites it; when the model is unreachable, fails or answers something unusable, the
    deterministic keyword rewrite is used (and ``ollama_error`` says why, so the caller does not
    wait for an unreachable server a second time)."""
    if not previous_questions:
        return Rewrite(query=question, method="none")
    mode = str(settings.CHATBOT_QUERY_REWRITE).strip().lower()
    if mode == "off":
        return Rewrite(query=question, method="none")
    started = time.perf_counter()
    error = None
    if mode == "llm":
        try:
            answer = ollama.chat(
                rewrite_messages(previous_questions=previous_questions[-3:], question=question),
                model=chatbot.model,
                host=host,
                options={"temperature": 0, "num_predict": 96},
            )
            rewritten = _clean_rewrite(answer["content"])
            if rewritten and len(rewritten) <= MAX_QUERY_CHARS and not says_unknown(rewritten):
                return Rewrite(query=rewritten, method="llm", elapsed_ms=_ms(started))
        except ollama.OllamaError as exc:
            logger.info("query rewrite by the model failed, using keywords: %s", exc)
            error = exc
    return Rewrite(
        query=keyword_rewrite(question, previous_questions),
        method="keywords",
        elapsed_ms=_ms(started),
        ollama_error=error,
    )


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
