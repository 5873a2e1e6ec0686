from django.db import models


class RealtimeEvent(models.Model):
    """A durable real-time event, kept for REALTIME_RETENTION_SECONDS so a browser that reconnects
    with ``Last-Event-ID`` receives what it missed. The id is the SSE event id (it only grows)."""

    id = models.BigAutoField(primary_key=True)
    organization_id = models.BigIntegerField(db_index=True)
    # " org:1 conversation:… ": space-delimited, so a replay filters with one LIKE per topic.
    topics = models.TextField()
    event = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event} #{self.id}"

    @property
    def topic_list(self) -> list[str]:
        return self.topics.split()
