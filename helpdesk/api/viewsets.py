"""The organization-scoped base every API viewset builds on.

Querysets come from ``scoped_queryset(organization)``: rows of another organization are simply
not there, so they answer 404 like rows that do not exist."""

from rest_framework import mixins, viewsets

from helpdesk.api.permissions import current_tenant


class TenantMixin:
    @property
    def tenant(self):
        return current_tenant(self.request)

    @property
    def organization(self):
        return self.tenant.organization

    @property
    def membership(self):
        return self.tenant.membership

    def get_serializer_context(self):
        context = super().get_serializer_context()
        tenant = current_tenant(self.request) if hasattr(self, "request") and self.request else None
        if tenant is not None:
            context["organization"] = tenant.organization
            context["membership"] = tenant.membership
        return context


class OrganizationScopedViewSet(TenantMixin, viewsets.GenericViewSet):
    """Subclasses implement ``scoped_queryset(organization)`` (usually a selector call)."""

    def scoped_queryset(self, organization):
        model = self.get_serializer_class().Meta.model
        return model.objects.filter(organization=organization)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no tenant
            return self.get_serializer_class().Meta.model.objects.none()
        return self.scoped_queryset(self.organization)


class OrganizationScopedModelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    OrganizationScopedViewSet,
):
    """List and retrieve from the scoped queryset; writes are explicit actions calling services."""
