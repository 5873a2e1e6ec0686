"""``operations/{id}``: a long job's status, scoped to its organization, and retry of failed ones."""

import uuid

import pytest

from helpdesk.celery import app
from helpdesk.models import Operation
from helpdesk.models.operation import OperationStatus
from helpdesk.services import operations as operation_services

pytestmark = pytest.mark.django_db

KIND = "test.import"
_runs: list[str] = []


@app.task(name="tests.helpdesk.record_operation_run")
def record_operation_run(operation_id: str) -> None:
    _runs.append(operation_id)


@pytest.fixture
def retried():
    """The operations of KIND run a task that records the operation ids it was run for."""
    _runs.clear()
    yield _runs
    _runs.clear()


def make_operation(organization, *, status=OperationStatus.PENDING, kind=KIND):
    operation = operation_services.operation_create(
        organization=organization,
        kind=kind,
        total=4,
        params={"source": "x"},
        target_type="document",
        target_id=12,
    )
    if kind == KIND:  # as enqueue_on_commit records it when the job is first queued
        operation.task_name, operation.task_args = record_operation_run.name, [str(operation.pk)]
    if status == OperationStatus.RUNNING:
        operation_services.operation_start(operation=operation)
    elif status == OperationStatus.SUCCEEDED:
        operation_services.operation_start(operation=operation)
        operation_services.operation_succeed(operation=operation, result={"documents": 4})
    elif status == OperationStatus.FAILED:
        operation_services.operation_start(operation=operation)
        operation_services.operation_fail(operation=operation, error="parser crashed")
    return operation


def test_get_own_operation(agent_api, org):
    operation = make_operation(org, status=OperationStatus.RUNNING)
    operation_services.operation_progress(operation=operation, done=1, message="1 of 4")

    response = agent_api.get(f"/api/v1/operations/{operation.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(operation.pk)
    assert body["kind"] == KIND
    assert body["status"] == "running"
    assert body["progress"] == 0.25
    assert (body["progress_done"], body["progress_total"]) == (1, 4)
    assert body["message"] == "1 of 4"
    assert (body["target_type"], body["target_id"]) == ("document", "12")


def test_a_succeeded_operation_reports_its_result(agent_api, org):
    operation = make_operation(org, status=OperationStatus.SUCCEEDED)

    body = agent_api.get(f"/api/v1/operations/{operation.pk}/").json()

    assert (body["status"], body["progress"], body["result"]) == ("succeeded", 1.0, {"documents": 4})
    assert body["finished_at"] is not None


def test_another_organizations_operation_answers_404(other_api, org, retried):
    operation = make_operation(org, status=OperationStatus.FAILED)

    read = other_api.get(f"/api/v1/operations/{operation.pk}")
    retry = other_api.post(f"/api/v1/operations/{operation.pk}/retry")

    assert (read.status_code, retry.status_code) == (404, 404)
    assert read.json()["code"] == "not_found"
    assert other_api.get("/api/v1/operations").json()["count"] == 0
    assert Operation.objects.get(pk=operation.pk).status == OperationStatus.FAILED
    assert retried == []


def test_an_unknown_operation_answers_404(agent_api, org):
    assert agent_api.get(f"/api/v1/operations/{uuid.uuid4()}").status_code == 404


def test_retry_of_a_failed_operation_queues_it_again(
    agent_api, org, retried, django_capture_on_commit_callbacks
):
    operation = make_operation(org, status=OperationStatus.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = agent_api.post(f"/api/v1/operations/{operation.pk}/retry")

    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert retried == [str(operation.pk)]
    operation.refresh_from_db()
    assert (operation.status, operation.error, operation.progress_done) == (OperationStatus.PENDING, "", 0)


@pytest.mark.parametrize(
    "status", [OperationStatus.SUCCEEDED, OperationStatus.RUNNING, OperationStatus.PENDING]
)
def test_retry_of_an_operation_that_did_not_fail_is_a_conflict(agent_api, org, retried, status):
    operation = make_operation(org, status=status)

    response = agent_api.post(f"/api/v1/operations/{operation.pk}/retry")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Operation.objects.get(pk=operation.pk).status == status
    assert retried == []


def test_retry_of_a_kind_without_handler_is_a_conflict(agent_api, org, retried):
    operation = make_operation(org, status=OperationStatus.FAILED, kind="test.not-retryable")

    response = agent_api.post(f"/api/v1/operations/{operation.pk}/retry")

    assert response.status_code == 409
    assert "cannot be retried" in response.json()["error"]
    assert Operation.objects.get(pk=operation.pk).status == OperationStatus.FAILED
    assert retried == []


def test_operations_list_is_scoped_and_filterable(agent_api, org, other_org):
    done = make_operation(org, status=OperationStatus.SUCCEEDED)
    make_operation(org, status=OperationStatus.FAILED)
    make_operation(other_org, status=OperationStatus.SUCCEEDED)

    everything = agent_api.get("/api/v1/operations").json()
    succeeded = agent_api.get("/api/v1/operations?status=succeeded").json()

    assert everything["count"] == 2
    assert [o["id"] for o in succeeded["results"]] == [str(done.pk)]
