"""Celery tasks of the core domain: thin, they take ids and call services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from helpdesk.models import WebhookDelivery
from helpdesk.services import webhooks as webhook_services


@shared_task(ignore_result=True)
def deliver_webhook(delivery_id: str) -> None:
    """One attempt to send a webhook delivery; on a retryable failure the task queues itself again
    for the delivery's ``next_attempt_at``. Safe to run twice: a finished delivery is not sent."""
    delivery = WebhookDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None:  # the webhook (and its log) was deleted meanwhile
        return
    if webhook_services.webhook_delivery_attempt(delivery=delivery):
        countdown = 0.0
        if delivery.next_attempt_at:
            countdown = max((delivery.next_attempt_at - timezone.now()).total_seconds(), 0.0)
        deliver_webhook.apply_async((delivery_id,), countdown=countdown)


@shared_task(ignore_result=True)
def requeue_due_webhook_deliveries() -> int:
    """Periodic (celery beat): queue deliveries whose task was lost, e.g. while the broker was down."""
    return webhook_services.webhook_deliveries_requeue_due()
