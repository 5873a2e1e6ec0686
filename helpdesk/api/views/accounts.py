"""Sign-up, login, account status and the organization's settings."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk import limits, login_failures, selectors
from helpdesk.api.permissions import AllowPublic
from helpdesk.api.serializers import (
    AccountStatusSerializer,
    LoginSerializer,
    MemberOrganizationSerializer,
    OrganizationCreatedSerializer,
    OrganizationCreateSerializer,
    OrganizationSettingsSerializer,
    SignupSerializer,
    TokenResponseSerializer,
    UserSerializer,
)
from helpdesk.api.throttling import LoginRateThrottle
from helpdesk.api.viewsets import TenantMixin
from helpdesk.models import Role
from helpdesk.models.organization import LIMITED_RESOURCES
from helpdesk.services import accounts

_domain_lister = None


def register_domain_lister(lister) -> None:
    """The widget channel (conversations) lists an organization's bound domains for account/status."""
    global _domain_lister
    _domain_lister = lister


def _organization_brief(organization) -> dict:
    return {
        "id": organization.pk,
        "name": organization.name,
        "slug": organization.slug,
        "plan": organization.plan,
    }


class AccountCreateView(APIView):
    """Nova Chat: create an organization and its owner; returns a Bearer token."""

    authentication_classes: list = []
    permission_classes = [AllowPublic]
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        request=SignupSerializer, responses={201: TokenResponseSerializer}, tags=["Accounts"], auth=[]
    )
    def post(self, request):
        data = SignupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with transaction.atomic():
            organization, membership = accounts.account_sign_up(
                name=values["name"],
                email=values["email"],
                password=values["password"],
                plan=values["plan"],
                first_name=values["first_name"],
                last_name=values["last_name"],
            )
            token = accounts.login_token_issue(membership=membership)
        body = {
            "token": token,
            "user": UserSerializer(membership.user).data,
            "organization": _organization_brief(organization),
        }
        return Response(body, status=status.HTTP_201_CREATED)


class LoginView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowPublic]
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        request=LoginSerializer, responses={200: TokenResponseSerializer}, tags=["Accounts"], auth=[]
    )
    def post(self, request):
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"]
        login_failures.ensure_allowed(request=request, email=email)
        try:
            membership, token = accounts.login(
                email=email,
                password=data.validated_data["password"],
                organization_id=data.validated_data.get("organization_id"),
            )
        except accounts.AccountError as refusal:
            if refusal.code == "invalid_credentials":
                login_failures.record_failure(request=request, email=email)
            raise
        return Response(
            {
                "token": token,
                "user": UserSerializer(membership.user).data,
                "organization": _organization_brief(membership.organization),
            }
        )


class OrganizationsView(TenantMixin, APIView):
    """The signed-in user's organizations (GET) and a new one they own (POST). The UI switches
    with the organization switcher; an API client signs in with ``organization_id`` or uses the
    token returned here."""

    required_role = Role.AGENT
    write_role = Role.AGENT

    @extend_schema(responses=MemberOrganizationSerializer(many=True), tags=["Accounts"])
    def get(self, request):
        memberships = selectors.member_organizations(user=request.user)
        context = {"current_organization_id": self.organization.pk}
        return Response(MemberOrganizationSerializer(memberships, many=True, context=context).data)

    @extend_schema(
        request=OrganizationCreateSerializer,
        responses={201: OrganizationCreatedSerializer},
        tags=["Accounts"],
    )
    def post(self, request):
        data = OrganizationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            _, membership = accounts.organization_add(
                user=request.user, name=data.validated_data["name"], plan=data.validated_data["plan"]
            )
            token = accounts.login_token_issue(membership=membership)
        body = {"token": token, "organization": MemberOrganizationSerializer(membership).data}
        return Response(body, status=status.HTTP_201_CREATED)


class AccountStatusView(TenantMixin, APIView):
    @extend_schema(responses=AccountStatusSerializer, tags=["Accounts"])
    def get(self, request):
        organization = self.organization
        body = {
            "plan": organization.plan,
            "limits": organization.limits,
            "usage": {**dict.fromkeys(LIMITED_RESOURCES, 0), **limits.usage(organization)},
            "agentic_rag_enabled": organization.agentic_rag_enabled,
            "domains": _domain_lister(organization) if _domain_lister else [],
            "organization": _organization_brief(organization),
        }
        return Response(body)


class AccountSettingsView(TenantMixin, APIView):
    """GET for every member; PATCH/PUT/POST (SysAid ``POST /api/org``) for admins."""

    required_role = Role.AGENT
    write_role = Role.ADMIN

    @extend_schema(responses=OrganizationSettingsSerializer, tags=["Accounts"])
    def get(self, request):
        return Response(OrganizationSettingsSerializer(self.organization).data)

    @extend_schema(
        request=OrganizationSettingsSerializer, responses=OrganizationSettingsSerializer, tags=["Accounts"]
    )
    def patch(self, request):
        data = OrganizationSettingsSerializer(
            self.organization, data=request.data, partial=True, context={"organization": self.organization}
        )
        data.is_valid(raise_exception=True)
        organization = accounts.organization_update_settings(
            organization=self.organization, changes=data.validated_data
        )
        return Response(OrganizationSettingsSerializer(organization).data)

    put = patch
    post = patch
