"""The jobs layer (``helpdesk.jobs``): queuing after commit with a broker that is down, the base
task's retries and failures, and the sweeper of operations whose worker stopped."""

import importlib
from datetime import timedelta

import pytest
from celery import current_app
from django.utils import timezone

from helpdesk import jobs
from helpdesk.celery import app
from helpdesk.errors import BackendUnavailable
from helpdesk.models import Operation
from helpdesk.models.operation import OperationStatus
from helpdesk.services import operations as operation_services

pytestmark = pytest.mark.django_db

KIND = "test.jobs"
calls: list[str] = []


class FlakyBackend(BackendUnavailable):
    pass


@app.task(name="tests.helpdesk.flaky_job")
def flaky_job(operation_id: str, failures: int) -> None:
    """Fails with a BackendUnavailable ``failures`` times, then succeeds on its operation."""
    calls.append(operation_id)
    if len(calls) <= failures:
        raise FlakyBackend("The fake backend is down.")
    operation = Operation.objects.get(pk=operation_id)
    operation_services.operation_succeed(operation=operation)


@app.task(name="tests.helpdesk.broken_job")
def broken_job(operation_id: str) -> None:
    calls.append(operation_id)
    raise ValueError("a bug <object at 0x7f00deadbeef>")


@pytest.fixture(autouse=True)
def fresh_calls():
    calls.clear()
    yield
    calls.clear()


def running_operation(organization, kind=KIND) -> Operation:
    operation = operation_services.operation_create(organization=organization, kind=kind, total=3)
    return operation_services.operation_start(operation=operation)


def test_every_task_of_the_apps_derives_from_the_base_task():
    for app_name in ("helpdesk", "conversations", "chatbots", "knowledge"):
        importlib.import_module(f"{app_name}.tasks")
    ours = [
        task
        for name, task in current_app.tasks.items()
        if name.split(".")[0] in {"helpdesk", "conversations", "chatbots", "knowledge"}
    ]
    assert len(ours) >= 12
    assert all(isinstance(task, jobs.ParleyTask) for task in ours), [
        task.name for task in ours if not isinstance(task, jobs.ParleyTask)
    ]
    assert all(task.acks_late and task.reject_on_worker_lost for task in ours)


@pytest.mark.parametrize(
    ("failures", "max_retries", "status", "error"),
    [
        (2, 3, OperationStatus.SUCCEEDED, ""),  # down twice, then up: the third run works
        (99, 2, OperationStatus.FAILED, "Gave up after 3 attempts: The fake backend is down."),
    ],
)
def test_a_backend_unavailable_is_retried_up_to_the_limit(
    org, django_capture_on_commit_callbacks, settings, failures, max_retries, status, error
):
    settings.JOBS_MAX_RETRIES = max_retries
    operation = running_operation(org)

    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(flaky_job, str(operation.pk), failures, operation=operation)

    operation.refresh_from_db()
    assert len(calls) == 3
    assert (operation.status, operation.error) == (status, error)
    assert (operation.task_name, operation.task_args) == (
        "tests.helpdesk.flaky_job",
        [str(operation.pk), failures],
    )


def test_any_other_error_is_not_retried_fails_the_operation_and_reaches_the_caller(
    org, django_capture_on_commit_callbacks
):
    operation = running_operation(org)

    with pytest.raises(ValueError), django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(broken_job, str(operation.pk), operation=operation)

    operation.refresh_from_db()
    assert calls == [str(operation.pk)]
    assert operation.status == OperationStatus.FAILED
    assert operation.error == "The job failed unexpectedly: a bug"


def test_an_unreachable_broker_fails_the_operation_visibly_and_retry_queues_it_again(
    org, api_for, admin, broker_down, django_capture_on_commit_callbacks
):
    operation = operation_services.operation_create(organization=org, kind=KIND)
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(flaky_job, str(operation.pk), 0, operation=operation)

    operation.refresh_from_db()
    assert calls == []
    assert operation.status == OperationStatus.FAILED
    assert operation.error.startswith("The job queue is unreachable: ")
    assert "Connection refused" in operation.error
    assert "Error(" not in operation.error and " at 0x" not in operation.error

    api = api_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/operations/{operation.pk}/retry")
    assert response.status_code == 202
    operation.refresh_from_db()
    assert calls == [str(operation.pk)]
    assert operation.status == OperationStatus.SUCCEEDED

    again = api.post(f"/api/v1/operations/{operation.pk}/retry")
    assert again.status_code == 409
    assert again.json()["error"] == "Only a failed operation can be retried."


def test_a_retry_while_the_broker_is_still_down_fails_again_with_the_reason(
    org, api_for, admin, broker_down, django_capture_on_commit_callbacks
):
    operation = operation_services.operation_create(organization=org, kind=KIND)
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(flaky_job, str(operation.pk), 0, operation=operation)
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = api_for(admin).post(f"/api/v1/operations/{operation.pk}/retry")

    assert response.status_code == 202
    operation.refresh_from_db()
    assert operation.status == OperationStatus.FAILED
    assert operation.error.startswith("The job queue is unreachable: ")
    assert calls == []


def test_the_sweeper_fails_running_operations_without_progress_only(org):
    stale = running_operation(org)
    fresh = running_operation(org)
    finished = running_operation(org)
    operation_services.operation_succeed(operation=finished)
    later = timezone.now() + timedelta(seconds=301)
    Operation.objects.filter(pk=fresh.pk).update(updated_at=later - timedelta(seconds=10))

    assert operation_services.operations_fail_stale(now=later) == 1

    stale.refresh_from_db()
    assert stale.status == OperationStatus.FAILED
    assert stale.error == "No progress for 5 minutes (the worker may have stopped); retry it."
    assert Operation.objects.get(pk=fresh.pk).status == OperationStatus.RUNNING
    assert Operation.objects.get(pk=finished.pk).status == OperationStatus.SUCCEEDED
    assert operation_services.operations_fail_stale(now=later) == 0


def test_the_sweeper_is_a_beat_task():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "helpdesk.tasks.fail_stale_operations" in tasks
    assert "conversations.tasks.fail_interrupted_deliveries" in tasks
