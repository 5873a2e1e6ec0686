"""Bulk changes of many conversations in one call: assign (agent or team), status, snooze,
priority, tags and merge. Each conversation ends up exactly as the single-change service would
leave it (its activity entry, ``conversation.updated``/``ticket.*`` events, webhooks), but the
rows are read in one query, written with one batched UPDATE and the activity entries inserted
with one INSERT. Changes that involve per-conversation rules of their own (a team's round robin,
merging threads) run the single-change service for each conversation inside one transaction.

Every id must belong to ``actor``'s organization: an id that does not is refused as a whole
(``NotFound``, nothing changed), so a stale or forged selection never half-applies. Merge is in
``bulk_merge``, undo in ``bulk_undo``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from conversations.errors import ConversationError, NotFound
from conversations.models import (
    Conversation,
    ConversationParticipant,
    Message,
    SLAPolicy,
    Status,
    StatusCategory,
)
from conversations.services import defaults
from conversations.services.activity import activity_build, actor_name, updated_events
from conversations.services.assignment import conversation_assign_team
from conversations.services.catalog import priority_value, tags_get_or_create
from conversations.services.csat import csat_conversations_resolved
from conversations.services.lifecycle import parse_snooze_until
from conversations.services.notifications import notify_assigned
from conversations.services.sla import SLA_FIELDS, policy_matches, sla_recompute
from helpdesk import events
from helpdesk.models import Membership, Role, Team

MAX_BULK = 1000
BULK_ACTIONS = ("assign_agent", "assign_team", "status", "snooze", "priority", "tags", "merge")
UNDOABLE = ("assign_agent", "status", "snooze", "priority", "tags")


@dataclass
class BulkResult:
    """``changed``: conversations that changed (the others already were so); ``previous``:
    conversation id → the value before, for the actions an undo can restore."""

    action: str
    changed: int
    selected: int
    previous: dict[int, object] = field(default_factory=dict)


def _load(*, actor: Membership, conversation_ids: list[int]) -> list[Conversation]:
    ids = sorted({int(pk) for pk in conversation_ids})
    if not ids:
        raise ConversationError("Select at least one conversation.", field="conversation_ids")
    if len(ids) > MAX_BULK:
        raise ConversationError(
            f"At most {MAX_BULK} conversations can be changed at once.", field="conversation_ids"
        )
    conversations = list(
        Conversation.objects.filter(organization_id=actor.organization_id, pk__in=ids)
        .select_related("organization", "contact", "inbox", "status", "assigned_agent__user", "assigned_team")
        .prefetch_related("tags")
        .order_by("pk")
    )
    if len(conversations) != len(ids):
        missing = len(ids) - len(conversations)
        raise NotFound(
            f"{missing} of the selected conversations were not found; nothing was changed.",
            field="conversation_ids",
        )
    return conversations


def _check_actor(actor: Membership) -> None:
    if not actor.is_active or not actor.has_role(Role.AGENT):
        raise ConversationError("Only agents can change conversations.", code="permission_denied")


MAX_UPDATE_GROUPS = 8


def _write(conversations: list[Conversation], fields: list[str], activities: list[Message]) -> None:
    """The rows' new values in as few UPDATEs as possible: one per distinct set of values (the
    usual case: every row gets the same agent), else one batched CASE UPDATE per 500 rows."""
    now = timezone.now()
    for conversation in conversations:
        conversation.updated_at = now
    columns = [Conversation._meta.get_field(name).attname for name in fields]
    groups: dict[tuple, list[int]] = {}
    for conversation in conversations:
        groups.setdefault(tuple(getattr(conversation, column) for column in columns), []).append(
            conversation.pk
        )
    if len(groups) <= MAX_UPDATE_GROUPS:
        for values, ids in groups.items():
            Conversation.objects.filter(pk__in=ids).update(
                updated_at=now, **dict(zip(columns, values, strict=True))
            )
    else:
        Conversation.objects.bulk_update(conversations, [*fields, "updated_at"], batch_size=500)
    Message.objects.bulk_create(activities, batch_size=500)


def _emit(changes: list[tuple[Conversation, dict, str | None]]) -> None:
    """Each conversation's ``conversation.updated``/``ticket.*`` events, as the single change
    emits them, dispatched together after the commit (one transaction for what subscribers write)."""
    if changes:
        items = [
            item
            for conversation, change, category in changes
            for item in updated_events(conversation, changes=change, previous_category=category)
        ]
        events.emit_batch(changes[0][0].organization, items)


def _policies(organization_id: int) -> list[SLAPolicy]:
    return list(
        SLAPolicy.objects.filter(organization_id=organization_id, is_active=True).select_related(
            "business_hours"
        )
    )


def _recompute_sla(conversation: Conversation, policies: list[SLAPolicy]) -> None:
    """``sla_recompute(reselect=True)`` with the organization's policies read once for the batch."""
    team = conversation.assigned_team
    policy = None
    if team is not None and getattr(team, "sla_policy_id", None):
        policy = next((p for p in policies if p.pk == team.sla_policy_id), None)
    if policy is None:
        policy = next((p for p in policies if policy_matches(p, conversation)), None)
    sla_recompute(conversation, policy=policy)


@transaction.atomic
def conversations_bulk_assign_agent(
    *, actor: Membership, conversation_ids: list[int], agent: Membership | None
) -> BulkResult:
    """Assign every selected conversation to ``agent`` (``None`` unassigns)."""
    _check_actor(actor)
    if agent is not None and (agent.organization_id != actor.organization_id or not agent.is_active):
        raise NotFound("Agent not found.", field="assignee_id")
    conversations = _load(actor=actor, conversation_ids=conversation_ids)
    target = agent.pk if agent else None
    changed = [c for c in conversations if c.assigned_agent_id != target]
    previous = {c.pk: c.assigned_agent_id for c in changed}
    activities = []
    for conversation in changed:
        before = conversation.assigned_agent
        conversation.assigned_agent = agent
        if agent is None:
            text = f"{actor_name(actor)} unassigned {actor_name(before)}" if before else "Unassigned"
        elif actor.pk == agent.pk:
            text = f"{actor_name(actor)} self-assigned the conversation"
        else:
            text = f"{actor_name(actor)} assigned the conversation to {actor_name(agent)}"
        activities.append(
            activity_build(
                conversation=conversation,
                actor=actor,
                action="assigned_agent" if agent else "unassigned_agent",
                text=text,
                meta={"from": before.pk if before else None, "to": target, "auto": False, "bulk": True},
            )
        )
    _write(changed, ["assigned_agent"], activities)
    if agent is not None and changed:
        known = set(
            ConversationParticipant.objects.filter(
                membership=agent, conversation_id__in=[c.pk for c in changed]
            ).values_list("conversation_id", flat=True)
        )
        ConversationParticipant.objects.bulk_create(
            [
                ConversationParticipant(organization_id=c.organization_id, conversation=c, membership=agent)
                for c in changed
                if c.pk not in known
            ],
            ignore_conflicts=True,
        )
    _emit([(c, {"assigned_user_id": target}, None) for c in changed])
    notify_assigned(conversations=changed, agent=agent, actor=actor)
    return BulkResult("assign_agent", len(changed), len(conversations), previous)


@transaction.atomic
def conversations_bulk_assign_team(
    *, actor: Membership, conversation_ids: list[int], team: Team | None
) -> BulkResult:
    """Assign every selected conversation to ``team`` (``None`` removes it). The team's rules
    apply to each one (an agent outside the team is unassigned, the SLA policy is chosen again,
    round robin picks an agent), so this runs ``conversation_assign_team`` per conversation."""
    _check_actor(actor)
    if team is not None and team.organization_id != actor.organization_id:
        raise NotFound("Team not found.", field="team_id")
    conversations = _load(actor=actor, conversation_ids=conversation_ids)
    target = team.pk if team else None
    changed = [c for c in conversations if c.assigned_team_id != target]
    for conversation in changed:
        conversation_assign_team(conversation=conversation, team=team, actor=actor)
    return BulkResult("assign_team", len(changed), len(conversations))


def _apply_status(
    conversations: list[Conversation], *, status: Status, actor: Membership, until: datetime | None
) -> tuple[list[Conversation], dict[int, object]]:
    now = timezone.now()
    policies = None
    changed, previous, activities, events = [], {}, [], []
    for conversation in conversations:
        before = conversation.status
        if conversation.merged_into_id:
            continue  # merged conversations stay closed (the single change refuses them too)
        if status.category != StatusCategory.SNOOZED and before.pk == status.pk:
            continue
        changes: dict = {}
        previous[conversation.pk] = before.pk
        if status.category == StatusCategory.SNOOZED:
            conversation.snoozed_until = until
            changes["snoozed_until"] = until.isoformat()
        else:
            conversation.snoozed_until = None
        conversation.status = status
        changes["status"] = status.name
        if status.category == StatusCategory.RESOLVED:
            conversation.resolved_at, conversation.closed_at = now, None
        elif status.category == StatusCategory.CLOSED:
            conversation.closed_at = now
        else:
            conversation.resolved_at = conversation.closed_at = None
        if conversation.sla_policy_id is not None:
            if policies is None:
                policies = {p.pk: p for p in _policies(actor.organization_id)}
            sla_recompute(conversation, policy=policies.get(conversation.sla_policy_id))
        else:
            sla_recompute(conversation, policy=None)
        if status.category == StatusCategory.SNOOZED:
            text = f"{actor_name(actor)} snoozed the conversation until {until:%Y-%m-%d %H:%M} UTC"
        else:
            text = f"{actor_name(actor)} changed the status from {before.name} to {status.name}"
        activities.append(
            activity_build(
                conversation=conversation,
                actor=actor,
                action="status_changed",
                text=text,
                meta={"from": before.name, "to": status.name, **changes, "bulk": True},
            )
        )
        changed.append(conversation)
        events.append((conversation, changes, before.category))
    _write(
        changed,
        ["status", "snoozed_until", "resolved_at", "closed_at", "sla_policy", *SLA_FIELDS],
        activities,
    )
    if status.category == StatusCategory.RESOLVED:  # each newly resolved one asks for CSAT once
        csat_conversations_resolved(
            conversations=[c for c, _, category in events if category != StatusCategory.RESOLVED]
        )
    _emit(events)
    return changed, previous


@transaction.atomic
def conversations_bulk_set_status(
    *, actor: Membership, conversation_ids: list[int], status: Status
) -> BulkResult:
    """Move every selected conversation to ``status`` (not a snoozed one: see ``…_snooze``)."""
    _check_actor(actor)
    if status.organization_id != actor.organization_id:
        raise NotFound("Unknown status.", field="status")
    if status.category == StatusCategory.SNOOZED:
        raise ConversationError("Choose a time to snooze until.", field="snoozed_until")
    conversations = _load(actor=actor, conversation_ids=conversation_ids)
    changed, previous = _apply_status(conversations, status=status, actor=actor, until=None)
    return BulkResult("status", len(changed), len(conversations), previous)


@transaction.atomic
def conversations_bulk_snooze(
    *, actor: Membership, conversation_ids: list[int], snoozed_until: str | datetime
) -> BulkResult:
    """Snooze every selected conversation until ``snoozed_until`` (as the single snooze parses it)."""
    _check_actor(actor)
    until = parse_snooze_until(snoozed_until)
    status = defaults.builtin_status(actor.organization, StatusCategory.SNOOZED)
    conversations = _load(actor=actor, conversation_ids=conversation_ids)
    changed, previous = _apply_status(conversations, status=status, actor=actor, until=until)
    return BulkResult("snooze", len(changed), len(conversations), previous)


@transaction.atomic
def conversations_bulk_set_priority(
    *, actor: Membership, conversation_ids: list[int], priority: str | int | None
) -> BulkResult:
    """Set the priority (name or id; ``None`` clears it); the SLA policy is chosen again."""
    _check_actor(actor)
    value = priority_value(priority)
    conversations = _load(actor=actor, conversation_ids=conversation_ids)
    changed = [c for c in conversations if c.priority != value]
    previous = {c.pk: c.priority for c in changed}
    policies = _policies(actor.organization_id) if changed else []
    activities = []
    for conversation in changed:
        before = conversation.priority_name
        conversation.priority = value
        _recompute_sla(conversation, policies)
        activities.append(
            activity_build(
                conversation=conversation,
                actor=actor,
                action="priority_changed",
                text=f"{actor_name(actor)} set the priority to {conversation.priority_name or 'none'}",
                meta={"from": before, "to": conversation.priority_name, "bulk": True},
            )
        )
    _write(changed, ["priority", "sla_policy", *SLA_FIELDS], activities)
    _emit([(c, {"priority": c.priority_name}, None) for c in changed])
    return BulkResult("priority", len(changed), len(conversations), previous)


@transaction.atomic
def conversations_bulk_tag(
    *,
    actor: Membership,
    conversation_ids: list[int],
    add: list[str] | None = None,
    remove: list[str] | None = None,
) -> BulkResult:
    """Add and/or remove tags (by name; unknown names to add are created). ``previous`` holds,
    per changed conversation, ``{"added": [...], "removed": [...]}`` (what an undo reverses)."""
    _check_actor(actor)
    if not add and not remove:
        raise ConversationError("Choose a tag to add or remove.", field="tags")
    conversations = _load(actor=actor, conversation_ids=conversation_ids)
    adding = tags_get_or_create(organization=actor.organization, names=list(add or []))
    removing = {str(name).strip().lower() for name in remove or []}
    through = Conversation.tags.through
    links, unlinks, previous, activities, events = [], [], {}, [], []
    for conversation in conversations:
        current = {tag.name.lower(): tag for tag in conversation.tags.all()}
        added = [tag for tag in adding if tag.name.lower() not in current]
        removed = [tag for key, tag in current.items() if key in removing]
        if not added and not removed:
            continue
        links += [through(conversation_id=conversation.pk, tag_id=tag.pk) for tag in added]
        unlinks += [(conversation.pk, tag.pk) for tag in removed]
        wanted = {**current, **{tag.name.lower(): tag for tag in added}}
        for tag in removed:
            wanted.pop(tag.name.lower(), None)
        previous[conversation.pk] = {"added": [t.name for t in added], "removed": [t.name for t in removed]}
        parts = []
        if added:
            parts.append(f"added the tag(s) {', '.join(t.name for t in added)}")
        if removed:
            parts.append(f"removed the tag(s) {', '.join(t.name for t in removed)}")
        activities.append(
            activity_build(
                conversation=conversation,
                actor=actor,
                action="tags_changed",
                text=f"{actor_name(actor)} {' and '.join(parts)}",
                meta={**previous[conversation.pk], "bulk": True},
            )
        )
        events.append((conversation, sorted(tag.name for tag in wanted.values())))
    through.objects.bulk_create(links, ignore_conflicts=True)
    if unlinks:
        conversation_ids_out = {pk for pk, _ in unlinks}
        tag_ids_out = {tag for _, tag in unlinks}
        pairs = set(unlinks)
        doomed = [
            row.pk
            for row in through.objects.filter(
                conversation_id__in=conversation_ids_out, tag_id__in=tag_ids_out
            )
            if (row.conversation_id, row.tag_id) in pairs
        ]
        through.objects.filter(pk__in=doomed).delete()
    changed = [conversation for conversation, _ in events]
    _write(changed, [], activities)
    _emit([(conversation, {"tags": names}, None) for conversation, names in events])
    return BulkResult("tags", len(changed), len(conversations), previous)
