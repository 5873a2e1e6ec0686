"""Bulk merge: the selected conversations (all of one contact) merged into the oldest of them,
each with ``conversation_merge`` inside one transaction. Not reversible."""

from __future__ import annotations

from django.db import transaction

from conversations.errors import ConversationError
from conversations.services.bulk import BulkResult, _check_actor, _load
from conversations.services.merge import conversation_merge
from helpdesk.models import Membership


@transaction.atomic
def conversations_bulk_merge(*, actor: Membership, conversation_ids: list[int]) -> BulkResult:
    """Merge the selected conversations into the oldest of them (all of one contact), each with
    ``conversation_merge``. Not reversible."""
    _check_actor(actor)
    conversations = _load(actor=actor, conversation_ids=conversation_ids)
    if len(conversations) < 2:
        raise ConversationError("Select at least two conversations to merge.", field="conversation_ids")
    if len({c.contact_id for c in conversations}) > 1:
        raise ConversationError(
            "Only conversations of the same contact can be merged.", field="conversation_ids"
        )
    target, *sources = sorted(conversations, key=lambda c: (c.created_at, c.pk))
    for source in sources:
        conversation_merge(source=source, target=target, actor=actor)
    return BulkResult("merge", len(sources), len(conversations), {"into": target.pk})
