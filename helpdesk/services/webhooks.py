"""Webhooks: subscriptions to domain events, and the signed deliveries sent to them.

Every domain event an integrator may subscribe to becomes one ``WebhookDelivery`` row per active
webhook that listens to it; a Celery task then POSTs it (``webhook_delivery_attempt``), retrying
with exponential backoff until it succeeds or ``WEBHOOK_MAX_ATTEMPTS`` is reached.

What a receiver gets: a JSON body ``{"event", "delivery_id", "timestamp", "organization_id",
"data"}`` and the headers ``X-Signature: sha256=<hex HMAC-SHA256 of the raw body with the
webhook's secret>``, ``X-Parley-Event``, ``X-Parley-Delivery`` and ``X-Parley-Timestamp`` (Unix
seconds of the same instant as the body's ISO 8601 ``timestamp``)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from helpdesk import events, outbound
from helpdesk.errors import BackendUnavailable, DomainError
from helpdesk.events import EVENT_NAMES
from helpdesk.models import Organization, Webhook, WebhookDelivery
from helpdesk.models.webhook import DeliveryStatus
from helpdesk.unset import UNSET, Unset

logger = logging.getLogger(__name__)

TEST_EVENT = "webhook.test"
ALL_EVENTS = "*"
# Events a webhook may list: every public event, or "*" for all of them (the test ping excepted).
SUBSCRIBABLE_EVENTS = (*EVENT_NAMES, ALL_EVENTS)
URL_MAX_LENGTH = 500
SECRET_MIN_LENGTH = 8
SECRET_MAX_LENGTH = 200
RESPONSE_BODY_MAX_CHARS = 2000
ERROR_MAX_CHARS = 1000
# A delivery that is pending for this long (its task was lost, e.g. the broker was down) or whose
# retry is overdue by this much is queued again by ``webhook_deliveries_requeue_due``.
STALE_AFTER = timedelta(minutes=5)

WAITING = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)  # an attempt may be claimed
UNFINISHED = (*WAITING, DeliveryStatus.SENDING)


class WebhookError(DomainError):
    pass


class DeliveryRetry(BackendUnavailable):
    """The receiver failed this attempt (an error status, a timeout, unreachable): the delivery
    task is retried at the delivery's ``next_attempt_at``, within ``WEBHOOK_MAX_ATTEMPTS``."""

    def __init__(self, *, delivery: WebhookDelivery):
        super().__init__(delivery.last_error or "The receiver failed the delivery.")
        wait = (
            (delivery.next_attempt_at - timezone.now()).total_seconds() if delivery.next_attempt_at else 0.0
        )
        self.retry_after = max(wait, 0.0)
        self.max_retries = max(int(settings.WEBHOOK_MAX_ATTEMPTS), 1)


# --- subscriptions -------------------------------------------------------------------------------


def _guarded_url(url: str, *, organization: Organization) -> str:
    """The outbound guard: internal addresses only when the organization allow-listed them."""
    url = url.strip()
    try:
        outbound.check_url(url, organization=organization)
    except outbound.OutboundRefused as exc:
        raise WebhookError(str(exc), field="url")
    return url


# The two signatures below are the one list of a webhook's settings; the form and the serializer
# check their shape (URL and secret lengths, known event names, at least one event).


def webhook_create(
    *,
    organization: Organization,
    url: str,
    events: Sequence[str],
    secret: str | None = None,
    is_active: bool = True,
    description: str = "",
) -> Webhook:
    """Subscribe ``url`` to ``events``. The URL must pass the outbound guard (internal addresses
    only when allow-listed); without a ``secret`` one is generated. Raises ``WebhookError``."""
    return Webhook.objects.create(
        organization=organization,
        url=_guarded_url(url, organization=organization),
        events=list(dict.fromkeys(events)),
        secret=secret or secrets.token_hex(24),
        is_active=is_active,
        description=description.strip(),
    )


def webhook_update(
    *,
    webhook: Webhook,
    url: str | Unset = UNSET,
    events: Sequence[str] | Unset = UNSET,
    secret: str | Unset = UNSET,
    description: str | Unset = UNSET,
    is_active: bool | Unset = UNSET,
) -> Webhook:
    """Change the settings given (``UNSET`` ones stay; a blank ``secret`` keeps the current one),
    by the rules of ``webhook_create``."""
    if url is not UNSET:
        webhook.url = _guarded_url(url, organization=webhook.organization)
    if events is not UNSET:
        webhook.events = list(dict.fromkeys(events))
    if secret:
        webhook.secret = secret
    if description is not UNSET:
        webhook.description = description.strip()
    if is_active is not UNSET:
        webhook.is_active = is_active
    webhook.save()
    return webhook


def webhook_delete(*, webhook: Webhook) -> None:
    """Delete the webhook and its delivery log; queued deliveries are dropped by the task."""
    webhook.delete()


def webhook_secret_masked(secret: str) -> str:
    return "••••" + secret[-4:] if secret else ""


# --- deliveries ----------------------------------------------------------------------------------


def _json_safe(payload) -> dict:
    """Event payloads may carry datetimes, UUIDs or decimals: store what the receiver will get."""
    data = json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder))
    return data if isinstance(data, dict) else {"value": data}


def _queue(delivery: WebhookDelivery) -> None:
    from helpdesk import jobs
    from helpdesk.tasks import deliver_webhook

    delivery_id = str(delivery.pk)

    def unqueued(reason: str) -> None:
        # The delivery stays pending with the reason in its log; the sweeper queues it again.
        WebhookDelivery.objects.filter(pk=delivery_id, status__in=UNFINISHED).update(
            last_error=reason[:ERROR_MAX_CHARS], updated_at=timezone.now()
        )

    jobs.enqueue_on_commit(deliver_webhook, delivery_id, on_unqueued=unqueued)


def webhook_subscribers(*, organization: Organization, name: str) -> list[Webhook]:
    """The active webhooks of the organization that listen to ``name`` (or to every event); read
    once for a batch of events (``events.batch_memo``)."""
    webhooks = events.batch_memo(
        ("webhooks", organization.pk),
        lambda: list(
            Webhook.objects.filter(organization=organization, is_active=True).order_by("created_at")
        ),
    )
    return [webhook for webhook in webhooks if name in webhook.events or ALL_EVENTS in webhook.events]


def webhook_deliveries_for_event(
    organization: Organization, name: str, payload: dict
) -> list[WebhookDelivery]:
    """The events subscriber: one delivery per active webhook of the organization that listens to
    ``name`` (or to "*"), each sent by a task once the rows are committed. Events that are not
    public (not in ``EVENT_NAMES``) and the test ping are never fanned out."""
    if name not in EVENT_NAMES or name == TEST_EVENT:
        return []
    webhooks = webhook_subscribers(organization=organization, name=name)
    if not webhooks:
        return []
    data = _json_safe(payload)
    with transaction.atomic():
        deliveries = [
            WebhookDelivery.objects.create(
                organization_id=organization.pk, webhook=webhook, event=name, payload=data
            )
            for webhook in webhooks
        ]
        for delivery in deliveries:
            _queue(delivery)
    return deliveries


def webhook_send_test(*, webhook: Webhook) -> WebhookDelivery:
    """Queue a ``webhook.test`` delivery to this webhook alone (whatever it subscribes to, and even
    when it is paused: an admin asked for it explicitly)."""
    delivery = WebhookDelivery.objects.create(
        organization_id=webhook.organization_id,
        webhook=webhook,
        event=TEST_EVENT,
        payload={
            "message": "This is a test delivery from Parley.",
            "webhook_id": webhook.pk,
            "url": webhook.url,
            "events": list(webhook.events),
        },
    )
    _queue(delivery)
    return delivery


def register_webhook_subscriber() -> None:
    """Called from ``HelpdeskConfig.ready()``: fan every event out to the webhooks, and let celery
    beat queue again deliveries whose task was lost."""
    events.subscribe(ALL_EVENTS, webhook_deliveries_for_event)
    settings.CELERY_BEAT_SCHEDULE.setdefault(
        "webhooks-requeue-due",
        {"task": "helpdesk.tasks.requeue_due_webhook_deliveries", "schedule": 60.0},
    )


def webhook_delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a failed delivery again, with a fresh round of attempts."""
    if delivery.status != DeliveryStatus.FAILED:
        raise WebhookError("Only a failed delivery can be redelivered.", code="conflict")
    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None, updated_at=timezone.now()
        )
        if not updated:
            raise WebhookError("Only a failed delivery can be redelivered.", code="conflict")
        delivery.refresh_from_db()
        _queue(delivery)
    return delivery


def webhook_deliveries_requeue_due(*, now=None) -> int:
    """Queue again the deliveries whose task went missing: pending for longer than
    ``STALE_AFTER`` or retrying well past their ``next_attempt_at``. Safe with the task's claim:
    a delivery that is picked up twice is still sent once per attempt."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    due = WebhookDelivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, updated_at__lt=cutoff)
        | Q(status=DeliveryStatus.RETRYING, next_attempt_at__lt=cutoff)
        | Q(status=DeliveryStatus.SENDING, updated_at__lt=cutoff)  # its worker stopped mid-attempt
    )
    count = 0
    for delivery in due.only("pk")[:500]:
        _queue(delivery)
        count += 1
    return count


def signature_for(secret: str, body: bytes) -> str:
    """The ``X-Signature`` value: ``sha256=`` + hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _request_for(delivery: WebhookDelivery, webhook: Webhook) -> tuple[bytes, dict[str, str]]:
    sent_at = timezone.now().replace(microsecond=0)
    body = json.dumps(
        {
            "event": delivery.event,
            "delivery_id": str(delivery.pk),
            "timestamp": sent_at.isoformat().replace("+00:00", "Z"),
            "organization_id": delivery.organization_id,
            "data": delivery.payload,
        },
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Signature": signature_for(webhook.secret, body),
        "X-Parley-Event": delivery.event,
        "X-Parley-Delivery": str(delivery.pk),
        "X-Parley-Timestamp": str(int(sent_at.timestamp())),
    }
    return body, headers


def _claim(delivery: WebhookDelivery) -> bool:
    """Claim this attempt (``sending``, counted) in one conditional update, unless another worker
    did already: the same attempt is sent once, and no lock is held while the receiver answers.
    A claim older than ``STALE_AFTER`` belonged to a worker that stopped; it may be taken over."""
    now = timezone.now()
    claimable = Q(status__in=WAITING) | Q(status=DeliveryStatus.SENDING, updated_at__lt=now - STALE_AFTER)
    claimed = WebhookDelivery.objects.filter(claimable, pk=delivery.pk, attempts=delivery.attempts).update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, updated_at=now
    )
    if claimed:
        delivery.attempts += 1
        delivery.status = DeliveryStatus.SENDING
    return bool(claimed)


def _finish(delivery: WebhookDelivery, **fields) -> None:
    fields["updated_at"] = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    for field, value in fields.items():
        setattr(delivery, field, value)


def _give_up_or_retry(delivery: WebhookDelivery, *, error: str, status_code: int | None, body: str) -> bool:
    max_attempts = max(int(settings.WEBHOOK_MAX_ATTEMPTS), 1)
    fields = {
        "last_error": error[:ERROR_MAX_CHARS],
        "response_status_code": status_code,
        "response_body": body,
    }
    if delivery.attempts >= max_attempts:
        _finish(delivery, status=DeliveryStatus.FAILED, next_attempt_at=None, **fields)
        return False
    delay = float(settings.WEBHOOK_RETRY_BASE_SECONDS) * 2 ** (delivery.attempts - 1)
    _finish(
        delivery,
        status=DeliveryStatus.RETRYING,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        **fields,
    )
    return True


def webhook_delivery_attempt(*, delivery: WebhookDelivery) -> bool:
    """Make ONE attempt to send ``delivery`` and record its outcome on the row.

    2xx → succeeded. A refused URL (the outbound guard, checked again now) or a deleted or paused
    webhook → failed at once. Any other failure (status, timeout, connection) → retrying with
    ``next_attempt_at`` = now + base × 2^(attempts-1), or failed once ``WEBHOOK_MAX_ATTEMPTS``
    attempts were made. Returns True when another attempt should be scheduled.
    A delivery that is finished (or whose attempt another worker claimed) is left alone."""
    if delivery.status not in UNFINISHED:
        return False
    webhook = Webhook.objects.select_related("organization").filter(pk=delivery.webhook_id).first()
    if not _claim(delivery):
        return False
    if webhook is None or (not webhook.is_active and delivery.event != TEST_EVENT):
        reason = "The webhook was deleted." if webhook is None else "The webhook is paused."
        _finish(delivery, status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=reason)
        return False

    body, headers = _request_for(delivery, webhook)
    try:
        response = outbound.request(
            "POST",
            webhook.url,
            organization=webhook.organization,
            timeout=settings.OUTBOUND_TIMEOUT,
            content=body,
            headers=headers,
        )
    except outbound.OutboundRefused as exc:
        _finish(
            delivery,
            status=DeliveryStatus.FAILED,
            next_attempt_at=None,
            response_status_code=None,
            last_error=f"Refused: {exc}"[:ERROR_MAX_CHARS],
        )
        return False
    except outbound.OutboundUnavailable as exc:  # timed out, refused, reset
        return _give_up_or_retry(delivery, error=exc.message, status_code=None, body="")

    response_body = response.text[:RESPONSE_BODY_MAX_CHARS]
    if 200 <= response.status_code < 300:
        _finish(
            delivery,
            status=DeliveryStatus.SUCCEEDED,
            response_status_code=response.status_code,
            response_body=response_body,
            last_error="",
            next_attempt_at=None,
            delivered_at=timezone.now(),
        )
        return False
    error = f"The receiver answered HTTP {response.status_code}."
    return _give_up_or_retry(delivery, error=error, status_code=response.status_code, body=response_body)
