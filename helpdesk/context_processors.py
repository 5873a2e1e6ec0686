from django.conf import settings


def tenant(request):
    """Exposes the acting organization and member to every template."""
    current = getattr(request, "tenant", None)
    current = current if current else None
    return {
        "tenant": current,
        "organization": current.organization if current else None,
        "membership": current.membership if current else None,
        "DEBUG": settings.DEBUG,
    }
