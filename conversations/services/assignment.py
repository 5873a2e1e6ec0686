"""Assignment to an agent and/or a team, and round-robin auto-assignment inside a team.

Round robin picks, among the team's members who are active and ``online`` (presence:
``helpdesk.services.presence``), those below the
team's cap (``max_auto_assigned_conversations`` open conversations assigned to them in any team;
0 means no cap), the one whose last automatic assignment in this team is the oldest (never
assigned first; ties by id). The team row is locked while choosing, so two conversations
arriving together do not go to the same agent by accident."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Max, Q

from conversations.errors import ConversationError, NotFound
from conversations.models import Conversation, RoundRobinState, StatusCategory
from conversations.services.activity import activity_record, actor_name, emit_updated, participant_add
from conversations.services.notifications import notify_assigned
from conversations.services.sla import sla_recompute
from helpdesk.models import Availability, Membership, Team
from helpdesk.models.team import AssignmentType
from helpdesk.services.presence import seen_recently_cutoff


def _check_agent(conversation: Conversation, agent: Membership) -> None:
    if agent.organization_id != conversation.organization_id:
        raise NotFound("Agent not found.", field="assignee_id")
    if not agent.is_active:
        raise ConversationError("This agent is disabled.", field="assignee_id")


def _check_team(conversation: Conversation, team: Team) -> None:
    if team.organization_id != conversation.organization_id:
        raise NotFound("Team not found.", field="assignee_id")


def _set_agent(conversation: Conversation, agent: Membership | None, actor: Membership | None, *, auto=False):
    previous = conversation.assigned_agent
    conversation.assigned_agent = agent
    conversation.save(update_fields=["assigned_agent", "updated_at"])
    participant_add(conversation=conversation, membership=agent)
    if agent is None:
        text = f"{actor_name(actor)} unassigned {actor_name(previous)}" if previous else "Unassigned"
    elif auto:
        text = f"Assigned to {actor_name(agent)} (round robin)"
    elif actor is not None and actor.pk == agent.pk:
        text = f"{actor_name(actor)} self-assigned the conversation"
    else:
        text = f"{actor_name(actor)} assigned the conversation to {actor_name(agent)}"
    activity_record(
        conversation=conversation,
        actor=actor,
        action="assigned_agent" if agent else "unassigned_agent",
        text=text,
        meta={"from": previous.pk if previous else None, "to": agent.pk if agent else None, "auto": auto},
    )
    emit_updated(conversation, changes={"assigned_user_id": agent.pk if agent else None})
    notify_assigned(conversations=[conversation], agent=agent, actor=actor)


@transaction.atomic
def conversation_assign_agent(
    *, conversation: Conversation, agent: Membership | None, actor: Membership | None
) -> Conversation:
    """Assign to an agent of the organization (``None`` unassigns)."""
    if agent is not None:
        _check_agent(conversation, agent)
    if (agent.pk if agent else None) == conversation.assigned_agent_id:
        return conversation
    _set_agent(conversation, agent, actor)
    return conversation


@transaction.atomic
def conversation_assign_team(
    *, conversation: Conversation, team: Team | None, actor: Membership | None, auto_assign: bool = True
) -> Conversation:
    """Assign to a team (``None`` removes it). An assigned agent who is not in the new team is
    unassigned; the SLA policy is chosen again (the team's own policy wins); a round-robin team
    then picks an agent when none is assigned."""
    if team is not None:
        _check_team(conversation, team)
    if (team.pk if team else None) == conversation.assigned_team_id:
        return conversation
    previous = conversation.assigned_team
    conversation.assigned_team = team
    changes: dict = {"assigned_team_id": team.pk if team else None}
    agent = conversation.assigned_agent
    if team is not None and agent is not None and not agent.teams.filter(pk=team.pk).exists():
        conversation.assigned_agent = None
        changes["assigned_user_id"] = None
    sla_recompute(conversation, reselect=True)
    conversation.save()
    if team is None:
        text = f"{actor_name(actor)} removed the team {previous.name}" if previous else "Team removed"
    else:
        text = f"{actor_name(actor)} assigned the conversation to the team {team.name}"
    activity_record(
        conversation=conversation,
        actor=actor,
        action="assigned_team" if team else "unassigned_team",
        text=text,
        meta={"from": previous.pk if previous else None, "to": team.pk if team else None},
    )
    emit_updated(conversation, changes=changes)
    if team is not None and auto_assign and conversation.assigned_agent_id is None:
        round_robin_assign(conversation=conversation)
    return conversation


def round_robin_candidates(team: Team) -> list[Membership]:
    """Online, active members of the team under its cap, in the order round robin serves them.
    Online means their page sent a heartbeat lately (or, never having sent one, that the API set
    them online): an agent whose page went quiet is skipped before the sweep marks them offline."""
    members = list(
        Membership.objects.filter(
            Q(last_seen_at__isnull=True) | Q(last_seen_at__gte=seen_recently_cutoff()),
            organization_id=team.organization_id,
            teams=team,
            is_active=True,
            user__is_active=True,
            availability_status=Availability.ONLINE,
        ).select_related("user")
    )
    if not members:
        return []
    cap = team.max_auto_assigned_conversations
    if cap:
        loads = dict(
            Conversation.objects.filter(
                organization_id=team.organization_id,
                assigned_agent__in=members,
                status__category=StatusCategory.OPEN,
            )
            .values_list("assigned_agent")
            .annotate(open_count=Count("id"))
        )
        members = [member for member in members if loads.get(member.pk, 0) < cap]
    turns = dict(
        RoundRobinState.objects.filter(team=team, membership__in=members).values_list(
            "membership", "last_turn"
        )
    )
    return sorted(members, key=lambda member: (turns.get(member.pk, 0), member.pk))


@transaction.atomic
def round_robin_assign(*, conversation: Conversation) -> Membership | None:
    """Give the conversation to the next agent of its round-robin team; None when nobody is
    available (it stays with the team; the beat job tries again)."""
    team = conversation.assigned_team
    if team is None or team.conversation_assignment_type != AssignmentType.ROUND_ROBIN:
        return None
    Team.objects.select_for_update().filter(pk=team.pk).first()  # serialize picks inside a team
    candidates = round_robin_candidates(team)
    if not candidates:
        return None
    agent = candidates[0]
    turn = (RoundRobinState.objects.filter(team=team).aggregate(last=Max("last_turn"))["last"] or 0) + 1
    RoundRobinState.objects.update_or_create(
        team=team, membership=agent, defaults={"organization_id": team.organization_id, "last_turn": turn}
    )
    _set_agent(conversation, agent, None, auto=True)
    return agent


def auto_assign_pending(*, limit: int = 1000) -> int:
    """Beat job: hand out team conversations still waiting for an agent in round-robin teams,
    and take back the open conversations of agents who are ``away_and_reassigning``."""
    reassigning = Conversation.objects.filter(
        assigned_team__conversation_assignment_type=AssignmentType.ROUND_ROBIN,
        assigned_agent__availability_status=Availability.AWAY_AND_REASSIGNING,
        status__category=StatusCategory.OPEN,
    ).select_related("assigned_agent__user", "organization", "status", "contact", "inbox")
    for conversation in reassigning[:limit]:
        with transaction.atomic():
            _set_agent(conversation, None, None)
    waiting = (
        Conversation.objects.filter(
            assigned_team__conversation_assignment_type=AssignmentType.ROUND_ROBIN,
            assigned_agent__isnull=True,
            status__category=StatusCategory.OPEN,
            merged_into__isnull=True,
        )
        .select_related("assigned_team", "organization", "status", "contact", "inbox")
        .order_by("created_at", "pk")[:limit]
    )
    assigned = 0
    exhausted: set[int] = set()
    for conversation in waiting:
        if conversation.assigned_team_id in exhausted:
            continue
        if round_robin_assign(conversation=conversation) is None:
            exhausted.add(conversation.assigned_team_id)
        else:
            assigned += 1
    return assigned
