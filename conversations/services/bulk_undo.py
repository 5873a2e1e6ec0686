"""Undo of a reversible bulk change (``conversations.services.bulk``): each conversation gets
back the value it had before, with one batched bulk call per distinct previous value."""

from __future__ import annotations

from django.db import transaction

from conversations.errors import ConversationError, NotFound
from conversations.models import Status, StatusCategory
from conversations.services.bulk import (
    UNDOABLE,
    BulkResult,
    conversations_bulk_assign_agent,
    conversations_bulk_set_priority,
    conversations_bulk_set_status,
    conversations_bulk_tag,
)
from helpdesk.models import Membership


def conversations_bulk_undo(*, actor: Membership, result: dict) -> BulkResult:
    """Restore what a reversible bulk action changed (``result``: ``action`` and ``previous`` of
    its ``BulkResult``, as kept in the session), one batched call per previous value."""
    action, previous = result["action"], {int(k): v for k, v in result["previous"].items()}
    if action not in UNDOABLE or not previous:
        raise ConversationError("Nothing to undo.", code="conflict")
    groups: dict = {}
    for pk, value in previous.items():
        key = value if action != "tags" else (tuple(value["added"]), tuple(value["removed"]))
        groups.setdefault(key, []).append(pk)
    changed = 0
    with transaction.atomic():
        for value, ids in groups.items():
            if action == "assign_agent":
                agent = None
                if value is not None:
                    agent = Membership.objects.filter(organization_id=actor.organization_id, pk=value).first()
                step = conversations_bulk_assign_agent(actor=actor, conversation_ids=ids, agent=agent)
            elif action in ("status", "snooze"):
                status = Status.objects.filter(organization_id=actor.organization_id, pk=value).first()
                if status is None:
                    raise NotFound("That status no longer exists.", field="status")
                if status.category == StatusCategory.SNOOZED:
                    continue  # they were snoozed already; the snooze time stays as it is now
                step = conversations_bulk_set_status(actor=actor, conversation_ids=ids, status=status)
            elif action == "priority":
                step = conversations_bulk_set_priority(actor=actor, conversation_ids=ids, priority=value)
            else:
                added, removed = value
                step = conversations_bulk_tag(
                    actor=actor, conversation_ids=ids, add=list(removed), remove=list(added)
                )
            changed += step.changed
    return BulkResult(action, changed, len(previous))
