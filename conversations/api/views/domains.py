"""Nova Chat domains: ``POST account/bind-domain``, ``GET account/domains`` and
``GET/PATCH account/domains/{id}`` (the widget's appearance and allowed origins). The bot of a
domain is set by ``POST account/domains/{id}/ai-config`` in the chatbots app."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations.api.serializers.domains import (
    DomainBindSerializer,
    DomainBoundSerializer,
    DomainSerializer,
)
from conversations.models import Domain
from conversations.selectors.domains import domain_get, domain_list
from conversations.services.domains import domain_bind, domain_update
from helpdesk.api.viewsets import TenantMixin
from helpdesk.ids import MAX_ID
from helpdesk.models import Role


class BindDomainView(TenantMixin, APIView):
    required_role = Role.ADMIN

    @extend_schema(
        request=DomainBindSerializer,
        responses={201: DomainBoundSerializer},
        tags=["Domains"],
        summary="Bind a website domain (its own web inbox and website token)",
    )
    def post(self, request):
        data = DomainBindSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        domain = domain_bind(
            organization=self.organization,
            website_url=data.validated_data["website_url"],
            label=data.validated_data["label"],
        )
        return Response(DomainBoundSerializer(domain).data, status=status.HTTP_201_CREATED)


class DomainListView(TenantMixin, generics.ListAPIView):
    serializer_class = DomainSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no organization
            return Domain.objects.none()
        return domain_list(organization=self.organization)

    @extend_schema(tags=["Domains"], summary="List the bound domains")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def domain_or_404(organization, pk):
    domain = domain_get(organization=organization, pk=pk) if 0 < int(pk) <= MAX_ID else None
    if domain is None:
        raise NotFound("Domain not found.")
    return domain


class DomainDetailView(TenantMixin, APIView):
    write_role = Role.ADMIN

    @extend_schema(responses=DomainSerializer, tags=["Domains"], summary="A bound domain")
    def get(self, request, pk):
        return Response(DomainSerializer(domain_or_404(self.organization, pk)).data)

    @extend_schema(
        request=DomainSerializer,
        responses=DomainSerializer,
        tags=["Domains"],
        summary="Change a domain's widget (label, colour, position, greeting, origins, active)",
    )
    def patch(self, request, pk):
        domain = domain_or_404(self.organization, pk)
        data = DomainSerializer(domain, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        domain = domain_update(domain=domain, **data.validated_data)
        return Response(DomainSerializer(domain).data)
