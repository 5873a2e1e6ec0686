"""Celery tasks of the reports app: thin wrappers that call the rollup's services."""

from celery import shared_task

from reports import facts


@shared_task
def conversation_facts_refresh(
    conversation_uuids: list[str], conversation_ids: list[int] | None = None
) -> int:
    """Recompute the report facts of these conversations (safe to run twice)."""
    return facts.conversation_facts_refresh(
        conversation_uuids=conversation_uuids, conversation_ids=conversation_ids or []
    )


@shared_task
def organization_facts_rebuild(organization_id: int) -> int:
    """Recompute every report fact of an organization (after its business hours changed)."""
    return facts.conversation_facts_rebuild(organization_ids=[organization_id])
