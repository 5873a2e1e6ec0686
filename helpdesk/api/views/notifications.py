"""The acting agent's own notifications: list (``?unread=true``), mark one or all read, and the
notification preferences. Another member's notification is not found (404), like another
organization's."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from helpdesk import selectors
from helpdesk.api.exceptions import ServiceError
from helpdesk.api.notification_serializers import NotificationPreferenceSerializer, NotificationSerializer
from helpdesk.api.viewsets import OrganizationScopedViewSet
from helpdesk.ids import parse_id
from helpdesk.models import Role
from helpdesk.services import notifications as notification_services

TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


def _unread(value: str | None) -> bool | None:
    if value in (None, ""):
        return None
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    message = "unread must be true or false."
    raise ServiceError(message, fields={"unread": [message]})


@extend_schema(tags=["Notifications"])
class NotificationViewSet(mixins.ListModelMixin, OrganizationScopedViewSet):
    serializer_class = NotificationSerializer
    write_role = Role.AGENT

    def scoped_queryset(self, organization):
        unread = _unread(self.request.query_params.get("unread")) if self.action == "list" else None
        return selectors.notification_list(membership=self.membership, unread=unread)

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="Only unread (true) or only read (false).")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["put", "post"])
    def read(self, request, pk=None):
        notification_id = parse_id(pk)
        if notification_id is None:
            raise ServiceError("Notification not found.", code="not_found", status_code=404)
        notification_services.notification_mark_read(
            membership=self.membership, notification_id=notification_id
        )
        return Response(NotificationSerializer(self.get_queryset().get(pk=notification_id)).data)

    @extend_schema(
        request=None, responses={200: {"type": "object", "properties": {"marked": {"type": "integer"}}}}
    )
    @action(detail=False, methods=["put", "post"], url_path="read-all")
    def read_all(self, request):
        marked = notification_services.notifications_mark_all_read(membership=self.membership)
        return Response({"marked": marked, "unread": 0})

    @extend_schema(methods=["PUT", "PATCH"], request=NotificationPreferenceSerializer)
    @extend_schema(responses=NotificationPreferenceSerializer)
    @action(detail=False, methods=["get", "put", "patch"])
    def preferences(self, request):
        current = selectors.notification_preference(membership=self.membership)
        if request.method in ("PUT", "PATCH"):
            data = NotificationPreferenceSerializer(current, data=request.data, partial=True)
            data.is_valid(raise_exception=True)
            values = {
                field: getattr(current, field) for field in NotificationPreferenceSerializer.Meta.fields
            }
            values.update(data.validated_data)
            current = notification_services.notification_preference_update(
                membership=self.membership, **values
            )
        return Response(NotificationPreferenceSerializer(current).data)
