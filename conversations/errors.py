"""Refusals raised by the conversations services (mapped to HTTP statuses by their ``code``)."""

from helpdesk.errors import DomainError


class ConversationError(DomainError):
    """Bad input or a state that forbids the change (400 unless another ``code`` is given)."""


class NotFound(DomainError):
    """A referenced object does not exist in this organization (never says whether it exists in
    another one)."""

    code = "not_found"
