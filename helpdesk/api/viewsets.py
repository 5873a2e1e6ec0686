"""The organization-scoped base every API viewset builds on.

Querysets come from ``scoped_queryset(organization)``: rows of another organization are simply
not there, so they answer 404 like rows that do not exist."""

from rest_framework import mixins, viewsets
from rest_framework.request import Request

from helpdesk.api.exceptions import ServiceError
from helpdesk.api.permissions import current_tenant

BODY_METHODS = {"PUT", "PATCH"}


class WriteRequest(Request):
    """A PUT or PATCH says what to change in its body: reading the data of one sent without a
    body is refused (400), never taken as an empty change. Actions that take no body
    (``last-seen``, ``assignee/user/remove``, ``retry``) never read it, so they still answer."""

    def _load_data_and_files(self):
        if self.method in BODY_METHODS and self.stream is None:  # DRF's own "no body" test
            raise ServiceError(
                f"A {self.method} needs a JSON body with the fields to change; this request has none."
            )
        super()._load_data_and_files()


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

    def initialize_request(self, request, *args, **kwargs):
        # DRF builds its Request (and a viewset sets ``action``) in here; WriteRequest only adds
        # the body check, so the built request takes its class.
        drf_request = super().initialize_request(request, *args, **kwargs)
        drf_request.__class__ = WriteRequest
        return drf_request

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
