from django.db import models
from django.db.models import Q


class Contact(models.Model):
    """An end user (customer) who writes to the organization. Found or created by email."""

    organization = models.ForeignKey(
        "helpdesk.Organization", on_delete=models.CASCADE, related_name="contacts"
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(max_length=254, blank=True, help_text="Stored lower-case.")
    phone_number = models.CharField(max_length=40, blank=True)
    phone_number_country_code = models.CharField(max_length=8, blank=True)
    avatar_url = models.CharField(max_length=500, blank=True)
    company = models.CharField(max_length=200, blank=True)
    custom_attributes = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True, help_text="A blocked contact cannot open conversations.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"], condition=~Q(email=""), name="unique_contact_email"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="contact_org_created"),
            models.Index(fields=["organization", "phone_number"], name="contact_org_phone"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email or f"Contact {self.pk}"


class ContactNote(models.Model):
    """An agent's private note about a contact."""

    organization = models.ForeignKey("helpdesk.Organization", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["contact", "-created_at"], name="contactnote_contact_created")]

    def __str__(self) -> str:
        return f"Note on {self.contact_id}"
