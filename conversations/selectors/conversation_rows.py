"""Conversation rows as plain values for the API's hot lists and the detail (issue 14).

A page is one query holding every column a row shows (the joined contact, inbox, status,
agent, team, SLA policy, merge target, and the caller's unread count and the assignee's last
visit as subqueries evaluated for the page's rows only) plus one query for the page's tags: no
model instances, no per-row lookups. ``conversations.api.serializers.conversation_rows`` turns
the values into the same JSON as ``ConversationListSerializer``/``ConversationDetailSerializer``.

Unfiltered lists (any scope, team and ordering), the ticket list and the detail run as
``PreparedRows``: their SQL is compiled once per process, since compiling it cost more than
running it. A filtered list is built by the same selectors and compiled each time."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Callable

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from conversations.models import Conversation, ConversationReadState, Message, MessageType, Tag
from conversations.selectors.conversations import DEFAULT_ORDERING, ORDERINGS, SCOPES, conversation_list
from helpdesk.models import Membership, Organization
from helpdesk.prepared_queries import PreparedRows

LIST_FIELDS = (
    "id", "uuid", "reference_number", "created_at", "updated_at", "subject",
    "contact_id", "contact__first_name", "contact__last_name", "contact__email", "contact__avatar_url",
    "contact__created_at", "contact__updated_at",
    "inbox_id", "inbox__name", "inbox__channel",
    "status_id", "status__name", "status__category",
    "priority", "assigned_agent_id", "assigned_team_id",
    "assigned_agent__user__first_name", "assigned_agent__user__last_name", "assigned_agent__user__email",
    "assigned_agent__user__avatar_url", "assigned_team__name", "assigned_team__emoji",
    "snoozed_until", "waiting_since", "first_reply_at", "last_reply_at", "resolved_at", "closed_at",
    "last_message_preview", "last_message_at", "last_message_sender",
    "sla_policy_id", "sla_policy__name", "first_response_deadline_at", "next_response_deadline_at",
    "next_response_met_at", "resolution_deadline_at", "sla_next_deadline_at", "sla_at_risk_at",
    "merged_into__uuid",
)  # fmt: skip
DETAIL_FIELDS = (
    *LIST_FIELDS,
    "contact__phone_number", "contact__phone_number_country_code", "contact__custom_attributes",
    "contact__enabled", "inbox__email", "custom_attributes", "meta", "organization_id",
)  # fmt: skip
TICKET_FIELDS = (
    "id", "uuid", "reference_number", "subject", "status__name", "priority", "contact_id",
    "contact__first_name", "contact__last_name", "contact__email", "assigned_agent_id",
    "assigned_team_id", "created_at", "updated_at", "resolved_at", "closed_at",
)  # fmt: skip
PREVIOUS_FIELDS = (
    "id", "uuid", "reference_number", "subject", "status__name", "last_message_preview",
    "last_message_at", "created_at", "updated_at",
)  # fmt: skip


def _per_member(membership: Membership) -> dict:
    """``unread_count``: incoming messages since ``membership`` last saw the conversation (all
    of them when never); ``assignee_seen_at``: when its assigned agent last saw it."""
    my_seen = ConversationReadState.objects.filter(
        conversation_id=OuterRef("conversation_id"), membership_id=membership.pk
    ).values("last_seen_at")[:1]
    unread = (
        Message.objects.filter(conversation_id=OuterRef("pk"), type=MessageType.INCOMING)
        .annotate(seen=Subquery(my_seen))
        .filter(Q(seen__isnull=True) | Q(created_at__gt=F("seen")))
        .order_by()
        .values("conversation_id")
        .annotate(count=Count("id"))
        .values("count")
    )
    assignee_seen = ConversationReadState.objects.filter(
        conversation_id=OuterRef("pk"), membership_id=OuterRef("assigned_agent_id")
    ).values("last_seen_at")[:1]
    return {
        "unread_count": Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        "assignee_seen_at": Subquery(assignee_seen),
    }


def queryset_rows(queryset: QuerySet[Conversation], *, membership: Membership) -> QuerySet[dict]:
    """Any conversation list (a saved view's, a filtered one) as row values."""
    return queryset.prefetch_related(None).values(*LIST_FIELDS, **_per_member(membership))


class RowList:
    """A list of row values as Django's paginator takes it: ``count()`` through the ORM (only
    called when the count is not cached), a slice through a prepared query."""

    def __init__(self, *, count: Callable[[], int], page: Callable[[int, int], list[dict]]):
        self._count, self._page = count, page

    def count(self) -> int:
        return self._count()

    def __getitem__(self, bounds: slice) -> list[dict]:
        start, stop = bounds.start or 0, bounds.stop
        return self._page(stop - start, start) if stop > start else []


def _stand_ins(organization: int, membership: int) -> tuple[Organization, Membership]:
    """Rows that only carry the keys a prepared query is built with."""
    return Organization(pk=organization), Membership(pk=membership, organization_id=organization)


def _is_filtered(filters: dict | None) -> bool:
    return any(value not in (None, "", []) for value in (filters or {}).values())


_PREPARED: dict[tuple, PreparedRows] = {}
ARGUMENTS = {"organization": int, "membership": int, "team": int}


def _prepared(key: tuple, build: Callable[..., QuerySet]) -> PreparedRows:
    """One ``PreparedRows`` per list shape (scope, team or not, ordering) and process."""
    prepared = _PREPARED.get(key)
    if prepared is None:
        prepared = _PREPARED.setdefault(key, PreparedRows(build, arguments=ARGUMENTS))
    return prepared


def list_rows(
    *,
    organization: Organization,
    membership: Membership,
    scope: str = "all",
    team_id: int | None = None,
    filters: dict | None = None,
    order_by: str | None = None,
) -> QuerySet[dict] | RowList:
    """``conversation_list`` (same arguments, same rows in the same order) as row values."""

    def queryset(organization=organization, membership=membership, team_id=team_id) -> QuerySet:
        return conversation_list(
            organization=organization,
            membership=membership,
            scope=scope,
            team_id=team_id,
            filters=filters,
            order_by=order_by,
        )

    ordering = (order_by or DEFAULT_ORDERING).strip()
    if _is_filtered(filters) or scope not in SCOPES or ordering.lstrip("-") not in ORDERINGS:
        return queryset_rows(queryset(), membership=membership)

    def build(organization, membership, team):
        organization, membership = _stand_ins(organization, membership)
        rows = queryset(organization, membership, team if team_id is not None else None)
        return queryset_rows(rows, membership=membership)

    prepared = _prepared(("list", scope, team_id is not None, ordering), build)
    arguments = {"organization": organization.pk, "membership": membership.pk, "team": team_id or 0}
    return RowList(
        count=lambda: queryset().count(),
        page=lambda limit, offset: prepared.rows(limit=limit, offset=offset, **arguments),
    )


def _first_message_text():
    return (
        Message.objects.filter(conversation=OuterRef("pk"))
        .exclude(type=MessageType.ACTIVITY)
        .order_by("created_at", "id")
        .values("text_content")[:1]
    )


def ticket_rows(
    *, organization: Organization, membership: Membership, status=None, priority=None
) -> QuerySet[dict] | RowList:
    """The ticket list (newest first, optionally by status and priority) as row values with
    ``description``, the first message's text (computed for the page's rows only)."""

    def queryset(organization=organization, membership=membership) -> QuerySet:
        return conversation_list(
            organization=organization,
            membership=membership,
            filters={"status": status, "priority": priority},
            order_by="-created_at",
        )

    if _is_filtered({"status": status, "priority": priority}):
        return (
            queryset()
            .prefetch_related(None)
            .values(*TICKET_FIELDS, description=Subquery(_first_message_text()))
        )

    def build(organization, membership, team):
        rows = queryset(*_stand_ins(organization, membership))
        return rows.prefetch_related(None).values(*TICKET_FIELDS, description=Subquery(_first_message_text()))

    prepared = _prepared(("tickets",), build)
    arguments = {"organization": organization.pk, "membership": membership.pk, "team": 0}
    return RowList(
        count=lambda: queryset().count(),
        page=lambda limit, offset: prepared.rows(limit=limit, offset=offset, **arguments),
    )


def _build_detail(organization, membership, conversation):
    organization, membership = _stand_ins(organization, membership)
    return Conversation.objects.filter(organization=organization, uuid=conversation).values(
        *DETAIL_FIELDS, **_per_member(membership)
    )


def _build_previous(organization, contact, conversation):
    return (
        Conversation.objects.filter(organization_id=organization, contact_id=contact)
        .exclude(pk=conversation)
        .order_by("-created_at", "-id")
        .values(*PREVIOUS_FIELDS)
    )


DETAIL = PreparedRows(
    _build_detail, arguments={"organization": int, "membership": int, "conversation": uuid_module.UUID}
)
PREVIOUS = PreparedRows(_build_previous, arguments={"organization": int, "contact": int, "conversation": int})


def detail_row(*, organization: Organization, uuid, membership: Membership) -> dict | None:
    """One conversation with what its detail shows, or None (not there, or another
    organization's)."""
    rows = DETAIL.rows(
        limit=1,
        organization=organization.pk,
        membership=membership.pk,
        conversation=uuid_module.UUID(str(uuid)),
    )
    return rows[0] if rows else None


def previous_rows(*, row: dict, limit: int) -> list[dict]:
    """The contact's other conversations, newest first (as ``previous_conversations``)."""
    return PREVIOUS.rows(
        limit=limit, organization=row["organization_id"], contact=row["contact_id"], conversation=row["id"]
    )


def tag_names(conversation_ids) -> dict[int, list[str]]:
    """{conversation id: its tag names in name order} for a whole page, in one query (plain
    SQL over the tag link table: a page has a different number of ids each time)."""
    ids = [int(value) for value in conversation_ids]
    if not ids:
        return {}
    link = Conversation.tags.through._meta
    quote, name = connection.ops.quote_name, Tag._meta.get_field("name").column
    sql = (
        f"SELECT l.{quote(link.get_field('conversation').column)}, t.{quote(name)} "
        f"FROM {quote(link.db_table)} l INNER JOIN {quote(Tag._meta.db_table)} t "
        f"ON t.{quote(Tag._meta.pk.column)} = l.{quote(link.get_field('tag').column)} "
        f"WHERE l.{quote(link.get_field('conversation').column)} IN ({', '.join(['%s'] * len(ids))}) "
        f"ORDER BY t.{quote(name)}"
    )
    names: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        for conversation_id, name in cursor.fetchall():
            names.setdefault(conversation_id, []).append(name)
    return names
