"""Saved views: named conversation filters, personal (``visibility=user``) or shared (``all``)."""

from __future__ import annotations

from conversations.errors import ConversationError
from conversations.models import Priority, SavedView, ViewVisibility
from helpdesk.models import Membership, Role

FILTER_LIST_KEYS = ("status", "priority", "team_id", "tags", "inbox_id")
FILTER_KEYS = (*FILTER_LIST_KEYS, "assignee", "text")


def clean_filters(filters) -> dict:
    """Validate a view's filters: lists for status (names), priority (names), team_id, tags,
    inbox_id; assignee "me", "none" or a list of agent ids; text a string."""
    if filters in (None, ""):
        return {}
    if not isinstance(filters, dict):
        raise ConversationError("filters must be an object.", field="filters")
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise ConversationError(
            f"Unknown filter(s) {', '.join(sorted(unknown))}; use {', '.join(FILTER_KEYS)}.", field="filters"
        )
    cleaned: dict = {}
    for key in FILTER_LIST_KEYS:
        if key not in filters or filters[key] in (None, [], ""):
            continue
        values = filters[key] if isinstance(filters[key], list) else [filters[key]]
        if key in ("team_id", "inbox_id"):
            try:
                values = [int(value) for value in values]
            except (TypeError, ValueError):
                raise ConversationError(f"{key} must be a list of ids.", field="filters")
        elif key == "priority":
            labels = {choice.label.lower(): choice.label for choice in Priority}
            if any(str(value).lower() not in labels for value in values):
                raise ConversationError(
                    f"priority must be among {', '.join(Priority.labels)}.", field="filters"
                )
            values = [labels[str(value).lower()] for value in values]
        else:
            values = [str(value).strip() for value in values if str(value).strip()]
        cleaned[key] = values
    assignee = filters.get("assignee")
    if assignee not in (None, "", []):
        if assignee in ("me", "none"):
            cleaned["assignee"] = assignee
        else:
            values = assignee if isinstance(assignee, list) else [assignee]
            try:
                cleaned["assignee"] = [int(value) for value in values]
            except (TypeError, ValueError):
                raise ConversationError(
                    'assignee must be "me", "none" or a list of agent ids.', field="filters"
                )
    text = filters.get("text")
    if text:
        cleaned["text"] = str(text).strip()[:200]
    return cleaned


def _check_can_edit(view: SavedView, actor: Membership) -> None:
    if view.visibility == ViewVisibility.ALL:
        if not actor.has_role(Role.ADMIN):
            raise ConversationError("Only admins can change shared views.", code="permission_denied")
    elif view.owner_id != actor.pk:
        raise ConversationError("Only its owner can change a personal view.", code="permission_denied")


def saved_view_create(
    *, actor: Membership, name: str, filters=None, visibility: str = ViewVisibility.USER
) -> SavedView:
    view = SavedView(organization_id=actor.organization_id)
    return saved_view_update(view=view, actor=actor, name=name, filters=filters or {}, visibility=visibility)


def saved_view_update(*, view: SavedView, actor: Membership, **changes) -> SavedView:
    if view.pk:
        _check_can_edit(view, actor)
    if "name" in changes:
        view.name = " ".join(str(changes["name"] or "").split())[:100]
    if not view.name:
        raise ConversationError("A view needs a name.", field="name")
    if "filters" in changes:
        view.filters = clean_filters(changes["filters"])
    if "visibility" in changes:
        visibility = changes["visibility"]
        if visibility not in ViewVisibility.values:
            raise ConversationError("visibility must be user or all.", field="visibility")
        view.visibility = visibility
    view.owner = None if view.visibility == ViewVisibility.ALL else (view.owner or actor)
    if view.visibility == ViewVisibility.ALL:
        _check_can_edit(view, actor)
    view.save()
    return view


def saved_view_delete(*, view: SavedView, actor: Membership) -> None:
    _check_can_edit(view, actor)
    view.delete()
