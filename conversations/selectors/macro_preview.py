"""What a macro will do to a conversation, read before it runs: the reply it puts in the draft
(placeholders filled), the private notes it adds, and each change of status, priority, tags,
agent and team as "from → to" lines for the agent to check."""

from __future__ import annotations

from dataclasses import dataclass, field

from conversations.models import Conversation, Macro, Priority, Status
from conversations.services.canned import placeholder_values, render_placeholders
from helpdesk.models import Membership, Team

DRAFT_ACTIONS = ("reply",)


@dataclass
class MacroPreview:
    macro: Macro
    reply: str
    notes: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


def macro_reply_text(*, macro: Macro, conversation: Conversation, actor: Membership) -> str:
    """The macro's reply actions with their placeholders filled, one paragraph each."""
    texts = [action["value"] for action in macro.actions if action["type"] in DRAFT_ACTIONS]
    if not texts:
        return ""
    values = placeholder_values(conversation=conversation, agent=actor)
    return "\n\n".join(text for text in (render_placeholders(t, values).strip() for t in texts) if text)


def _priority_label(value) -> str:
    for choice in Priority:
        if str(value).strip().lower() in (choice.label.lower(), str(choice.value)):
            return choice.label
    return "none"


def macro_preview(*, macro: Macro, conversation: Conversation, actor: Membership) -> MacroPreview:
    """A few queries whatever the macro holds (the agents, teams and statuses it names, at once)."""
    actions = macro.actions
    organization = conversation.organization
    agent_ids = [a["value"] for a in actions if a["type"] == "assign_agent" and a["value"] != "me"]
    team_ids = [a["value"] for a in actions if a["type"] == "assign_team"]
    status_names = [str(a["value"]).lower() for a in actions if a["type"] == "set_status"]
    agents = {
        str(m.pk): m.user.full_name
        for m in Membership.objects.filter(organization=organization, pk__in=agent_ids).select_related("user")
    }
    teams = {str(t.pk): t.name for t in Team.objects.filter(organization=organization, pk__in=team_ids)}
    statuses = {
        s.name.lower(): s.name
        for s in Status.objects.filter(organization=organization)
        if s.name.lower() in status_names
    }
    preview = MacroPreview(
        macro=macro, reply=macro_reply_text(macro=macro, conversation=conversation, actor=actor)
    )
    values = None
    current_agent = conversation.assigned_agent.user.full_name if conversation.assigned_agent else "nobody"
    current_team = conversation.assigned_team.name if conversation.assigned_team else "no team"
    for action in actions:
        kind, value = action["type"], action.get("value")
        if kind == "note":
            values = values or placeholder_values(conversation=conversation, agent=actor)
            preview.notes.append(render_placeholders(value, values))
        elif kind == "set_status":
            name = statuses.get(str(value).lower(), str(value))
            preview.changes.append(f"Status: {conversation.status.name} → {name}")
        elif kind == "set_priority":
            preview.changes.append(
                f"Priority: {conversation.priority_name or 'none'} → {_priority_label(value)}"
            )
        elif kind == "add_tags":
            preview.changes.append("Add tags: " + ", ".join(value))
        elif kind == "remove_tags":
            preview.changes.append("Remove tags: " + ", ".join(value))
        elif kind == "assign_agent":
            name = (
                f"{actor.user.full_name} (you)" if value == "me" else agents.get(str(value), "a former agent")
            )
            preview.changes.append(f"Agent: {current_agent} → {name}")
        elif kind == "unassign_agent":
            preview.changes.append(f"Agent: {current_agent} → nobody")
        elif kind == "assign_team":
            preview.changes.append(f"Team: {current_team} → {teams.get(str(value), 'a removed team')}")
        elif kind == "unassign_team":
            preview.changes.append(f"Team: {current_team} → no team")
    return preview
