"""Knowledge: documents (uploaded or crawled), their chunks, and knowledge-base Q&A items.

Text lives here (chunks are what keyword search and the UI read); vectors live in the vector
store, keyed by the stable ids ``doc-{document_id}-{index}`` and ``kb-{item_id}``."""

import uuid
from pathlib import PurePath

from django.db import models


class DocumentStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"


class TrainingStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    TRAINED = "trained", "Trained"
    FAILED = "failed", "Failed"


class DocumentFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    TXT = "txt", "Plain text"
    MD = "md", "Markdown"
    HTML = "html", "HTML"
    RST = "rst", "reStructuredText"


class KnowledgeSource(models.TextChoices):
    MANUAL = "manual", "Written by hand"
    IMPORT = "import", "Bulk import"
    MONITOR = "monitor", "Verified from answer monitoring"
    CONVERSATION = "conversation", "Extracted from a conversation"


def document_upload_path(document: "Document", filename: str) -> str:
    # The stored name never comes from the user: the original name is kept in a field.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"knowledge/{document.organization_id}/{uuid.uuid4().hex}{suffix}"


class Document(models.Model):
    """An uploaded file or a crawled web page, and the state of its ingestion."""

    organization = models.ForeignKey(
        "helpdesk.Organization", on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(max_length=300)
    category = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    file = models.FileField(upload_to=document_upload_path, max_length=300)
    original_filename = models.CharField(max_length=255, blank=True)
    format = models.CharField(max_length=10, choices=DocumentFormat.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    source_url = models.URLField(max_length=2000, blank=True, help_text="The page a crawl fetched this from.")
    train_ai = models.BooleanField(default=True, help_text="Index the document for the chatbots.")

    status = models.CharField(
        max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.PROCESSING
    )
    training_status = models.CharField(
        max_length=10, choices=TrainingStatus.choices, default=TrainingStatus.PENDING
    )
    error = models.TextField(blank=True)
    element_count = models.PositiveIntegerField(default=0)
    chunk_count = models.PositiveIntegerField(default=0)
    embedding_model = models.CharField(max_length=200, blank=True, help_text="Model of the stored vectors.")
    chunking = models.CharField(
        max_length=300, blank=True, help_text="How the stored chunks were made (ingestion.chunking_signature)."
    )
    operation = models.ForeignKey(
        "helpdesk.Operation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    processed_at = models.DateTimeField(null=True, blank=True)

    # Review by the LLM (POST documents/{id}/review).
    summary = models.TextField(blank=True)
    key_features = models.JSONField(default=list, blank=True)
    entities = models.JSONField(default=dict, blank=True)
    review_confidence = models.FloatField(null=True, blank=True)
    review_model = models.CharField(max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    uploaded_by = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "sha256"], name="knowledge_document_unique_content"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["organization", "category"]),
            models.Index(fields=["organization", "created_at"]),
            models.Index(fields=["organization", "source_url"]),
            models.Index(fields=["organization", "train_ai", "status"]),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentEvent(models.Model):
    """One step of a document's history (uploaded, processing, processed, failed, reviewed…)."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["document", "created_at"])]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.status}"


class Chunk(models.Model):
    """A passage of a document as it was indexed: what keyword search ranks and citations show."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    text = models.TextField()
    title = models.CharField(max_length=300, blank=True, help_text="The document's title.")
    section = models.CharField(max_length=500, blank=True, help_text="Heading path, outermost first.")
    page = models.PositiveIntegerField(null=True, blank=True)
    char_count = models.PositiveIntegerField(default=0)
    token_count = models.PositiveIntegerField(default=0, help_text="Word count, a token estimate.")

    class Meta:
        ordering = ["document_id", "index"]
        constraints = [
            models.UniqueConstraint(fields=["document", "index"], name="knowledge_chunk_unique_index"),
        ]
        indexes = [models.Index(fields=["organization", "document"])]

    def __str__(self) -> str:
        return f"{self.document_id}#{self.index}"

    @property
    def vector_id(self) -> str:
        return f"doc-{self.document_id}-{self.index}"


class KnowledgeItem(models.Model):
    """A question and its answer (Nova Chat's knowledge-base item). Verified items rank first."""

    organization = models.ForeignKey(
        "helpdesk.Organization", on_delete=models.CASCADE, related_name="knowledge_items"
    )
    title = models.CharField(max_length=500, help_text="The question, or a short title.")
    content = models.TextField(help_text="The answer.")
    category = models.CharField(max_length=100, blank=True)
    tags = models.JSONField(default=list, blank=True)
    verified = models.BooleanField(default=False)
    source = models.CharField(max_length=20, choices=KnowledgeSource.choices, default=KnowledgeSource.MANUAL)
    embedding_model = models.CharField(max_length=200, blank=True, help_text="Model of the stored vector.")
    indexed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "category"]),
            models.Index(fields=["organization", "verified"]),
            models.Index(fields=["organization", "created_at"]),
            models.Index(fields=["organization", "title"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def vector_id(self) -> str:
        return f"kb-{self.pk}"

    @property
    def indexed_text(self) -> str:
        return f"{self.title}\n\n{self.content}"
