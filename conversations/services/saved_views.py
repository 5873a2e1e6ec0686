"""Saved views: named conversation filters, personal (``visibility=user``) or shared (``all``)."""

from __future__ import annotations

from collections.abc import Mapping

from conversations.errors import ConversationError
from conversations.models import SavedView, ViewVisibility
from helpdesk.models import Membership, Role
from helpdesk.unset import UNSET, Unset, given


def _check_can_edit(view: SavedView, actor: Membership) -> None:
    if view.visibility == ViewVisibility.ALL:
        if not actor.has_role(Role.ADMIN):
            raise ConversationError("Only admins can change shared views.", code="permission_denied")
    elif view.owner_id != actor.pk:
        raise ConversationError("Only its owner can change a personal view.", code="permission_denied")


def saved_view_create(
    *,
    actor: Membership,
    name: str,
    filters: Mapping | None = None,
    visibility: str = ViewVisibility.USER,
) -> SavedView:
    """A new view of ``actor`` (``user``: theirs alone) or, for an admin, shared (``all``).
    ``filters`` as ``conversations.validators.clean_view_filters`` shapes them."""
    view = SavedView(organization_id=actor.organization_id)
    return _save(view, actor, {"name": name, "filters": dict(filters or {}), "visibility": visibility})


def saved_view_update(
    *,
    view: SavedView,
    actor: Membership,
    name: str | Unset = UNSET,
    filters: Mapping | Unset = UNSET,
    visibility: str | Unset = UNSET,
) -> SavedView:
    """Change what is given (``UNSET`` stays): the owner changes a personal view, an admin a shared one."""
    _check_can_edit(view, actor)
    return _save(view, actor, given(locals(), exclude=("view", "actor")))


def _save(view: SavedView, actor: Membership, changes: dict) -> SavedView:
    if "name" in changes:
        view.name = " ".join(changes["name"].split())
        if not view.name:
            raise ConversationError("A view needs a name.", field="name")
    if "filters" in changes:
        view.filters = dict(changes["filters"])
    if "visibility" in changes:
        view.visibility = changes["visibility"]
    view.owner = None if view.visibility == ViewVisibility.ALL else (view.owner or actor)
    if view.visibility == ViewVisibility.ALL:
        _check_can_edit(view, actor)
    view.save()
    return view


def saved_view_delete(*, view: SavedView, actor: Membership) -> None:
    _check_can_edit(view, actor)
    view.delete()
