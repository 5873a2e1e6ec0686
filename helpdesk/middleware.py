from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from helpdesk.tenancy import tenant_for_session

ACTIVITY_RESOLUTION_SECONDS = 60


class TenantMiddleware:
    """Puts ``request.tenant`` (lazy) on UI requests and keeps the member's last_active_at fresh."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = SimpleLazyObject(lambda: tenant_for_session(request))
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith(("/static/", "/api/")):
            tenant = request.tenant
            if tenant:
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
