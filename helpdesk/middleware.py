from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from helpdesk.api.exceptions import error_body
from helpdesk.tenancy import tenant_for_session

ACTIVITY_RESOLUTION_SECONDS = 60


class TenantMiddleware:
    """Puts ``request.tenant`` (lazy) on UI requests, shows their times in the organization's
    time zone (``Organization.timezone``, activated for the request), and keeps the member's
    last_active_at fresh. The API answers in UTC whatever the organization."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = SimpleLazyObject(lambda: tenant_for_session(request))
        if not request.user.is_authenticated or request.path.startswith(("/static/", "/api/")):
            return self.get_response(request)
        tenant = request.tenant
        if not tenant:
            return self.get_response(request)
        with timezone.override(tenant.organization.zone):
            response = self.get_response(request)
        if request.user.is_authenticated:  # not after signing out
            _touch(tenant.membership)
        return response


def _touch(membership) -> None:
    now = timezone.now()
    last = membership.last_active_at
    if last is None or (now - last).total_seconds() > ACTIVITY_RESOLUTION_SECONDS:
        type(membership).objects.filter(pk=membership.pk).update(last_active_at=now)


class ContentSecurityPolicyMiddleware:
    """Sends ``CONTENT_SECURITY_POLICY`` with every HTML page: scripts only from our own static
    files (no inline scripts, no eval), no framing by other sites. The API's documentation pages
    (Swagger UI, ReDoc, third-party assets) get ``CONTENT_SECURITY_POLICY_API_DOCS``. Other
    responses (JSON, files, scripts such as an embeddable widget) are left alone, and a response
    that sets its own policy (downloads) keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" in response:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        documentation = request.path.startswith(tuple(settings.CONTENT_SECURITY_POLICY_API_DOCS_PATHS))
        policy = (
            settings.CONTENT_SECURITY_POLICY_API_DOCS if documentation else settings.CONTENT_SECURITY_POLICY
        )
        if policy:
            response["Content-Security-Policy"] = policy
        return response


class NulCharacterMiddleware:
    """Refuses a query string holding a NUL character (400): PostgreSQL cannot store or compare
    one in text, so a search or filter with it would fail deep inside a query. Body fields are
    refused field by field by the serializers and forms."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                if not request.path.startswith("/api/"):
                    raise BadRequest("NUL character in the query string.")
                name = name.replace("\x00", "")
                message = f"The query parameter '{name}' contains a NUL character."
                fields = {name: ["NUL characters are not allowed."]}
                return JsonResponse(error_body(message, "invalid", fields), status=400)
        return self.get_response(request)
