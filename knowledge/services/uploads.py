"""Several files uploaded at once (the upload page and ``POST documents``): each file is stored
or refused on its own, so one bad file never blocks the others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

from helpdesk.errors import DomainError
from helpdesk.models import Membership, Organization
from knowledge.models import Document
from knowledge.services.documents import DocumentError, document_upload

MAX_FILES_PER_UPLOAD = 20


@dataclass(frozen=True)
class UploadOutcome:
    """One file's fate: the document it became, or why it was refused."""

    name: str
    document: Document | None = None
    refusal: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.document is not None

    @property
    def error(self) -> str:
        return self.refusal.message if self.refusal else ""

    @property
    def code(self) -> str:
        return self.refusal.code if self.refusal else ""

    @property
    def existing_id(self) -> int | None:
        """The document a duplicate repeats."""
        return self.refusal.extra.get("document_id") if self.refusal else None


def documents_upload(
    *,
    organization: Organization,
    uploaded_by: Membership | None,
    files: Sequence[UploadedFile],
    title: str = "",
    category: str = "",
    description: str = "",
    tags: Sequence[str] = (),
    train_ai: bool = True,
) -> list[UploadOutcome]:
    """Upload each file with the same metadata (``title`` only names a single file; several are
    named after their files), in order. At most ``MAX_FILES_PER_UPLOAD`` files."""
    if not files:
        raise DocumentError("Attach at least one file.", field="files")
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise DocumentError(
            f"At most {MAX_FILES_PER_UPLOAD} files at once; {len(files)} were sent.", field="files"
        )
    outcomes = []
    for upload in files:
        name = getattr(upload, "name", "") or "file"
        try:
            document = document_upload(
                organization=organization,
                uploaded_by=uploaded_by,
                file=upload,
                title=title if len(files) == 1 else "",
                category=category,
                description=description,
                tags=tags,
                train_ai=train_ai,
            )
        except DomainError as refusal:
            outcomes.append(UploadOutcome(name=name, refusal=refusal))
        else:
            outcomes.append(UploadOutcome(name=name, document=document))
    return outcomes
