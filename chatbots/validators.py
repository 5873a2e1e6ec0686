"""Shape checks of chatbot settings shared by the UI form and the API serializer (Django
validators, which both run)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from helpdesk import ollama
from helpdesk.errors import DomainError


def validate_model_name(value: str) -> None:
    """A plausible Ollama model name (``family[:tag]``, ``namespace/name``)."""
    try:
        ollama.validate_model_name(value)
    except DomainError as error:
        raise ValidationError(error.message)
