"""The jobs layer: how services queue background work, and how every task runs.

* ``enqueue_on_commit(task, *args, operation=None, on_unqueued=None, **options)`` sends the task
  once the current transaction commits, so a worker never sees a row that is not committed. When
  the broker cannot be reached the job does not vanish silently: its ``Operation`` (which records
  the task and its arguments, for ``operations/{id}/retry``) goes to failed with "The job queue
  is unreachable: …", and so does its object through the hook its kind registered
  (``operations.register_kind``); a job without an operation passes ``on_unqueued(reason)``.
* ``ParleyTask`` is the base of every task (the Celery app's ``task_cls``): it retries
  ``BackendUnavailable`` (and only that) with exponential backoff and jitter up to
  ``JOBS_MAX_RETRIES``; its message is acknowledged late and handed back when the worker process
  dies (tasks are safe to run twice); while it runs it keeps its operation's ``updated_at`` fresh
  (a heartbeat), and when it fails for good its operation and object fail with a reason people
  can read. ``operations.operations_fail_stale`` (beat, and at worker start) fails the running
  operations whose heartbeat stopped, because their worker was killed."""

from __future__ import annotations

import contextlib
import inspect
import logging
import threading
from collections.abc import Callable

from celery import Task, current_app
from celery.exceptions import Reject, SoftTimeLimitExceeded, TimeLimitExceeded, WorkerLostError
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

from helpdesk.errors import BackendUnavailable, DomainError, exception_reason

logger = logging.getLogger(__name__)

OPERATION_ARGUMENT = "operation_id"


def task_named(name: str) -> Task | None:
    """The registered task called ``name`` (None for an unknown or empty name)."""
    if not name:
        return None
    return current_app.tasks.get(name)


def _broker_errors(task: Task) -> tuple[type[BaseException], ...]:
    try:
        transport_errors = tuple(task.app.connection_for_write().connection_errors)
    except Exception:  # an unknown transport in the broker URL: the publish says so itself
        transport_errors = ()
    return (OperationalError, ConnectionError, OSError, *transport_errors)


def unreachable_reason(exc: BaseException) -> str:
    return f"The job queue is unreachable: {exception_reason(exc)}"


def enqueue_on_commit(
    task: Task,
    *args,
    operation=None,
    on_unqueued: Callable[[str], None] | None = None,
    **options,
) -> None:
    """Send ``task(*args)`` after the current transaction commits (at once outside of one).

    ``operation``: the job's ``Operation``; it records the task and ``args`` (JSON values: ids)
    so that a retry queues the same job again, and it fails (with its object) when the broker is
    unreachable. ``on_unqueued(reason)``: what to do instead for a job without an operation.
    ``options`` go to ``apply_async`` (``countdown``, ``queue``…)."""
    from helpdesk.models import Operation

    if operation is not None:
        operation.task_name, operation.task_args = task.name, list(args)
        Operation.objects.filter(pk=operation.pk).update(task_name=task.name, task_args=list(args))
    operation_id = operation.pk if operation is not None else None

    def send() -> None:
        try:
            result = task.apply_async(args, **options)
        except _broker_errors(task) as exc:
            reason = unreachable_reason(exc)
            logger.error("could not queue %s: %s", task.name, reason)
            _unqueued(reason, operation_id=operation_id, on_unqueued=on_unqueued)
            return
        if task.app.conf.task_always_eager and result.failed():
            # Run in-process (tests, CELERY_TASK_ALWAYS_EAGER): a task that gave up with a
            # refusal or after its retries recorded why (on_failure), as it does in a worker; a
            # task that crashed is a bug, and the caller hears of it.
            if not isinstance(result.result, DomainError):
                raise result.result

    transaction.on_commit(send)


def _unqueued(reason: str, *, operation_id, on_unqueued) -> None:
    from helpdesk.models import Operation
    from helpdesk.services import operations as operation_services

    if operation_id is not None:
        operation = Operation.objects.filter(pk=operation_id).first()
        if operation is not None:
            operation_services.operation_abandon(operation=operation, reason=reason)
    if on_unqueued is not None:
        on_unqueued(reason)


def failure_reason(exc: BaseException, *, attempts: int = 1) -> str:
    """Why a job was given up, in words for the people who read the operation."""
    if isinstance(exc, SoftTimeLimitExceeded | TimeLimitExceeded):
        limit = (
            settings.JOBS_SOFT_TIME_LIMIT
            if isinstance(exc, SoftTimeLimitExceeded)
            else settings.JOBS_TIME_LIMIT
        )
        return f"The job ran longer than its time limit ({limit} seconds) and was stopped."
    if isinstance(exc, WorkerLostError):
        return (
            "The worker running the job stopped (killed, or out of memory) each time it was tried; retry it."
        )
    if isinstance(exc, Reject):
        cause = exc.reason if isinstance(exc.reason, BaseException) else None
        return unreachable_reason(cause) if cause is not None else "The job could not be queued again."
    if isinstance(exc, BackendUnavailable):
        tries = f"{attempts} attempts" if attempts > 1 else "1 attempt"
        return f"Gave up after {tries}: {exc.message}"
    if isinstance(exc, DomainError):
        return exc.message
    return f"The job failed unexpectedly: {exception_reason(exc)}"


class _Heartbeat(threading.Thread):
    """Touches the running operation now and then, so the sweeper knows its worker is alive."""

    def __init__(self, operation_id, interval: float):
        super().__init__(name=f"heartbeat-{operation_id}", daemon=True)
        self.operation_id, self.interval = operation_id, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        from django.db import connection
        from django.utils import timezone

        from helpdesk.models import Operation
        from helpdesk.models.operation import OperationStatus

        try:
            while not self.stopped.wait(self.interval):
                Operation.objects.filter(pk=self.operation_id, status=OperationStatus.RUNNING).update(
                    updated_at=timezone.now()
                )
        except Exception:  # the database is away for a moment: the sweeper's margin covers it
            logger.warning("heartbeat of operation %s stopped", self.operation_id, exc_info=True)
        finally:
            connection.close()


class ParleyTask(Task):
    """The base of every Parley task; see the module docstring. Tasks take ids, load rows and
    call one service; a task with an operation takes it as its ``operation_id`` argument."""

    autoretry_for = (BackendUnavailable,)
    retry_jitter = True
    acks_late = True
    reject_on_worker_lost = True  # used when the retry below cannot be sent
    retry_on_worker_lost = True  # a killed worker process: sent again, bounded by max_retries

    # Read from settings when used (not at import): tests and deployments change them.
    @property
    def max_retries(self) -> int:
        return int(settings.JOBS_MAX_RETRIES)

    @property
    def retry_backoff(self) -> int:
        return int(settings.JOBS_RETRY_BACKOFF)

    @property
    def retry_backoff_max(self) -> int:
        return int(settings.JOBS_RETRY_BACKOFF_MAX)

    @property
    def default_retry_delay(self) -> int:
        return int(settings.JOBS_RETRY_BACKOFF)

    @property
    def is_last_attempt(self) -> bool:
        """True when a ``BackendUnavailable`` now would not be retried (services that record a
        final state themselves, such as a message delivery, ask this)."""
        return self.request.retries >= self.max_retries

    def retry(
        self,
        args=None,
        kwargs=None,
        exc=None,
        throw=True,
        eta=None,
        countdown=None,
        max_retries=None,
        **options,
    ):
        """A ``BackendUnavailable`` may know better than the backoff when to try again
        (``retry_after`` seconds: a webhook delivery's own schedule) and how often
        (``max_retries``)."""
        if getattr(exc, "retry_after", None) is not None:
            countdown = exc.retry_after
        if getattr(exc, "max_retries", None) is not None:
            max_retries = exc.max_retries
        return super().retry(
            args,
            kwargs,
            exc=exc,
            throw=throw,
            eta=eta,
            countdown=countdown,
            max_retries=max_retries,
            **options,
        )

    def operation_id(self, args, kwargs):
        try:
            bound = inspect.signature(self.run).bind_partial(*(args or ()), **(kwargs or {}))
        except TypeError:
            return None
        return bound.arguments.get(OPERATION_ARGUMENT) or None

    def __call__(self, *args, **kwargs):
        operation_id = self.operation_id(args, kwargs)
        if operation_id is None or self.request.is_eager or self.request.called_directly:
            return super().__call__(*args, **kwargs)
        interval = max(int(settings.OPERATION_STALE_SECONDS) / 5, 1.0)
        heartbeat = _Heartbeat(operation_id, interval)
        heartbeat.start()
        try:
            return super().__call__(*args, **kwargs)
        finally:
            heartbeat.stopped.set()
            heartbeat.join(timeout=5)

    def on_retry(self, exc, task_id, args, kwargs, einfo) -> None:
        operation_id = self.operation_id(args, kwargs)
        if operation_id is None:
            return
        from django.utils import timezone

        from helpdesk.models import Operation
        from helpdesk.models.operation import OperationStatus

        reason = exc.message if isinstance(exc, DomainError) else exception_reason(exc)
        with contextlib.suppress(Exception):  # the retry is sent already; this is only a note
            # Pending while it waits: no heartbeat runs then, and the sweeper looks at running ones.
            Operation.objects.filter(pk=operation_id, status=OperationStatus.RUNNING).update(
                status=OperationStatus.PENDING,
                message=f"Waiting to retry: {reason}"[:1000],
                updated_at=timezone.now(),
            )

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        give_up(self, args, kwargs, failure_reason(exc, attempts=self.request.retries + 1))


def give_up(task: Task, args, kwargs, reason: str) -> None:
    """The task failed for good: fail its operation (and the operation's object)."""
    from helpdesk.models import Operation
    from helpdesk.services import operations as operation_services

    if not isinstance(task, ParleyTask):
        return
    operation_id = task.operation_id(args, kwargs)
    operation = Operation.objects.filter(pk=operation_id).first() if operation_id else None
    if operation is None:
        logger.error("task %s gave up: %s", task.name, reason)
        return
    operation_services.operation_abandon(operation=operation, reason=reason)


def failed_outside_the_task(sender=None, exception=None, args=None, kwargs=None, **_ignored) -> None:
    """``task_failure`` receiver for the failures the worker's main process sees and the task
    never does (its process was killed, the hard time limit, a retry that could not be sent):
    ``on_failure`` did not run, so the operation is failed here."""
    if not isinstance(exception, WorkerLostError | TimeLimitExceeded | Reject):
        return
    try:
        give_up(sender, args or (), kwargs or {}, failure_reason(exception))
    except Exception:
        logger.exception("could not record the failure of task %s", getattr(sender, "name", sender))


def sweep_at_worker_start(**_ignored) -> None:
    """``worker_ready`` receiver: a worker that starts after a crash fails what its predecessor
    left running (when it made no progress for ``OPERATION_STALE_SECONDS``)."""
    from helpdesk.services import operations as operation_services

    try:
        operation_services.operations_fail_stale()
    except Exception:
        logger.exception("could not sweep stale operations at worker start")
