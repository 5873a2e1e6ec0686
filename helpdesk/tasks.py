"""Celery tasks of the core domain: thin, they take ids and call services."""

from __future__ import annotations

from celery import shared_task

from helpdesk.models import WebhookDelivery
from helpdesk.realtime import store as realtime_store
from helpdesk.services import notifications as notification_services
from helpdesk.services import operations as operation_services
from helpdesk.services import presence as presence_services
from helpdesk.services import webhooks as webhook_services


@shared_task(ignore_result=True)
def deliver_webhook(delivery_id: str) -> None:
    """One attempt to send a webhook delivery. A failed attempt that should be repeated raises
    ``DeliveryRetry`` (a ``BackendUnavailable``): the base task retries it at the delivery's
    ``next_attempt_at``. Safe to run twice: a finished delivery is not sent."""
    delivery = WebhookDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None:  # the webhook (and its log) was deleted meanwhile
        return
    if webhook_services.webhook_delivery_attempt(delivery=delivery):
        raise webhook_services.DeliveryRetry(delivery=delivery)


@shared_task(ignore_result=True)
def requeue_due_webhook_deliveries() -> int:
    """Periodic (celery beat): queue deliveries whose task was lost, e.g. while the broker was down."""
    return webhook_services.webhook_deliveries_requeue_due()


@shared_task(ignore_result=True)
def fail_stale_operations() -> int:
    """Periodic (celery beat, and at worker start): fail running operations whose worker stopped."""
    return operation_services.operations_fail_stale()


@shared_task(ignore_result=True)
def prune_realtime_events() -> int:
    """Periodic (celery beat): delete real-time events past REALTIME_RETENTION_SECONDS."""
    return realtime_store.events_prune()


@shared_task(ignore_result=True)
def notification_email(notification_id: int) -> bool:
    """Mail a mention to an agent who is away. The mail server being down is retried by the
    base task; safe to run twice (a notification is mailed once)."""
    return notification_services.notification_email_send(notification_id=notification_id)


@shared_task(ignore_result=True)
def presence_sweep() -> int:
    """Periodic (celery beat): agents whose pages stopped sending heartbeats go offline."""
    return presence_services.presence_sweep()


@shared_task(ignore_result=True)
def invitation_email(membership_id: int | None, invitation_id: int | None) -> bool:
    """Mail an invitation's one-time link. The mail server being down is retried by the base
    task; an invitation answered meanwhile is not mailed."""
    from helpdesk.services.invitations import invitation_email_send

    return invitation_email_send(membership_id=membership_id, invitation_id=invitation_id)
