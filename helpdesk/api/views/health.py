from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk import health
from helpdesk.api.permissions import AllowPublic


class HealthView(APIView):
    """Liveness plus the state of each backend. 200 when the database is up, else 503."""

    authentication_classes: list = []
    permission_classes = [AllowPublic]

    @extend_schema(
        tags=["Health"],
        auth=[],
        responses={200: OpenApiResponse(description="ok"), 503: OpenApiResponse(description="database down")},
    )
    def get(self, request):
        checks = health.run_checks()
        healthy = checks.get("database", {}).get("status") == "up"
        body = {"status": "ok" if healthy else "degraded", "data": healthy, "checks": checks}
        return Response(body, status=200 if healthy else 503)


class RootHealthView(HealthView):
    """``GET /health`` (Libredesk): the same report outside the versioned API."""

    @extend_schema(
        operation_id="health_root",
        tags=["Health"],
        auth=[],
        responses={200: OpenApiResponse(description="ok"), 503: OpenApiResponse(description="database down")},
    )
    def get(self, request):
        return super().get(request)
