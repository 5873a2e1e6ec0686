"""The signed-in user's own invitations: list the pending ones, accept or decline one."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk import selectors
from helpdesk.api.agent_serializers import AgentSerializer
from helpdesk.api.invitation_serializers import InvitationSerializer
from helpdesk.api.viewsets import TenantMixin
from helpdesk.models import Role
from helpdesk.services import agents as agent_services


class InvitationListView(TenantMixin, APIView):
    required_role = Role.AGENT

    @extend_schema(responses=InvitationSerializer(many=True), tags=["Agents"])
    def get(self, request):
        invitations = selectors.pending_invitations(user=request.user)
        return Response(InvitationSerializer(invitations, many=True).data)


class InvitationAcceptView(TenantMixin, APIView):
    """Join the inviting organization; the answer is the new membership (agent)."""

    required_role = Role.AGENT
    write_role = Role.AGENT

    @extend_schema(request=None, responses=AgentSerializer, tags=["Agents"])
    def post(self, request, invitation_id: int):
        membership = agent_services.invitation_accept(user=request.user, invitation_id=invitation_id)
        agent = selectors.agent_list(organization=membership.organization).get(pk=membership.pk)
        return Response(AgentSerializer(agent).data)


class InvitationDeclineView(TenantMixin, APIView):
    required_role = Role.AGENT
    write_role = Role.AGENT

    @extend_schema(request=None, responses=InvitationSerializer, tags=["Agents"])
    def post(self, request, invitation_id: int):
        invitation = agent_services.invitation_decline(user=request.user, invitation_id=invitation_id)
        return Response(InvitationSerializer(invitation).data)
