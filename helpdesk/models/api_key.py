import hashlib

from django.db import models
from django.utils import timezone


class ApiKeyKind(models.TextChoices):
    ORGANIZATION = "organization", "Organization key"
    AGENT = "agent", "Agent key (Libredesk)"
    LOGIN = "login", "Login token"


class ApiKeyPermission(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Write"
    ADMIN = "admin", "Admin"


class ApiKey(models.Model):
    """A credential. ``key_id`` is public (the Libredesk ``api_key``); only a hash of the secret
    is stored. The key acts as ``membership`` inside ``organization``, within ``permissions``."""

    organization = models.ForeignKey(
        "helpdesk.Organization", on_delete=models.CASCADE, related_name="api_keys"
    )
    membership = models.ForeignKey("helpdesk.Membership", on_delete=models.CASCADE, related_name="api_keys")
    kind = models.CharField(max_length=20, choices=ApiKeyKind.choices, default=ApiKeyKind.ORGANIZATION)
    name = models.CharField(max_length=100)
    key_id = models.CharField(max_length=40, unique=True)
    secret_hash = models.CharField(max_length=64)
    permissions = models.JSONField(default=list)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "kind", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        # Secrets are 192-bit random values, so a fast hash is safe (no dictionary to attack).
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
