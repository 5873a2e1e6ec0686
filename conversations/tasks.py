"""Celery tasks of the conversations app: thin wrappers that call services.

Periodic ones (``CELERY_BEAT_SCHEDULE``): ``snooze_wake``, ``sla_check`` and ``sla_warn`` every minute,
``auto_assign`` every two minutes, ``fail_interrupted_deliveries`` every minute,
``mailboxes_poll_due`` every 15 seconds (each mailbox at its own interval)."""

from celery import shared_task

from conversations.services import assignment, lifecycle, mailboxes, messages, notifications, sla_breaches


@shared_task
def message_deliver(message_id: int) -> str | None:
    """Send a pending reply through its channel (email); a no-op for any other state. The mail
    server being down is retried by the base task; on the last attempt the reply fails."""
    message = messages.message_deliver(message_id=message_id, final_attempt=message_deliver.is_last_attempt)
    return message.status if message else None


@shared_task
def fail_interrupted_deliveries() -> int:
    """Periodic: fail replies left ``sending`` by a worker that stopped mid-delivery."""
    return messages.message_deliveries_fail_interrupted()


@shared_task
def snooze_wake() -> int:
    """Reopen snoozed conversations whose snooze time has passed."""
    return lifecycle.snooze_wake_due()


@shared_task
def sla_check() -> int:
    """Record newly missed SLA targets (emits ``sla.breached`` once per target)."""
    return sla_breaches.sla_check_due()


@shared_task
def sla_warn() -> int:
    """Warn agents of SLA targets at risk (one notification per deadline and agent)."""
    return notifications.sla_warnings_send()


@shared_task
def auto_assign() -> int:
    """Round robin for team conversations still waiting for an agent."""
    return assignment.auto_assign_pending()


@shared_task
def mailboxes_poll_due() -> int:
    """Periodic: queue the poll of each email inbox's mailbox whose interval has passed."""
    return mailboxes.mailboxes_poll_due()


@shared_task
def mailbox_poll(mailbox_id: int) -> int | None:
    """Import a mailbox's new mail (a no-op while another poll holds it). Safe to run twice."""
    return mailboxes.mailbox_poll(mailbox_id=mailbox_id)


@shared_task
def contacts_import(operation_id: str) -> None:
    """Import an uploaded contacts CSV. Safe to run twice: rows are matched on email."""
    from conversations.services.contact_import import contact_import_run
    from helpdesk.models import Operation
    from helpdesk.models.operation import OperationStatus

    operation = Operation.objects.filter(pk=operation_id).select_related("organization").first()
    if operation is not None and operation.status != OperationStatus.SUCCEEDED:
        contact_import_run(operation=operation)
