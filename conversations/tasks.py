"""Celery tasks of the conversations app: thin wrappers that call services.

Periodic ones (``CELERY_BEAT_SCHEDULE``): ``snooze_wake`` and ``sla_check`` every minute,
``auto_assign`` every two minutes."""

from celery import shared_task

from conversations.services import assignment, lifecycle, messages, sla_breaches


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def message_deliver(message_id: int) -> str | None:
    """Send a pending reply through its channel (email); a no-op for any other state."""
    message = messages.message_deliver(message_id=message_id)
    return message.status if message else None


@shared_task
def snooze_wake() -> int:
    """Reopen snoozed conversations whose snooze time has passed."""
    return lifecycle.snooze_wake_due()


@shared_task
def sla_check() -> int:
    """Record newly missed SLA targets (emits ``sla.breached`` once per target)."""
    return sla_breaches.sla_check_due()


@shared_task
def auto_assign() -> int:
    """Round robin for team conversations still waiting for an agent."""
    return assignment.auto_assign_pending()
