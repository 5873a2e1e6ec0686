"""Agents (Libredesk) and teams."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from helpdesk import selectors
from helpdesk.api.agent_serializers import AgentSerializer, AgentWriteSerializer, AvailabilitySerializer
from helpdesk.api.exceptions import ServiceError
from helpdesk.api.invitation_serializers import InvitationSerializer
from helpdesk.api.serializers import AgentApiKeySerializer, TeamSerializer
from helpdesk.api.viewsets import OrganizationScopedViewSet
from helpdesk.models import Invitation, Role
from helpdesk.services import agents as agent_services
from helpdesk.services import api_keys as key_services
from helpdesk.services import teams as team_services


@extend_schema(tags=["Agents"])
class AgentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    serializer_class = AgentSerializer
    write_role = Role.ADMIN
    action_roles = {"me": Role.AGENT, "availability": Role.AGENT, "api_key": Role.AGENT}
    filterset_fields = ["role", "availability_status", "is_active"]
    ordering_fields = ["created_at", "last_active_at", "user__email", "user__first_name"]

    def scoped_queryset(self, organization):
        return selectors.agent_list(organization=organization)

    @extend_schema(request=AgentWriteSerializer, responses={201: AgentSerializer, 202: InvitationSerializer})
    def create(self, request):
        """Invite a person: an email with a one-time link goes to them, and no password is made,
        set or returned. A new person becomes a member in the invited state at once (201,
        ``invitation_pending`` true until they choose their password from the link). A person
        who has an account already gets an invitation (202 with it): they join when they accept."""
        data = AgentWriteSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not values.get("email"):
            raise ServiceError("An email address is required.", fields={"email": ["This field is required."]})
        membership = agent_services.agent_invite(
            organization=self.organization,
            email=values["email"],
            first_name=values.get("first_name", ""),
            last_name=values.get("last_name", ""),
            role=values.get("role", Role.AGENT),
            teams=values.get("teams"),
            is_active=values.get("enabled", True),
            availability_status=values.get("availability_status"),
            actor=self.membership,
        )
        if isinstance(membership, Invitation):
            return Response(InvitationSerializer(membership).data, status=status.HTTP_202_ACCEPTED)
        body = AgentSerializer(
            selectors.agent_list(organization=self.organization).get(pk=membership.pk)
        ).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=AgentWriteSerializer, responses=AgentSerializer)
    def update(self, request, pk=None):
        membership = self.get_object()
        data = AgentWriteSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        agent_services.agent_update(
            membership=membership,
            actor=self.membership,
            first_name=values.get("first_name"),
            last_name=values.get("last_name"),
            role=values.get("role"),
            is_active=values.get("enabled"),
            teams=values.get("teams"),
            availability_status=values.get("availability_status"),
            avatar_url=values.get("avatar_url"),
        )
        return Response(AgentSerializer(self.get_queryset().get(pk=membership.pk)).data)

    partial_update = update

    def destroy(self, request, pk=None):
        agent_services.agent_remove(membership=self.get_object(), actor=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["PUT", "PATCH"], request=AgentWriteSerializer, responses=AgentSerializer)
    @action(detail=False, methods=["get", "put", "patch"])
    def me(self, request):
        """GET: the acting agent. PUT/PATCH: the agent's own name, avatar and availability (the
        only way they change; other fields are ignored here)."""
        if request.method in ("PUT", "PATCH"):
            data = AgentWriteSerializer(data=request.data, context=self.get_serializer_context())
            data.is_valid(raise_exception=True)
            values = data.validated_data
            agent_services.agent_update(
                membership=self.membership,
                actor=self.membership,
                first_name=values.get("first_name"),
                last_name=values.get("last_name"),
                avatar_url=values.get("avatar_url"),
                availability_status=values.get("availability_status"),
            )
        return Response(AgentSerializer(self.get_queryset().get(pk=self.membership.pk)).data)

    @extend_schema(request=AvailabilitySerializer, responses=AgentSerializer)
    @action(detail=False, methods=["put", "patch"], url_path="me/availability")
    def availability(self, request):
        data = AvailabilitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agent_services.agent_set_availability(
            membership=self.membership, status=data.validated_data["status"]
        )
        return Response(AgentSerializer(self.get_queryset().get(pk=self.membership.pk)).data)

    @extend_schema(request=None, responses={200: AgentApiKeySerializer, 204: None})
    @action(detail=True, methods=["post", "delete"], url_path="api-key")
    def api_key(self, request, pk=None):
        """Libredesk: generate (POST) or revoke (DELETE) the agent's key/secret pair.
        Admins may do it for agents and admins, owners for anyone, an agent only for itself."""
        membership = self.get_object()
        self._check_may_manage_agent_key(membership)
        if request.method == "DELETE":
            key_services.agent_api_key_revoke(membership=membership)
            return Response(status=status.HTTP_204_NO_CONTENT)
        api_key, api_secret = key_services.agent_api_key_generate(membership=membership)
        return Response({"api_key": api_key, "api_secret": api_secret})

    def _check_may_manage_agent_key(self, membership) -> None:
        # An agent pair acts with the member's full role, so whoever mints it must already hold
        # that much: a key without the admin permission cannot mint an admin's pair, and an admin
        # cannot mint (and then act as) an owner.
        if membership.pk != self.membership.pk and not self.tenant.has_role(Role.ADMIN):
            raise ServiceError(
                "Only admins can manage another agent's API key.", code="permission_denied", status_code=403
            )
        if not self.tenant.has_role(membership.role):
            raise ServiceError(
                f"Managing this API key needs the {membership.role} role"
                + (" and a credential with the admin permission." if self.tenant.api_key else "."),
                code="permission_denied",
                status_code=403,
            )


@extend_schema(tags=["Teams"])
class TeamViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    OrganizationScopedViewSet,
):
    serializer_class = TeamSerializer
    write_role = Role.ADMIN
    filterset_fields = ["conversation_assignment_type"]
    ordering_fields = ["name", "created_at"]

    def scoped_queryset(self, organization):
        return selectors.team_list(organization=organization)

    def create(self, request):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        team = team_services.team_create(organization=self.organization, **data.validated_data)
        return Response(self.get_serializer(team).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None):
        team = self.get_object()
        data = self.get_serializer(team, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        team = team_services.team_update(team=team, **data.validated_data)
        return Response(self.get_serializer(team).data)

    partial_update = update

    def destroy(self, request, pk=None):
        team_services.team_delete(team=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
