"""Reads only the agent UI needs: the inbox tabs and their counts, the inbox search (subject,
reference, contact and message text), change fingerprints for live polling, and the contact
pages' lists. Every query is scoped to one organization and costs a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from conversations.models import Contact, Conversation, SavedView, StatusCategory
from conversations.selectors.conversations import apply_filters, apply_ordering, conversation_base
from conversations.selectors.search import conversation_text_condition
from helpdesk.models import Membership, Organization

TAB_KINDS = ("mine", "unassigned", "all", "team", "view")


@dataclass(frozen=True)
class InboxTab:
    """Which list the agent looks at: ``mine``, ``unassigned`` (no agent), ``all``, a ``team``'s
    conversations (``team_id``) or a saved ``view``."""

    kind: str
    team_id: int | None = None
    view: SavedView | None = None


def inbox_conversations(
    *,
    organization: Organization,
    membership: Membership,
    tab: InboxTab,
    categories: list[str] | None = None,
    filters: dict | None = None,
    search: str = "",
    order_by: str | None = None,
) -> QuerySet[Conversation]:
    """The conversations of an inbox tab, narrowed by status ``categories``, the list filters of
    ``apply_filters`` (status ids, priority, assignee, tags, inbox) and a ``search`` text."""
    if tab.kind not in TAB_KINDS:
        raise ValueError(f"unknown inbox tab {tab.kind!r}")
    queryset = conversation_base(organization=organization)
    if tab.kind == "mine":
        queryset = queryset.filter(assigned_agent=membership)
    elif tab.kind == "unassigned":
        queryset = queryset.filter(assigned_agent__isnull=True)
    elif tab.kind == "team":
        queryset = queryset.filter(assigned_team_id=tab.team_id)
    elif tab.kind == "view":
        queryset = apply_filters(
            queryset, organization=organization, membership=membership, filters=tab.view.filters
        )
    if categories:
        queryset = queryset.filter(status__category__in=categories)
    queryset = apply_filters(
        queryset, organization=organization, membership=membership, filters=filters or {}
    )
    if search.strip():
        queryset = queryset.filter(conversation_text_condition(search))
    return apply_ordering(queryset, order_by)


def inbox_counts(*, organization: Organization, membership: Membership, team_ids: list[int]) -> dict:
    """Open conversations per built-in tab and per team, in two queries."""
    active = Conversation.objects.filter(organization=organization, status__category=StatusCategory.OPEN)
    counts = active.aggregate(
        mine=Count("id", filter=Q(assigned_agent=membership)),
        unassigned=Count("id", filter=Q(assigned_agent__isnull=True)),
        all=Count("id"),
    )
    teams = {}
    if team_ids:
        teams = dict(
            active.filter(assigned_team_id__in=team_ids)
            .order_by()
            .values_list("assigned_team_id")
            .annotate(count=Count("id"))
        )
    return {**counts, "teams": teams}


def list_fingerprint(queryset: QuerySet[Conversation]) -> str:
    """Changes whenever a conversation of the list is added, removed, updated or gets a message."""
    values = queryset.order_by().aggregate(
        count=Count("id"), updated=Max("updated_at"), last_message=Max("last_message_at")
    )
    updated = values["updated"].timestamp() if values["updated"] else 0
    last = values["last_message"].timestamp() if values["last_message"] else 0
    return f"{values['count']}-{updated:.6f}-{last:.6f}"


def thread_fingerprint(*, conversation_id: int) -> str:
    """Changes when the conversation or any entry of its thread changes (one query)."""
    values = Conversation.objects.filter(pk=conversation_id).aggregate(
        updated=Max("updated_at"),
        message_count=Count("messages"),
        last_message=Max("messages__updated_at"),
    )
    updated = values["updated"].timestamp() if values["updated"] else 0
    last = values["last_message"].timestamp() if values["last_message"] else 0
    return f"{values['message_count']}-{updated:.6f}-{last:.6f}"


def merge_candidates(*, conversation: Conversation, limit: int = 50) -> list[Conversation]:
    """The contact's other conversations that this one can be merged into, newest first."""
    return list(
        Conversation.objects.filter(
            organization_id=conversation.organization_id,
            contact_id=conversation.contact_id,
            merged_into__isnull=True,
        )
        .exclude(pk=conversation.pk)
        .select_related("status")
        .order_by("-created_at", "-id")[:limit]
    )


def contacts_with_counts(queryset: QuerySet[Contact]) -> QuerySet[Contact]:
    """A contact list with each contact's number of conversations (one query per page)."""
    return queryset.annotate(conversation_count=Count("conversations", distinct=True))


def contact_conversations(*, contact: Contact) -> QuerySet[Conversation]:
    return (
        Conversation.objects.filter(organization_id=contact.organization_id, contact=contact)
        .select_related("status", "assigned_agent__user", "inbox")
        .order_by("-created_at", "-id")
    )
