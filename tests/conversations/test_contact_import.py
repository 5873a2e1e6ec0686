"""Contacts CSV import: a background job on an Operation (progress, counts, refused rows with
their line numbers), idempotent on email, with the file checked up front; a job that crashed
part-way is retried from the start without doubling anyone."""

import pytest

from conversations import contact_csv
from conversations.models import Contact
from conversations.services import contact_import
from conversations.services.contact_import import contact_import_queue
from helpdesk.models import Operation
from helpdesk.services.operations import operation_retry
from tests.conversations.factories import ContactFactory
from tests.integration import integration_only, wait_until

CSV = (
    "Email,First name,last_name,phone,company,plan\n"
    "ada@example.com,Ada,Lovelace,+44 20,Engines,pro\n"
    "not-an-email,Bad,Row,,,\n"
    "GRACE@navy.test,Grace,,,Navy,\n"
    "alan@example.com,Alan,Turing,,,free,extra\n"
)


@pytest.fixture
def run_import(org, admin, django_capture_on_commit_callbacks):
    def run(text: str | bytes, filename: str = "contacts.csv") -> Operation:
        data = text.encode() if isinstance(text, str) else text
        with django_capture_on_commit_callbacks(execute=True):
            operation = contact_import_queue(organization=org, data=data, filename=filename, created_by=admin)
        operation.refresh_from_db()
        return operation

    return run


def test_import_creates_and_updates_by_email_and_lists_refused_rows(org, run_import):
    ContactFactory(organization=org, email="grace@navy.test", first_name="", last_name="Hopper", company="")

    operation = run_import(CSV)

    assert operation.status == "succeeded", operation.error
    assert operation.progress_done == operation.progress_total == 4
    assert {k: operation.result[k] for k in ("created", "updated", "unchanged", "failed")} == {
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "failed": 2,
    }
    assert operation.result["errors"] == [
        {"line": 3, "message": "'not-an-email' is not a valid email address."},
        {"line": 5, "message": "7 cells but 6 columns"},
    ]
    ada = Contact.objects.get(organization=org, email="ada@example.com")
    assert (ada.first_name, ada.phone_number, ada.company, ada.custom_attributes) == (
        "Ada",
        "+44 20",
        "Engines",
        {"plan": "pro"},
    )
    grace = Contact.objects.get(organization=org, email="grace@navy.test")
    assert (grace.first_name, grace.last_name, grace.company) == ("Grace", "Hopper", "Navy")


def test_importing_the_same_file_twice_changes_nothing(org, run_import):
    run_import(CSV)
    before = list(Contact.objects.filter(organization=org).values().order_by("pk"))

    again = run_import(CSV)

    assert again.result["created"] == 0 and again.result["updated"] == 0 and again.result["unchanged"] == 2
    assert list(Contact.objects.filter(organization=org).values().order_by("pk")) == before


def test_an_export_imports_back_unchanged(org, run_import, ui_as, admin):
    ContactFactory(
        organization=org, email="x@example.com", first_name="=SUM(A1)", custom_attributes={"tier": "gold"}
    )
    exported = b"".join(
        chunk if isinstance(chunk, bytes) else chunk.encode()
        for chunk in ui_as(admin).get("/contacts/export.csv").streaming_content
    )

    operation = run_import(exported)

    assert operation.result["unchanged"] == 1 and operation.result["failed"] == 0
    assert Contact.objects.get(email="x@example.com").first_name == "=SUM(A1)"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "contacts.csv", "empty"),
        (b"name,phone\nAda,1\n", "contacts.csv", "include 'email'"),
        (b"email\n", "contacts.csv", "no contact below"),
        (b"email\n\x00\x01\x02", "contacts.csv", "binary"),
        (b"email\na@b.test\n", "contacts.xlsx", ".csv"),
        (b"email\n" + b"a@b.test\n" * (contact_csv.MAX_ROWS + 1), "contacts.csv", "At most"),
        (b"x" * (contact_csv.MAX_BYTES + 1), "contacts.csv", "larger than"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_up_front(org, admin, data, filename, message):
    with pytest.raises(contact_csv.ContactFileError) as refused:
        contact_import_queue(organization=org, data=data, filename=filename, created_by=admin)

    assert message in refused.value.message
    assert not Operation.objects.filter(kind=contact_import.IMPORT_KIND).exists()


def test_progress_is_recorded_while_it_runs(org, run_import, monkeypatch):
    seen = []
    real = contact_import.operation_services.operation_progress

    def spy(*, operation, done, **kwargs):
        seen.append((done, operation.progress_total))
        real(operation=operation, done=done, **kwargs)

    monkeypatch.setattr(contact_import, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(contact_import.operation_services, "operation_progress", spy)
    rows = "".join(f"person{n}@example.com,P{n}\n" for n in range(5))

    operation = run_import("email,first_name\n" + rows)

    assert seen[:2] == [(2, 5), (4, 5)] and seen[-1] == (5, 5)
    assert operation.status == "succeeded" and operation.result["created"] == 5


def test_a_crash_mid_way_fails_the_job_and_a_retry_finishes_it_without_doubles(
    org, run_import, monkeypatch, django_capture_on_commit_callbacks
):
    real_row = contact_import._import_row
    calls = {"n": 0}

    def crash_on_third(organization, row):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return real_row(organization, row)

    monkeypatch.setattr(contact_import, "_import_row", crash_on_third)
    rows = "".join(f"person{n}@example.com,P{n}\n" for n in range(5))
    with pytest.raises(RuntimeError):
        run_import("email,first_name\n" + rows)
    operation = Operation.objects.get(kind=contact_import.IMPORT_KIND)
    assert operation.status == "failed" and "disk on fire" in operation.error
    assert Contact.objects.filter(organization=org).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        operation_retry(operation=operation)

    operation.refresh_from_db()
    assert operation.status == "succeeded"
    assert operation.result["created"] == 3 and operation.result["unchanged"] == 2
    assert Contact.objects.filter(organization=org).count() == 5


@integration_only
@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_the_file_on_postgresql(org, admin, real_worker):
    rows = "".join(f"person{n}@example.com,P{n},Co {n % 7}\n" for n in range(600))

    operation = contact_import_queue(
        organization=org,
        data=("email,first_name,company\n" + rows).encode(),
        filename="big.csv",
        created_by=admin,
    )

    done = wait_until(
        lambda: Operation.objects.filter(pk=operation.pk, status="succeeded").first(),
        timeout=90,
        message="the worker to import the contacts",
    )
    assert done.progress_done == done.progress_total == 600
    assert done.result["created"] == 600 and done.attempts == 1
    assert Contact.objects.filter(organization=org, company="Co 3").count() == 86
