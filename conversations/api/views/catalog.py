"""Inboxes, statuses, priorities and tags."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework import status as http
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations.api.serializers.catalog import (
    InboxSerializer,
    PrioritySerializer,
    StatusSerializer,
    TagSerializer,
)
from conversations.models import Priority
from conversations.selectors import catalog as selectors
from conversations.services import catalog, defaults, inboxes
from helpdesk.api.viewsets import OrganizationScopedViewSet, TenantMixin
from helpdesk.models import Role


class CrudMixin(mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Create/update/delete through the ``create_item``/``update_item``/``delete_item`` hooks
    (each calls a service)."""

    def create(self, request):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = self.create_item(dict(data.validated_data))
        return Response(self.get_serializer(item).data, status=http.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        item = self.get_object()
        data = self.get_serializer(item, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        item = self.update_item(item, dict(data.validated_data))
        return Response(self.get_serializer(item).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    def destroy(self, request, pk=None):
        self.delete_item(self.get_object())
        return Response(status=http.HTTP_204_NO_CONTENT)


@extend_schema(tags=["Inboxes"])
class InboxViewSet(CrudMixin, OrganizationScopedViewSet):
    """Channels conversations come in through (api, web, email). Admins manage them."""

    serializer_class = InboxSerializer
    write_role = Role.ADMIN
    filterset_fields = ["channel", "enabled"]
    ordering_fields = ["id", "name", "created_at"]

    def scoped_queryset(self, organization):
        return selectors.inbox_list(organization=organization)

    def list(self, request, *args, **kwargs):
        defaults.ensure(self.organization)  # organizations older than this app get their API inbox
        return super().list(request, *args, **kwargs)

    def create_item(self, values):
        return inboxes.inbox_create(organization=self.organization, **values)

    def update_item(self, item, values):
        return inboxes.inbox_update(inbox=item, **values)

    def delete_item(self, item):
        inboxes.inbox_delete(inbox=item)


@extend_schema(tags=["Statuses"])
class StatusViewSet(CrudMixin, OrganizationScopedViewSet):
    """Built-in Open, Snoozed, Resolved, Closed (read-only) and custom statuses."""

    serializer_class = StatusSerializer
    write_role = Role.ADMIN
    filterset_fields = ["category", "is_builtin"]
    ordering_fields = ["id", "name"]

    def scoped_queryset(self, organization):
        return selectors.status_list(organization=organization)

    def list(self, request, *args, **kwargs):
        defaults.ensure(self.organization)
        return super().list(request, *args, **kwargs)

    def create_item(self, values):
        return catalog.status_create(organization=self.organization, **values)

    def update_item(self, item, values):
        return catalog.status_update(status=item, name=values.get("name"), category=values.get("category"))

    def delete_item(self, item):
        catalog.status_delete(status=item)


@extend_schema(tags=["Tags"])
class TagViewSet(CrudMixin, OrganizationScopedViewSet):
    """Tags; agents may create them (also implicitly when tagging), admins rename or delete."""

    serializer_class = TagSerializer
    action_roles = {"update": Role.ADMIN, "partial_update": Role.ADMIN, "destroy": Role.ADMIN}
    ordering_fields = ["name", "created_at"]

    def scoped_queryset(self, organization):
        return selectors.tag_list(organization=organization)

    def create_item(self, values):
        return catalog.tag_create(organization=self.organization, name=values["name"])

    def update_item(self, item, values):
        return catalog.tag_update(tag=item, name=values.get("name", item.name))

    def delete_item(self, item):
        catalog.tag_delete(tag=item)


@extend_schema(tags=["Priorities"])
class PriorityListView(TenantMixin, APIView):
    """The fixed priorities (the id is a conversation's ``priority_id``)."""

    @extend_schema(responses=PrioritySerializer(many=True))
    def get(self, request):
        data = [{"id": choice.value, "name": choice.label} for choice in Priority]
        return Response(PrioritySerializer(data, many=True).data)
