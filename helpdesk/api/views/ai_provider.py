"""``ai/provider``: the organization's LLM provider (Ollama), its default endpoint and model.

Every member reads it; admins change it and test the connection (which lists the models found)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.api.viewsets import TenantMixin
from helpdesk.models import Role
from helpdesk.selectors import ai_provider_summary
from helpdesk.services import accounts

PROVIDERS = [("ollama", "Ollama")]


class AIProviderDefaultSerializer(serializers.Serializer):
    endpoint = serializers.CharField(help_text="The server-wide OLLAMA_HOST.")
    model = serializers.CharField(help_text="The server-wide OLLAMA_MODEL.")


class AIProviderEmbeddingSerializer(serializers.Serializer):
    backend = serializers.CharField(help_text="EMBEDDING_BACKEND: local or ollama.")
    model = serializers.CharField(help_text="EMBEDDING_MODEL.")


class AIProviderSerializer(serializers.Serializer):
    provider = serializers.CharField()
    endpoint = serializers.CharField(help_text="The endpoint in use (the organization's, else the server's).")
    model = serializers.CharField(help_text="The default model in use.")
    uses_server_default = serializers.BooleanField(help_text="No organization endpoint is set.")
    endpoints = serializers.ListField(
        child=serializers.CharField(), help_text="Endpoints chatbots of this organization may use."
    )
    server_default = AIProviderDefaultSerializer()
    embedding = AIProviderEmbeddingSerializer(help_text="What turns knowledge into vectors.")


class AIProviderUpdateSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(choices=PROVIDERS)
    endpoint = serializers.CharField(
        max_length=300, allow_blank=True, help_text="http(s) URL of an Ollama server; blank: the server's."
    )
    model = serializers.CharField(
        max_length=200, allow_blank=True, help_text="Default model, e.g. llama3.2; blank: the server's."
    )


class AIProviderTestRequestSerializer(serializers.Serializer):
    endpoint = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="An allowed endpoint; default: the one in use.",
    )


class OllamaModelSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField(allow_null=True)
    modified_at = serializers.CharField(allow_null=True)
    details = serializers.DictField()


class AIProviderTestSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    endpoint = serializers.CharField()
    version = serializers.CharField()
    models = OllamaModelSerializer(many=True)


class AIProviderView(TenantMixin, APIView):
    """GET for every member; PUT (all fields) and PATCH (some) for admins."""

    required_role = Role.AGENT
    write_role = Role.ADMIN

    @extend_schema(responses=AIProviderSerializer, tags=["AI assist"])
    def get(self, request):
        return Response(ai_provider_summary(organization=self.organization))

    @extend_schema(request=AIProviderUpdateSerializer, responses=AIProviderSerializer, tags=["AI assist"])
    def put(self, request):
        return self._update(request, partial=False)

    @extend_schema(request=AIProviderUpdateSerializer, responses=AIProviderSerializer, tags=["AI assist"])
    def patch(self, request):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool):
        data = AIProviderUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        organization = self.organization
        current_endpoint = organization.ollama_endpoint
        organization = accounts.ai_provider_update(
            organization=organization,
            endpoint=values.get("endpoint", current_endpoint),
            model=values.get("model", organization.ollama_model),
        )
        return Response(ai_provider_summary(organization=organization))


class AIProviderTestView(TenantMixin, APIView):
    """Admins: reach an allowed endpoint and list its models. 502/503 when Ollama fails."""

    required_role = Role.ADMIN

    @extend_schema(
        request=AIProviderTestRequestSerializer,
        responses={
            200: AIProviderTestSerializer,
            502: OpenApiResponse(description="Ollama answered with an error"),
            503: OpenApiResponse(description="Ollama unreachable or too slow"),
        },
        tags=["AI assist"],
    )
    def post(self, request):
        data = AIProviderTestRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = accounts.ai_provider_test(
            organization=self.organization, endpoint=data.validated_data.get("endpoint") or None
        )
        return Response(result)
