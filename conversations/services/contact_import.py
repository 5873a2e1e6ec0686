"""Importing contacts from a CSV file, as a background job with progress on its Operation.

The file is checked when uploaded (size, encoding, header, number of rows) and kept in storage
until the job succeeds, so that a job that failed part-way (a crash, a lost worker) is retried
from the start: rows are matched on email, so a row imported before the failure is found again
and left as it is."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from conversations import contact_csv
from conversations.errors import ConversationError
from conversations.models import Contact
from conversations.services.contacts import normalize_email
from helpdesk.models import Membership, Operation, Organization
from helpdesk.services import operations as operation_services

IMPORT_KIND = "contact_import"
PROGRESS_EVERY = 50
ERRORS_KEPT = 200


def contact_import_queue(
    *, organization: Organization, data: bytes, filename: str, created_by: Membership | None
) -> Operation:
    """Check the file and queue its import. Returns the job's Operation (its progress, and at
    the end the counts and the rows refused with their line numbers, are on it)."""
    if not (filename or "").lower().endswith((".csv", ".txt")):
        raise contact_csv.ContactFileError("Upload a .csv file.", field="file")
    rows = contact_csv.count_rows(contact_csv.decode(data))
    path = default_storage.save(
        f"contact-imports/{organization.pk}/{uuid.uuid4().hex}.csv", ContentFile(data)
    )
    operation = operation_services.operation_create(
        organization=organization,
        kind=IMPORT_KIND,
        total=rows,
        message="Import queued",
        params={"path": path, "filename": filename[:200], "rows": rows},
        target_type="contact_import",
        created_by=created_by,
    )
    from conversations import tasks
    from helpdesk import jobs

    jobs.enqueue_on_commit(tasks.contacts_import, str(operation.pk), operation=operation)
    return operation


def _import_row(organization: Organization, row: contact_csv.ContactRow) -> str:
    """Create or update one contact (by email). Blank cells leave stored details as they are."""
    email = normalize_email(row.fields["email"])
    values = {name: value for name, value in row.fields.items() if name != "email" and value}
    contact = Contact.objects.select_for_update().filter(organization=organization, email=email).first()
    if contact is None:
        Contact.objects.create(
            organization=organization, email=email, custom_attributes=row.attributes, **values
        )
        return "created"
    changed = [name for name, value in values.items() if getattr(contact, name) != value]
    for name in changed:
        setattr(contact, name, values[name])
    attributes = {**(contact.custom_attributes or {}), **row.attributes}
    if attributes != (contact.custom_attributes or {}):
        contact.custom_attributes = attributes
        changed.append("custom_attributes")
    if not changed:
        return "unchanged"
    contact.save(update_fields=[*changed, "updated_at"])
    return "updated"


def contact_import_run(*, operation: Operation) -> dict:
    """Import the operation's file now (the task calls this)."""
    organization = operation.organization
    path = operation.params.get("path", "")
    if not path or not default_storage.exists(path):
        operation_services.operation_fail(
            operation=operation, error="The uploaded file is no longer stored; upload it again."
        )
        return {}
    with default_storage.open(path, "rb") as handle:
        text = contact_csv.decode(handle.read())
    operation_services.operation_start(operation=operation, message="Importing contacts")
    result: dict = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0, "errors": []}
    done = 0
    for row in contact_csv.read_rows(text):
        done += 1
        if isinstance(row, tuple):
            line, error = row
        else:
            line, error = row.line, ""
            try:
                with transaction.atomic():
                    result[_import_row(organization, row)] += 1
            except ConversationError as exc:
                error = exc.message
        if error:
            result["failed"] += 1
            if len(result["errors"]) < ERRORS_KEPT:
                result["errors"].append({"line": line, "message": error})
        if done % PROGRESS_EVERY == 0:
            operation_services.operation_progress(
                operation=operation,
                done=done,
                message=f"Imported {done:,} of {operation.progress_total:,} rows",
            )
    summary = f"{result['created']} created, {result['updated']} updated, {result['unchanged']} unchanged" + (
        f", {result['failed']} refused" if result["failed"] else ""
    )
    operation_services.operation_progress(operation=operation, done=done)
    operation_services.operation_succeed(operation=operation, result=result, message=summary)
    default_storage.delete(path)
    return result
