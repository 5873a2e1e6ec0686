"""``conversations/{uuid}/csat``: the contact answers "How did we do?" (POST, public) and agents
read the conversation's surveys (GET, authenticated, inside their organization).

Who may answer: the widget visitor of that conversation (``X-Visitor-Token``; any other
visitor's token answers 404, from a page on one of its domain's allowed origins, CORS as the
widget API), or the holder of the signed link sent by email (``token`` in the body: bound to its
survey and conversation, valid 30 days, answered once). Throttled like the widget endpoints."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations.api.serializers.csat import CsatAnswerSerializer, CsatSurveySerializer
from conversations.api.views.base import UUID_PATH, parse_uuid
from conversations.api.views.widget import InvalidVisitorToken, OriginRefused, _origin_allowed, cors_headers
from conversations.models import Conversation, Domain, WidgetVisitor
from conversations.selectors import conversations as conversation_selectors
from conversations.selectors.csat import csat_latest, csat_list
from conversations.services.csat import csat_answer, csat_survey_for_token
from helpdesk.api.pagination import PageNumberPagination
from helpdesk.api.permissions import AllowPublic, IsOrganizationMember, current_tenant
from helpdesk.api.throttling import WidgetAddressRateThrottle, WidgetTokenRateThrottle
from helpdesk.errors import DomainError

PUBLIC_METHODS = ("POST", "OPTIONS")


class NothingToRate(DomainError):
    code = "conflict"


class CsatView(APIView):
    pagination_class = PageNumberPagination
    cors_domain: Domain | None = None

    def get_permissions(self):
        if self.request.method in PUBLIC_METHODS:
            return [AllowPublic()]
        return [IsOrganizationMember()]

    def get_throttles(self):
        if self.request.method in PUBLIC_METHODS:
            return [WidgetTokenRateThrottle(), WidgetAddressRateThrottle()]
        return super().get_throttles()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        origin = request.headers.get("Origin")
        if origin and self.cors_domain is not None and _origin_allowed(self.cors_domain, origin):
            for name, value in cors_headers(origin, preflight=request.method == "OPTIONS").items():
                response[name] = value
        return response

    def _conversation(self, uuid) -> Conversation:
        """Any organization's conversation: the visitor or the link says whose it is."""
        value = parse_uuid(uuid)
        conversation = (
            Conversation.objects.select_related("contact", "organization", "inbox").filter(uuid=value).first()
            if value
            else None
        )
        if conversation is None:
            raise exceptions.NotFound("Conversation not found.")
        return conversation

    def _check_origin(self, domain: Domain | None) -> None:
        self.cors_domain = domain
        origin = self.request.headers.get("Origin")
        if origin and (domain is None or not _origin_allowed(domain, origin)):
            raise OriginRefused("This website is not allowed to use this chat widget.")

    def options(self, request, *args, **kwargs):
        """The CORS preflight of the widget's answer: only from the conversation's domain."""
        conversation = self._conversation(kwargs.get("uuid"))
        self._check_origin(Domain.objects.filter(inbox_id=conversation.inbox_id).first())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[
            UUID_PATH,
            OpenApiParameter(
                "X-Visitor-Token",
                str,
                OpenApiParameter.HEADER,
                description="The widget visitor's token (else send the link's token in the body)",
            ),
        ],
        request=CsatAnswerSerializer,
        responses={
            200: CsatSurveySerializer,
            400: OpenApiResponse(description="Rating outside 1–5, comment too long"),
            401: OpenApiResponse(description="No or bad visitor token; invalid or expired link"),
            404: OpenApiResponse(description="Not this visitor's (or this link's) conversation"),
            409: OpenApiResponse(description="Answered already, or nothing to rate yet"),
        },
        tags=["CSAT"],
        auth=[],
        summary="The contact rates the resolved conversation (once per resolution)",
    )
    def post(self, request, uuid=None):
        visitor_token = (
            request.headers.get("X-Visitor-Token") or request.query_params.get("visitor_token") or ""
        )
        data = CsatAnswerSerializer(data=request.data)
        if visitor_token:
            visitor = self._visitor(visitor_token)
            self._check_origin(visitor.domain)
            value = parse_uuid(uuid)
            mine = visitor.conversations.select_related("contact", "organization")
            conversation = mine.filter(uuid=value).first() if value else None
            if conversation is None:
                raise exceptions.NotFound("Conversation not found.")
            data.is_valid(raise_exception=True)
            survey = csat_latest(conversation=conversation)
            if survey is None:
                raise NothingToRate("This conversation has not been resolved yet: there is nothing to rate.")
            survey.conversation = conversation
        else:
            data.is_valid(raise_exception=True)
            if not data.validated_data["token"]:
                raise InvalidVisitorToken(
                    "Send the widget's visitor token as X-Visitor-Token, or the survey link's token."
                )
            self._check_origin(None)
            survey = csat_survey_for_token(
                token=data.validated_data["token"], conversation_uuid=parse_uuid(uuid)
            )
        survey = csat_answer(
            survey=survey, rating=data.validated_data["rating"], comment=data.validated_data["comment"]
        )
        return Response(CsatSurveySerializer(survey).data)

    def _visitor(self, token: str) -> WidgetVisitor:
        visitor = (
            WidgetVisitor.objects.select_related("domain")
            .filter(token_hash=WidgetVisitor.hash_token(token))
            .first()
            if len(token) <= 200
            else None
        )
        if visitor is None or not visitor.domain.is_active:
            raise InvalidVisitorToken("This visitor token is not valid.")
        return visitor

    @extend_schema(
        parameters=[UUID_PATH],
        responses=CsatSurveySerializer(many=True),
        tags=["CSAT"],
        summary="The conversation's CSAT surveys, latest resolution first",
    )
    def get(self, request, uuid=None):
        organization = current_tenant(request).organization
        value = parse_uuid(uuid)
        conversation = (
            conversation_selectors.conversation_get(organization=organization, uuid=value) if value else None
        )
        if conversation is None:
            raise exceptions.NotFound("Conversation not found.")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(csat_list(conversation=conversation), request, view=self)
        return paginator.get_paginated_response(CsatSurveySerializer(page, many=True).data)
