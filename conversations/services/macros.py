"""Macros: a saved list of actions (reply, note, status, priority, tags, assignment) applied to a
conversation in one transaction: all actions happen, or none."""

from __future__ import annotations

from django.db import transaction

from conversations.errors import ConversationError
from conversations.models import Conversation, Macro, Status
from conversations.services import defaults
from conversations.services.assignment import conversation_assign_agent, conversation_assign_team
from conversations.services.canned import placeholder_values, render_placeholders
from conversations.services.catalog import priority_value
from conversations.services.conversations import conversation_set_priority, conversation_set_tags
from conversations.services.lifecycle import conversation_set_status
from conversations.services.messages import message_create
from helpdesk.models import Membership, Organization, Team

ACTION_TYPES = (
    "reply",
    "note",
    "set_status",
    "set_priority",
    "add_tags",
    "remove_tags",
    "assign_agent",
    "assign_team",
    "unassign_agent",
    "unassign_team",
)
MAX_ACTIONS = 20


def clean_actions(*, organization: Organization, actions) -> list[dict]:
    """Validate the actions against the organization (statuses, agents and teams must exist)."""
    if not isinstance(actions, list) or not actions:
        raise ConversationError("A macro needs a list of actions.", field="actions")
    if len(actions) > MAX_ACTIONS:
        raise ConversationError(f"A macro has at most {MAX_ACTIONS} actions.", field="actions")
    cleaned = []
    for position, action in enumerate(actions):
        if not isinstance(action, dict) or action.get("type") not in ACTION_TYPES:
            raise ConversationError(
                f"Action {position + 1}: type must be one of {', '.join(ACTION_TYPES)}.", field="actions"
            )
        kind, value = action["type"], action.get("value")
        if kind in ("reply", "note"):
            if not isinstance(value, str) or not value.strip():
                raise ConversationError(f"Action {position + 1}: a {kind} needs text.", field="actions")
        elif kind == "set_status":
            defaults.ensure(organization)
            if not Status.objects.filter(organization=organization, name__iexact=str(value or "")).exists():
                raise ConversationError(f"Action {position + 1}: unknown status {value!r}.", field="actions")
            if action.get("snoozed_until"):
                cleaned.append({"type": kind, "value": value, "snoozed_until": str(action["snoozed_until"])})
                continue
        elif kind == "set_priority":
            priority_value(value)
        elif kind in ("add_tags", "remove_tags"):
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ConversationError(
                    f"Action {position + 1}: tags must be a list of names.", field="actions"
                )
        elif kind == "assign_agent":
            if (
                value != "me"
                and not Membership.objects.filter(
                    organization=organization, pk=_int(value, position), is_active=True
                ).exists()
            ):
                raise ConversationError(f"Action {position + 1}: unknown agent.", field="actions")
        elif kind == "assign_team":
            if not Team.objects.filter(organization=organization, pk=_int(value, position)).exists():
                raise ConversationError(f"Action {position + 1}: unknown team.", field="actions")
        else:
            value = None
        cleaned.append({"type": kind, "value": value})
    return cleaned


def _int(value, position: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ConversationError(f"Action {position + 1}: value must be an id.", field="actions")


def macro_create(
    *, organization: Organization, name: str, actions, description: str = "", actor=None
) -> Macro:
    macro = Macro(organization=organization, created_by=actor)
    return macro_update(macro=macro, name=name, actions=actions, description=description)


def macro_update(*, macro: Macro, name=None, actions=None, description=None) -> Macro:
    if name is not None:
        name = " ".join(str(name).split())[:200]
        if not name:
            raise ConversationError("A macro needs a name.", field="name")
        duplicate = Macro.objects.filter(organization_id=macro.organization_id, name__iexact=name)
        if macro.pk:
            duplicate = duplicate.exclude(pk=macro.pk)
        if duplicate.exists():
            raise ConversationError("A macro with this name exists.", field="name", code="conflict")
        macro.name = name
    if actions is not None:
        macro.actions = clean_actions(organization=macro.organization, actions=actions)
    if description is not None:
        macro.description = str(description)[:500]
    if not macro.name:
        raise ConversationError("A macro needs a name.", field="name")
    if not macro.actions:
        raise ConversationError("A macro needs a list of actions.", field="actions")
    macro.save()
    return macro


def macro_delete(*, macro: Macro) -> None:
    macro.delete()


@transaction.atomic
def macro_apply(*, macro: Macro, conversation: Conversation, actor: Membership) -> list[str]:
    """Run the macro's actions in order on the conversation, as ``actor``. Returns the action
    types applied. Replies and notes get their placeholders filled like canned responses."""
    applied = []
    for action in macro.actions:
        macro_action_run(action=action, conversation=conversation, actor=actor)
        applied.append(action["type"])
    return applied


def macro_action_run(*, action: dict, conversation: Conversation, actor: Membership) -> None:
    """One action of a macro (as ``clean_actions`` stored it) on the conversation."""
    organization = conversation.organization
    kind, value = action["type"], action.get("value")
    if kind in ("reply", "note"):
        text = render_placeholders(value, placeholder_values(conversation=conversation, agent=actor))
        message_create(conversation=conversation, content=text, actor=actor, private=kind == "note")
    elif kind == "set_status":
        conversation_set_status(
            conversation=conversation,
            status=value,
            actor=actor,
            snoozed_until=action.get("snoozed_until"),
        )
    elif kind == "set_priority":
        conversation_set_priority(conversation=conversation, priority=value, actor=actor)
    elif kind == "add_tags":
        conversation_set_tags(conversation=conversation, actor=actor, add=value)
    elif kind == "remove_tags":
        conversation_set_tags(conversation=conversation, actor=actor, remove=value)
    elif kind == "assign_agent":
        agent = (
            actor if value == "me" else Membership.objects.filter(organization=organization, pk=value).first()
        )
        if agent is None:
            raise ConversationError("The macro's agent no longer exists.", code="conflict")
        conversation_assign_agent(conversation=conversation, agent=agent, actor=actor)
    elif kind == "assign_team":
        team = Team.objects.filter(organization=organization, pk=value).first()
        if team is None:
            raise ConversationError("The macro's team no longer exists.", code="conflict")
        conversation_assign_team(conversation=conversation, team=team, actor=actor)
    elif kind == "unassign_agent":
        conversation_assign_agent(conversation=conversation, agent=None, actor=actor)
    elif kind == "unassign_team":
        conversation_assign_team(conversation=conversation, team=None, actor=actor)
