from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from helpdesk import selectors
from helpdesk.api.serializers import OperationSerializer
from helpdesk.api.viewsets import OrganizationScopedViewSet
from helpdesk.services import operations as operation_services


@extend_schema(tags=["Operations"])
class OperationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Long jobs (ingestion, crawl, training, escalation): status, progress, result."""

    serializer_class = OperationSerializer
    filterset_fields = ["kind", "status", "target_type", "target_id"]
    ordering_fields = ["created_at", "updated_at"]

    def scoped_queryset(self, organization):
        return selectors.operation_list(organization=organization)

    @extend_schema(request=None, responses=OperationSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        operation = operation_services.operation_retry(operation=self.get_object())
        return Response(OperationSerializer(operation).data, status=202)
