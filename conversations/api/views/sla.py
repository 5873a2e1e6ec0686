"""SLA policies, business hours and the SLA overview."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations.api.serializers.conversations import SLAStatusSerializer
from conversations.api.serializers.sla import BusinessHoursSerializer, SLAPolicySerializer
from conversations.api.views.catalog import CrudMixin
from conversations.errors import ConversationError
from conversations.selectors import catalog as selectors
from conversations.selectors.sla import sla_overview
from conversations.services import sla
from helpdesk.api.viewsets import OrganizationScopedViewSet, TenantMixin
from helpdesk.models import Role


@extend_schema(tags=["SLA"])
class BusinessHoursViewSet(CrudMixin, OrganizationScopedViewSet):
    """Weekly schedules (per weekday open/close times, holidays, time zone) that SLA deadlines
    count in. Used by a team (its ``business_hours_id``) or a policy."""

    serializer_class = BusinessHoursSerializer
    write_role = Role.ADMIN
    ordering_fields = ["name", "created_at"]

    def scoped_queryset(self, organization):
        return selectors.business_hours_list(organization=organization)

    def create_item(self, values):
        return sla.business_hours_create(organization=self.organization, **values)

    def update_item(self, item, values):
        return sla.business_hours_update(business_hours=item, **values)

    def delete_item(self, item):
        sla.business_hours_delete(business_hours=item)


@extend_schema(tags=["SLA"])
class SLAPolicyViewSet(CrudMixin, OrganizationScopedViewSet):
    """Targets in business minutes (first response, next response, resolution), applied by a
    team's ``sla_policy_id`` or by ``conditions`` (priority, inbox_id, channel; lowest
    ``position`` first)."""

    serializer_class = SLAPolicySerializer
    write_role = Role.ADMIN
    filterset_fields = ["is_active"]
    ordering_fields = ["position", "name", "created_at"]

    def scoped_queryset(self, organization):
        return selectors.sla_policy_list(organization=organization)

    def create_item(self, values):
        return sla.sla_policy_create(organization=self.organization, **values)

    def update_item(self, item, values):
        return sla.sla_policy_update(policy=item, **values)

    def delete_item(self, item):
        sla.sla_policy_delete(policy=item)


@extend_schema(tags=["SLA"])
class SLAStatusView(TenantMixin, APIView):
    """Nova Chat's SLA overview: open and snoozed conversations with a pending target, counted as
    on track, at risk (less than 20 % of the target or 30 minutes left) or breached, with the
    conversations behind each count (soonest deadline first)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("team_id", OpenApiTypes.INT),
            OpenApiParameter("assignee_id", OpenApiTypes.INT),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description="Conversations per state (default 20, max 100)"
            ),
        ],
        responses=SLAStatusSerializer,
    )
    def get(self, request):
        def integer(name, default=None):
            value = request.query_params.get(name)
            if value in (None, ""):
                return default
            if not value.isdigit():
                raise ConversationError(f"{name} must be a number.", field=name)
            return int(value)

        overview = sla_overview(
            organization=self.tenant.organization,
            team_id=integer("team_id"),
            assignee_id=integer("assignee_id"),
            limit=min(integer("limit", 20), 100),
        )
        return Response(SLAStatusSerializer(overview).data)
