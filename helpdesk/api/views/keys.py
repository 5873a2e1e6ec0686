from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from helpdesk import selectors
from helpdesk.api.serializers import ApiKeyCreatedSerializer, ApiKeyCreateSerializer, ApiKeySerializer
from helpdesk.api.viewsets import OrganizationScopedViewSet
from helpdesk.models import Role
from helpdesk.services import api_keys as key_services


@extend_schema(tags=["API keys"])
class ApiKeyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Organization API keys. The full key is in the create response only."""

    serializer_class = ApiKeySerializer
    required_role = Role.ADMIN
    ordering_fields = ["created_at", "last_used_at", "name"]

    def scoped_queryset(self, organization):
        return selectors.api_key_list(organization=organization)

    @extend_schema(request=ApiKeyCreateSerializer, responses={201: ApiKeyCreatedSerializer})
    def create(self, request):
        data = ApiKeyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        api_key, full_key = key_services.api_key_create(
            membership=self.membership,
            name=data.validated_data["name"],
            permissions=data.validated_data["permissions"],
        )
        return Response(
            {"key": ApiKeySerializer(api_key).data, "full_key": full_key}, status=status.HTTP_201_CREATED
        )

    def destroy(self, request, pk=None):
        key_services.api_key_revoke(api_key=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
