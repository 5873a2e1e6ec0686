"""Conversation lists (all / assigned / unassigned / team / saved view), their filters and
ordering, the detail view, and the per-agent extras of a page (unread counts, last seen)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from conversations.errors import ConversationError
from conversations.models import (
    Conversation,
    ConversationParticipant,
    ConversationReadState,
    Message,
    MessageType,
    Priority,
    SavedView,
    SLAPolicy,
    Status,
    Tag,
)
from conversations.selectors.search import conversation_text_condition
from helpdesk.ids import parse_ids
from helpdesk.models import Membership, Organization

SCOPES = ("all", "assigned", "unassigned")
# ?order_by= values (with an optional "-") → model field.
ORDERINGS = {
    "last_message_at": "last_message_at",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "priority": "priority",
    "waiting_since": "waiting_since",
    "reference_number": "reference_number",
    "next_sla_deadline_at": "sla_next_deadline_at",
    "resolved_at": "resolved_at",
}
DEFAULT_ORDERING = "-last_message_at"
NEVER_NULL = {"last_message_at", "created_at", "updated_at", "reference_number"}
PREVIOUS_CONVERSATIONS = 10


def conversation_base(*, organization: Organization) -> QuerySet[Conversation]:
    """The organization's conversations with what a list row shows joined (the SLA policy's name
    and a merge target's uuid come from ``page_extras``: fewer joins to plan per request)."""
    return (
        Conversation.objects.filter(organization=organization)
        .select_related("contact", "inbox", "status", "assigned_agent__user", "assigned_team")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name").order_by("name")))
    )


def _as_list(value) -> list:
    if value in (None, "", []):
        return []
    if isinstance(value, list | tuple):
        items = value
    else:
        items = str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _ids(values, *, field: str) -> list[int]:
    ids = parse_ids(values)
    if ids is None:
        raise ConversationError(f"{field} must be ids.", field=field)
    return ids


def apply_filters(
    queryset: QuerySet[Conversation], *, organization: Organization, membership: Membership, filters: dict
) -> QuerySet[Conversation]:
    """Filters shared by the list endpoints and saved views.

    status: names or ids; priority: names or ids; team_id, inbox_id, contact_id: ids; assignee:
    "me", "none" or agent ids; tags: names (any of them); text: subject/reference number;
    created_after/created_before: days (YYYY-MM-DD, inclusive, UTC)."""
    statuses = _as_list(filters.get("status"))
    if statuses:
        known = {
            name.lower(): pk
            for pk, name in Status.objects.filter(organization=organization).values_list("pk", "name")
        }
        wanted = []
        for value in statuses:
            if value.lower() in known:
                wanted.append(known[value.lower()])
            elif value.isdigit() and int(value) in known.values():
                wanted.append(int(value))
            else:
                raise ConversationError(f"Unknown status '{value}'.", field="status")
        queryset = queryset.filter(status_id__in=wanted)
    priorities = _as_list(filters.get("priority"))
    if priorities:
        wanted_priorities = []
        labels = {choice.label.lower(): choice.value for choice in Priority}
        for value in priorities:
            if value.lower() in labels:
                wanted_priorities.append(labels[value.lower()])
            elif value.isdigit() and int(value) in Priority.values:
                wanted_priorities.append(int(value))
            else:
                raise ConversationError(f"Unknown priority '{value}'.", field="priority")
        queryset = queryset.filter(priority__in=wanted_priorities)
    teams = _as_list(filters.get("team_id"))
    if teams:
        queryset = queryset.filter(assigned_team_id__in=_ids(teams, field="team"))
    inboxes = _as_list(filters.get("inbox_id"))
    if inboxes:
        queryset = queryset.filter(inbox_id__in=_ids(inboxes, field="inbox"))
    contacts = _as_list(filters.get("contact_id"))
    if contacts:
        queryset = queryset.filter(contact_id__in=_ids(contacts, field="contact"))
    assignee = filters.get("assignee")
    if assignee == "me":
        queryset = queryset.filter(assigned_agent=membership)
    elif assignee == "none":
        queryset = queryset.filter(assigned_agent__isnull=True)
    elif assignee not in (None, "", []):
        queryset = queryset.filter(assigned_agent_id__in=_ids(_as_list(assignee), field="assignee"))
    tags = _as_list(filters.get("tags"))
    if tags:
        tag_query = Q()
        for name in tags:
            tag_query |= Q(tag__name__iexact=name)
        tagged = Conversation.tags.through.objects.filter(tag_query, conversation_id=OuterRef("pk"))
        queryset = queryset.filter(Exists(tagged))
    text = (filters.get("text") or "").strip()
    if text:
        queryset = queryset.filter(conversation_text_condition(text))
    for key, lookup in (
        ("created_after", "created_at__date__gte"),
        ("created_before", "created_at__date__lte"),
    ):
        if filters.get(key):
            try:
                day = date.fromisoformat(str(filters[key]))
            except ValueError:
                raise ConversationError(f"{key} must be a date (YYYY-MM-DD).", field=key) from None
            queryset = queryset.filter(**{lookup: day})
    return queryset


def apply_ordering(queryset: QuerySet[Conversation], order_by: str | None) -> QuerySet[Conversation]:
    value = (order_by or DEFAULT_ORDERING).strip()
    descending = value.startswith("-")
    field = ORDERINGS.get(value.lstrip("-"))
    if field is None:
        raise ConversationError(
            f"order_by must be one of {', '.join(ORDERINGS)} (prefix - for descending).", field="order_by"
        )
    if field in NEVER_NULL:
        # Plain ORDER BY, which the (organization, …, -last_message_at) indexes serve directly.
        return queryset.order_by(f"-{field}" if descending else field, "-id" if descending else "id")
    expression = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return queryset.order_by(expression, "-id" if descending else "id")


def conversation_list(
    *,
    organization: Organization,
    membership: Membership,
    scope: str = "all",
    team_id: int | None = None,
    filters: dict | None = None,
    order_by: str | None = None,
) -> QuerySet[Conversation]:
    """``scope``: all; assigned (to ``membership``); unassigned (no agent and no team, as in
    Libredesk). ``team_id`` narrows to a team's conversations without an agent."""
    queryset = conversation_base(organization=organization)
    if scope == "assigned":
        queryset = queryset.filter(assigned_agent=membership)
    elif scope == "unassigned":
        queryset = queryset.filter(assigned_agent__isnull=True, assigned_team__isnull=True)
    elif scope != "all":
        raise ConversationError(f"Unknown list '{scope}'.")
    if team_id is not None:
        queryset = queryset.filter(assigned_team_id=team_id, assigned_agent__isnull=True)
    queryset = apply_filters(
        queryset, organization=organization, membership=membership, filters=filters or {}
    )
    return apply_ordering(queryset, order_by)


def saved_view_conversations(
    *, view: SavedView, membership: Membership, filters: dict | None = None, order_by: str | None = None
) -> QuerySet[Conversation]:
    """A saved view's conversations; extra ``filters`` narrow it further."""
    queryset = conversation_base(organization=view.organization)
    queryset = apply_filters(
        queryset, organization=view.organization, membership=membership, filters=view.filters
    )
    queryset = apply_filters(
        queryset, organization=view.organization, membership=membership, filters=filters or {}
    )
    return apply_ordering(queryset, order_by)


def conversation_get(*, organization: Organization, uuid) -> Conversation | None:
    return conversation_base(organization=organization).filter(uuid=uuid).first()


def previous_conversations(
    *, conversation: Conversation, limit: int = PREVIOUS_CONVERSATIONS
) -> list[Conversation]:
    """The contact's other conversations, newest first."""
    return list(
        Conversation.objects.filter(organization_id=conversation.organization_id, contact_id=conversation.contact_id)
        .exclude(pk=conversation.pk)
        .select_related("status")
        .only(
            "id", "uuid", "reference_number", "subject", "created_at", "updated_at", "last_message_preview",
            "last_message_at", "status__name", "status__category",
        )
        .order_by("-created_at", "-id")[:limit]
    )  # fmt: skip


def page_extras(*, conversations: list[Conversation], membership: Membership) -> dict:
    """Values of a page of conversations that are not on their rows, in two to four queries
    whatever the page size:

    - ``unread`` {conversation id: incoming messages since ``membership`` last saw it};
    - ``assignee_last_seen`` {conversation id: when its assigned agent last saw it};
    - ``sla_policy_names`` {policy id: name} and ``merged_into_uuids`` {conversation id: uuid}
      (a query each, only when the page has such conversations)."""
    ids = [conversation.pk for conversation in conversations]
    extras = {"unread": {}, "assignee_last_seen": {}, "sla_policy_names": {}, "merged_into_uuids": {}}
    if not ids:
        return extras
    assignees = {c.pk: c.assigned_agent_id for c in conversations if c.assigned_agent_id}
    states = ConversationReadState.objects.filter(
        conversation_id__in=ids, membership_id__in={membership.pk, *assignees.values()}
    )
    extras["assignee_last_seen"] = {
        conversation_id: seen
        for conversation_id, member_id, seen in states.values_list(
            "conversation_id", "membership_id", "last_seen_at"
        )
        if assignees.get(conversation_id) == member_id
    }
    my_seen = ConversationReadState.objects.filter(
        conversation_id=OuterRef("conversation_id"), membership_id=membership.pk
    ).values("last_seen_at")[:1]
    extras["unread"] = dict(
        Message.objects.filter(conversation_id__in=ids, type=MessageType.INCOMING)
        .annotate(seen=Subquery(my_seen))
        .filter(Q(seen__isnull=True) | Q(created_at__gt=F("seen")))
        .order_by()
        .values("conversation_id")
        .annotate(count=Count("id"))
        .values_list("conversation_id", "count")
    )
    policy_ids = {c.sla_policy_id for c in conversations if c.sla_policy_id}
    if policy_ids:
        extras["sla_policy_names"] = dict(
            SLAPolicy.objects.filter(pk__in=policy_ids).values_list("pk", "name")
        )
    merged_ids = {c.merged_into_id for c in conversations if c.merged_into_id}
    if merged_ids:
        extras["merged_into_uuids"] = dict(
            Conversation.objects.filter(pk__in=merged_ids).values_list("pk", "uuid")
        )
    return extras


def participant_list(*, conversation: Conversation) -> list[Membership]:
    return [
        participant.membership
        for participant in ConversationParticipant.objects.filter(conversation=conversation).select_related(
            "membership__user"
        )
    ]
