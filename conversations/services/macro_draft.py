"""Macros in the agent UI: a macro's customer-facing reply goes into the composer's draft for the
agent to review and send (never sent by one click), its other actions are applied at once, and
what they changed can be undone (status, priority, tags, assignee, team). The API keeps
``macros.macro_apply``, which runs every action, replies included."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from conversations.errors import ConversationError
from conversations.models import Conversation, Macro, Status, StatusCategory
from conversations.selectors.macro_preview import DRAFT_ACTIONS, macro_reply_text
from conversations.services.assignment import conversation_assign_agent, conversation_assign_team
from conversations.services.conversations import conversation_set_priority, conversation_set_tags
from conversations.services.lifecycle import conversation_set_status
from conversations.services.macros import macro_action_run
from helpdesk.models import Membership, Team

# What each kind of action changes, so an undo restores only those fields.
CHANGED_FIELDS = {
    "set_status": ("status",),
    "set_priority": ("priority",),
    "add_tags": ("tags",),
    "remove_tags": ("tags",),
    "assign_agent": ("agent",),
    "unassign_agent": ("agent",),
    "assign_team": ("team", "agent"),  # a team's round robin may pick an agent too
    "unassign_team": ("team",),
}


@dataclass
class MacroDraft:
    """``reply``: the text for the draft; ``previous``: the fields before, for ``macro_undo``."""

    reply: str
    applied: list[str]
    previous: dict


def conversation_snapshot(conversation: Conversation, fields) -> dict:
    snapshot = {}
    if "status" in fields:
        snapshot["status"] = conversation.status_id
        snapshot["snoozed_until"] = (
            conversation.snoozed_until.isoformat() if conversation.snoozed_until else None
        )
    if "priority" in fields:
        snapshot["priority"] = conversation.priority
    if "tags" in fields:
        snapshot["tags"] = sorted(tag.name for tag in conversation.tags.all())
    if "agent" in fields:
        snapshot["agent"] = conversation.assigned_agent_id
    if "team" in fields:
        snapshot["team"] = conversation.assigned_team_id
    return snapshot


@transaction.atomic
def macro_apply_to_draft(*, macro: Macro, conversation: Conversation, actor: Membership) -> MacroDraft:
    """Run the macro's actions except its replies (notes, status, priority, tags, assignment), all
    or none, and return the reply text for the draft with what an undo needs."""
    reply = macro_reply_text(macro=macro, conversation=conversation, actor=actor)
    fields = {field for action in macro.actions for field in CHANGED_FIELDS.get(action["type"], ())}
    previous = conversation_snapshot(conversation, fields)
    applied = []
    for action in macro.actions:
        if action["type"] in DRAFT_ACTIONS:
            continue
        macro_action_run(action=action, conversation=conversation, actor=actor)
        applied.append(action["type"])
    return MacroDraft(reply=reply, applied=applied, previous=previous)


@transaction.atomic
def macro_undo(*, conversation: Conversation, actor: Membership, previous: dict) -> Conversation:
    """Put back the fields ``macro_apply_to_draft`` recorded (team before agent, so a round robin
    does not override the agent restored). Notes the macro added stay."""
    organization = conversation.organization
    if "status" in previous:
        status = _row(Status, organization, previous["status"], "status")
        snoozed = status.category == StatusCategory.SNOOZED
        if not snoozed or previous.get("snoozed_until"):
            conversation_set_status(
                conversation=conversation,
                status=status,
                actor=actor,
                snoozed_until=previous.get("snoozed_until") if snoozed else None,
            )
    if "priority" in previous:
        conversation_set_priority(conversation=conversation, priority=previous["priority"], actor=actor)
    if "tags" in previous:
        conversation_set_tags(conversation=conversation, actor=actor, tags=list(previous["tags"]))
    if "team" in previous:
        team = _row(Team, organization, previous["team"], "team")
        conversation_assign_team(conversation=conversation, team=team, actor=actor, auto_assign=False)
    if "agent" in previous:
        agent = _row(Membership, organization, previous["agent"], "agent")
        conversation_assign_agent(conversation=conversation, agent=agent, actor=actor)
    return conversation


def _row(model, organization, pk, noun: str):
    if pk is None:
        return None
    row = model.objects.filter(organization=organization, pk=pk).first()
    if row is None:
        raise ConversationError(f"The previous {noun} no longer exists.", code="conflict")
    return row
