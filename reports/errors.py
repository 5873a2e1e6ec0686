from helpdesk.errors import DomainError


class ReportError(DomainError):
    """A report's filters are malformed (bad dates, unknown preset); ``code`` says how."""
