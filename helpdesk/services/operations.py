"""Long jobs: every background job records its status and progress on an Operation.

The jobs layer (``helpdesk.jobs``) records on the operation which task runs it and with which
arguments; a failed operation is retried by queuing that task again. The app that owns a kind
registers, with ``register_kind``, what happens to the operation's object (a document, a
training…) when the job is given up (``fail``) and before it is retried (``reopen``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from helpdesk.errors import DomainError, readable
from helpdesk.models import Operation, Organization
from helpdesk.models.operation import OperationStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OperationKind:
    fail: Callable[[Operation, str], None] | None = None
    reopen: Callable[[Operation], None] | None = None


_kinds: dict[str, OperationKind] = {}


class OperationError(DomainError):
    code = "conflict"

    pass


def register_kind(
    kind: str,
    *,
    fail: Callable[[Operation, str], None] | None = None,
    reopen: Callable[[Operation], None] | None = None,
) -> None:
    """``fail(operation, reason)`` moves the object of a given-up job of this kind to its failed
    state; ``reopen(operation)`` puts it back to queued before a retry (it may refuse with a
    ``DomainError``, e.g. when the object was deleted)."""
    _kinds[kind] = OperationKind(fail=fail, reopen=reopen)


def operation_create(
    *,
    organization: Organization,
    kind: str,
    total: int = 0,
    message: str = "",
    params: dict | None = None,
    target_type: str = "",
    target_id: str | int = "",
    created_by=None,
) -> Operation:
    return Operation.objects.create(
        organization=organization,
        kind=kind,
        progress_total=total,
        message=message or "Queued",
        params=params or {},
        target_type=target_type,
        target_id=str(target_id),
        created_by=created_by,
    )


def operation_start(*, operation: Operation, total: int | None = None, message: str = "Running") -> Operation:
    operation.status = OperationStatus.RUNNING
    operation.started_at = operation.started_at or timezone.now()
    operation.finished_at = None
    operation.error = ""
    operation.message = message
    operation.attempts = F("attempts") + 1
    if total is not None:
        operation.progress_total = total
    operation.save()
    operation.refresh_from_db(fields=["attempts"])
    return operation


def operation_progress(
    *, operation: Operation, done: int, total: int | None = None, message: str | None = None
) -> None:
    fields = {"progress_done": done, "updated_at": timezone.now()}
    if total is not None:
        fields["progress_total"] = total
    if message is not None:
        fields["message"] = message
    Operation.objects.filter(pk=operation.pk).update(**fields)
    for key, value in fields.items():
        setattr(operation, key, value)


def operation_succeed(
    *, operation: Operation, result: dict | None = None, message: str = "Done"
) -> Operation:
    operation.status = OperationStatus.SUCCEEDED
    operation.result = result or {}
    operation.message = message
    operation.progress_done = max(operation.progress_done, operation.progress_total)
    operation.finished_at = timezone.now()
    operation.save()
    return operation


def operation_fail(*, operation: Operation, error: str) -> Operation:
    operation.status = OperationStatus.FAILED
    operation.error = readable(error)
    operation.message = "Failed"
    operation.finished_at = timezone.now()
    operation.save()
    return operation


def operation_abandon(*, operation: Operation, reason: str) -> Operation:
    """The job will not finish by itself (the broker was unreachable, the task failed for good,
    the worker vanished): the operation and its object go to failed with ``reason``, so that
    people see why and can retry. Harmless for an operation that finished meanwhile."""
    operation.refresh_from_db()
    if operation.status == OperationStatus.SUCCEEDED:
        return operation
    operation_fail(operation=operation, error=reason)
    kind = _kinds.get(operation.kind)
    if kind is not None and kind.fail is not None:
        kind.fail(operation, operation.error)
    return operation


@transaction.atomic
def operation_retry(*, operation: Operation) -> Operation:
    """Queue a failed operation's task again (``POST operations/{id}/retry``)."""
    from helpdesk import jobs  # the jobs layer queues through this module's services

    operation = Operation.objects.select_for_update().get(pk=operation.pk)
    if operation.status != OperationStatus.FAILED:
        raise OperationError("Only a failed operation can be retried.")
    task = jobs.task_named(operation.task_name)
    if task is None:
        raise OperationError(f"Operations of kind '{operation.kind}' cannot be retried.")
    kind = _kinds.get(operation.kind)
    if kind is not None and kind.reopen is not None:
        kind.reopen(operation)
    operation.status = OperationStatus.PENDING
    operation.message = "Queued again"
    operation.error = ""
    operation.progress_done = 0
    operation.finished_at = None
    operation.save()
    jobs.enqueue_on_commit(task, *operation.task_args, operation=operation)
    return operation


def stale_reason(seconds: int) -> str:
    if seconds >= 120:
        span = f"{round(seconds / 60)} minutes"
    else:
        span = f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"No progress for {span} (the worker may have stopped); retry it."


def operations_fail_stale(*, now: datetime | None = None) -> int:
    """Fail the running operations with no progress for ``OPERATION_STALE_SECONDS`` (their worker
    was killed or lost its task; a running task's heartbeat counts as progress), with their
    objects, so that they can be retried. Returns how many were failed."""
    seconds = max(int(settings.OPERATION_STALE_SECONDS), 1)
    cutoff = (now or timezone.now()) - timedelta(seconds=seconds)
    reason = stale_reason(seconds)
    count = 0
    stale = Operation.objects.filter(status=OperationStatus.RUNNING, updated_at__lt=cutoff)
    for operation in stale.order_by("updated_at")[:500]:
        # Claimed by a conditional update: a heartbeat or a second sweeper in between wins.
        claimed = Operation.objects.filter(
            pk=operation.pk, status=OperationStatus.RUNNING, updated_at__lt=cutoff
        ).update(status=OperationStatus.FAILED, updated_at=timezone.now())
        if not claimed:
            continue
        logger.warning(
            "operation %s (%s) made no progress for %s s: failing it", operation.pk, operation.kind, seconds
        )
        operation_abandon(operation=operation, reason=reason)
        count += 1
    return count
