"""Text search over conversations and messages.

On PostgreSQL: full-text search (``websearch_to_tsquery`` with the ``simple`` configuration)
against messages' stored ``search_vector`` and an expression over conversation subjects, both
GIN-indexed by the migrations. Elsewhere (SQLite, the embedded default): case-insensitive
substring matching."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact
from django.db import connection
from django.db.models import F, Q, QuerySet

from conversations.errors import ConversationError
from conversations.models import Conversation, Message, MessageType
from helpdesk.models import Organization

SEARCH_CONFIG = "simple"  # no stemming or stop words: conversations come in every language
# Below this many matches, PostgreSQL should read them through the full-text index and sort
# them, rather than walk the recency index testing every row (see ``order_matches``).
SPARSE_MATCHES = 5_000
# Searches count at most this many matches (counting every one of a very common word is the
# slowest part of a search); ``count`` says "at least this many" beyond it.
MAX_COUNTED = 10_000
MIN_QUERY_LENGTH = 3
MAX_QUERY_LENGTH = 200


def full_text_enabled() -> bool:
    return connection.vendor == "postgresql"


def clean_query(query: str | None) -> str:
    query = " ".join((query or "").split())
    if len(query) < MIN_QUERY_LENGTH:
        raise ConversationError(f"The query needs at least {MIN_QUERY_LENGTH} characters.", field="query")
    return query[:MAX_QUERY_LENGTH]


def text_match(field: str, query: str) -> Q:
    """``field`` (a conversation's ``subject`` or a message's ``text_content``) matches
    ``query``: full text on PostgreSQL, a substring elsewhere. On PostgreSQL a message's text is
    matched through its stored ``search_vector``; other fields through the very expression their
    GIN index was built on."""
    if full_text_enabled():
        search = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        if field == "text_content":
            return Q(search_vector=search)
        return Q(SearchVectorExact(SearchVector(field, config=SEARCH_CONFIG), search))
    return Q(**{f"{field}__icontains": query})


def conversation_text_condition(query: str) -> Q:
    """The one conversation search of the UI and the API: the subject, the reference number
    (``42`` or ``#42``), the contact's name or email, or the text of any message or note (not
    activity entries). Queries shorter than ``MIN_QUERY_LENGTH`` only match the reference number."""
    query = " ".join((query or "").split())[:MAX_QUERY_LENGTH]
    digits = query.lstrip("#")
    condition = Q(pk__in=[])
    if digits.isdigit() and len(digits) < 10:
        condition |= Q(reference_number=int(digits))
    if len(query) < MIN_QUERY_LENGTH:
        return condition
    messages = (
        Message.objects.exclude(type=MessageType.ACTIVITY)
        .filter(text_match("text_content", query))
        .values("conversation_id")
    )
    condition |= text_match("subject", query) | Q(pk__in=messages)
    condition |= Q(contact__email__icontains=query)
    for word in query.split()[:3]:
        condition |= Q(contact__first_name__icontains=word) | Q(contact__last_name__icontains=word)
    return condition


def conversation_search(*, organization: Organization, query: str) -> QuerySet[Conversation]:
    query = clean_query(query)
    return (
        Conversation.objects.filter(organization=organization)
        .filter(conversation_text_condition(query))
        .select_related("contact", "status")
        .order_by("-created_at", "-id")
    )


def message_search(*, organization: Organization, query: str) -> QuerySet[Message]:
    """Messages and notes (not activity entries) whose text matches, newest first."""
    query = clean_query(query)
    return (
        Message.objects.filter(organization=organization)
        .exclude(type=MessageType.ACTIVITY)
        .filter(text_match("text_content", query))
        .select_related("conversation")
        .order_by("-created_at", "-id")
    )


def count_matches(queryset: QuerySet) -> int:
    """How many rows match, counted up to ``MAX_COUNTED``."""
    return queryset.order_by()[:MAX_COUNTED].count()


def order_matches(queryset: QuerySet, match_count: int) -> QuerySet:
    """Newest first, in the way that is fast for this many matches. With few matches (a rare
    word), an ORDER BY the recency index cannot serve (NULLS LAST) makes PostgreSQL fetch them
    from the GIN index and sort them; with many, the plain order lets it walk the recency index
    and stop at the first page. Computing ``to_tsvector`` on each row walked is what makes the
    wrong choice slow, and the planner underestimates it."""
    if full_text_enabled() and match_count <= SPARSE_MATCHES:
        return queryset.order_by(F("created_at").desc(nulls_last=True), "-id")
    return queryset
