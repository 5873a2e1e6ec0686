import uuid

from django.db import models


class TrainingType(models.TextChoices):
    RAG = "rag", "Index documents for retrieval"
    MODELFILE = "modelfile", "Derived Ollama model (system prompt and parameters baked in)"


class TrainingStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Training(models.Model):
    """A training job of a chatbot (Novumdesk's ``documents/train``), run on the ``ai`` queue."""

    training_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    chatbot = models.ForeignKey("chatbots.Chatbot", on_delete=models.CASCADE, related_name="trainings")
    training_type = models.CharField(max_length=10, choices=TrainingType.choices, default=TrainingType.RAG)
    model = models.CharField(max_length=200, blank=True, help_text="Modelfile: the base model.")
    document_ids = models.JSONField(default=list, blank=True)
    chunk_size = models.PositiveIntegerField(null=True, blank=True)
    overlap = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=TrainingStatus.choices, default=TrainingStatus.PENDING)
    documents_processed = models.PositiveIntegerField(default=0)
    total_documents = models.PositiveIntegerField(default=0)
    estimated_completion = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    operation = models.ForeignKey(
        "helpdesk.Operation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "chatbot", "-created_at"], name="training_org_bot"),
            models.Index(fields=["organization", "status"], name="training_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.training_type} training {self.training_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (TrainingStatus.SUCCEEDED, TrainingStatus.FAILED)
