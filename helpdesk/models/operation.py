import uuid

from django.db import models


class OperationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Operation(models.Model):
    """A long job (ingestion, crawl, training, escalation…): status, progress and result."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "helpdesk.Organization", on_delete=models.CASCADE, related_name="operations"
    )
    kind = models.CharField(max_length=50)
    status = models.CharField(max_length=12, choices=OperationStatus.choices, default=OperationStatus.PENDING)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    params = models.JSONField(default=dict, blank=True, help_text="What the job needs to run again (retry).")
    # The Celery task that runs the job and its arguments, recorded by ``helpdesk.jobs``: a retry
    # queues the same task again.
    task_name = models.CharField(max_length=200, blank=True)
    task_args = models.JSONField(default=list, blank=True)
    target_type = models.CharField(max_length=50, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey("helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "kind", "status"]),
            models.Index(fields=["organization", "target_type", "target_id"]),
            models.Index(fields=["status", "updated_at"]),  # the stale-operation sweeper
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} ({self.status})"

    @property
    def progress(self) -> float:
        if self.status == OperationStatus.SUCCEEDED:
            return 1.0
        return round(self.progress_done / self.progress_total, 4) if self.progress_total else 0.0

    @property
    def is_finished(self) -> bool:
        return self.status in (OperationStatus.SUCCEEDED, OperationStatus.FAILED)
