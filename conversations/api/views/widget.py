"""The public chat widget API (Nova Chat ``widget/*``), by ``?website_token=``; no credential.

Who may call: a page on one of the domain's allowed origins (CORS; a preflight from any other
origin is refused, and so is any request that carries another ``Origin``), or a server (no
``Origin`` at all, as in the seed's curl examples). Which conversation: only the visitor's own,
proven by the ``X-Visitor-Token`` header (or ``visitor_token`` parameter) returned when it
opened its first one; any other id answers 404. Throttled per website token and per address."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations.api.serializers.domains import (
    WidgetConfigSerializer,
    WidgetConversationCreatedSerializer,
    WidgetConversationCreateSerializer,
    WidgetConversationRefSerializer,
    WidgetConversationSerializer,
    WidgetMessageCreateSerializer,
    WidgetMessageSerializer,
)
from conversations.models import Domain, WidgetVisitor
from conversations.selectors.csat import csat_pending
from conversations.selectors.domains import (
    domain_for_token,
    visitor_conversation,
    visitor_message_details,
    visitor_messages,
)
from conversations.services.domains import origin_of
from conversations.services.widget import (
    visitor_for_token,
    widget_conversation_start,
    widget_message_send,
    widget_typing_announce,
)
from helpdesk import realtime
from helpdesk.api.exceptions import error_body
from helpdesk.api.permissions import AllowPublic
from helpdesk.api.throttling import WidgetAddressRateThrottle, WidgetTokenRateThrottle
from helpdesk.errors import DomainError
from helpdesk.ids import MAX_ID

ALLOWED_HEADERS = "Content-Type, X-Visitor-Token, Last-Event-ID"
PREFLIGHT_MAX_AGE = "600"

TOKEN_PARAMETER = OpenApiParameter(
    "website_token", str, required=True, description="The domain's wk_live_… token"
)
VISITOR_HEADER = OpenApiParameter(
    "X-Visitor-Token",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="From POST widget/conversations",
)


class InvalidWebsiteToken(DomainError):
    code = "invalid_credentials"


class InvalidVisitorToken(DomainError):
    code = "invalid_credentials"


class OriginRefused(DomainError):
    code = "permission_denied"


def _origin_allowed(domain: Domain, origin: str) -> bool:
    try:
        return origin_of(origin, field="origin") in domain.allowed_origins
    except DomainError:
        return False


def cors_headers(origin: str, *, preflight: bool = False) -> dict[str, str]:
    headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    if preflight:
        headers.update(
            {
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            }
        )
    return headers


def resolve_domain(request) -> Domain:
    """The domain of ``?website_token=`` whose origins include the request's ``Origin`` (when it
    has one). Raises ``InvalidWebsiteToken`` (401) or ``OriginRefused`` (403)."""
    token = request.GET.get("website_token") or ""
    domain = domain_for_token(website_token=token)
    if domain is None:
        raise InvalidWebsiteToken("This website token is not valid.", field="website_token")
    origin = request.headers.get("Origin")
    if origin and not _origin_allowed(domain, origin):
        raise OriginRefused("This website is not allowed to use this chat widget.")
    return domain


class WidgetView(APIView):
    """The base of every ``widget/*`` endpoint: public, throttled, CORS by the domain's origins."""

    authentication_classes: list = []
    permission_classes = [AllowPublic]
    throttle_classes = [WidgetTokenRateThrottle, WidgetAddressRateThrottle]
    domain: Domain | None = None

    def initial(self, request, *args, **kwargs):
        # Find the domain before the throttles run, so that a 429 still carries the CORS
        # headers an allowed page needs to read it; refuse a bad token or origin after them.
        refusal = None
        try:
            self.domain = resolve_domain(request)
        except DomainError as error:
            refusal = error
        super().initial(request, *args, **kwargs)
        if refusal is not None:
            raise refusal

    def options(self, request, *args, **kwargs):
        """The CORS preflight: only from an allowed origin (``initial`` refused the others)."""
        return Response(status=status.HTTP_204_NO_CONTENT)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        origin = request.headers.get("Origin")
        if origin and self.domain is not None and _origin_allowed(self.domain, origin):
            for name, value in cors_headers(origin, preflight=request.method == "OPTIONS").items():
                response[name] = value
        return response

    def visitor(self) -> WidgetVisitor:
        token = self.request.headers.get("X-Visitor-Token") or self.request.GET.get("visitor_token") or ""
        visitor = visitor_for_token(domain=self.domain, token=token)
        if visitor is None:
            raise InvalidVisitorToken("Send the visitor token of this browser as X-Visitor-Token.")
        return visitor

    def conversation_of(self, visitor: WidgetVisitor, conversation_id: int):
        conversation = (
            visitor_conversation(visitor=visitor, conversation_id=conversation_id)
            if 0 < conversation_id <= MAX_ID
            else None
        )
        if conversation is None:
            raise exceptions.NotFound("Conversation not found.")
        return conversation


class WidgetConfigView(WidgetView):
    @extend_schema(
        parameters=[TOKEN_PARAMETER],
        responses=WidgetConfigSerializer,
        tags=["Widget"],
        auth=[],
        summary="How the widget looks (colour, position, greeting)",
    )
    def get(self, request):
        response = Response(WidgetConfigSerializer(self.domain).data)
        response["Cache-Control"] = "public, max-age=60"
        return response


class WidgetConversationView(WidgetView):
    @extend_schema(
        parameters=[TOKEN_PARAMETER, VISITOR_HEADER, OpenApiParameter("conversation_id", int, required=True)],
        responses=WidgetConversationSerializer,
        tags=["Widget"],
        auth=[],
        summary="The visitor's conversation: its status and the CSAT question waiting for an answer",
    )
    def get(self, request):
        visitor = self.visitor()
        ref = WidgetConversationRefSerializer(data=request.GET)
        ref.is_valid(raise_exception=True)
        conversation = self.conversation_of(visitor, ref.validated_data["conversation_id"])
        context = {"csat": csat_pending(conversation=conversation)}
        return Response(WidgetConversationSerializer(conversation, context=context).data)

    @extend_schema(
        parameters=[
            TOKEN_PARAMETER,
            OpenApiParameter(
                "X-Visitor-Token",
                str,
                OpenApiParameter.HEADER,
                description="A returning visitor's token: its new conversation joins the others",
            ),
        ],
        request=WidgetConversationCreateSerializer,
        responses={201: WidgetConversationCreatedSerializer},
        tags=["Widget"],
        auth=[],
        summary="A visitor opens a conversation with its first message",
    )
    def post(self, request):
        data = WidgetConversationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token = request.headers.get("X-Visitor-Token") or ""
        visitor = visitor_for_token(domain=self.domain, token=token) if token else None
        contact = data.validated_data.get("contact") or {}
        conversation, visitor, new_token = widget_conversation_start(
            domain=self.domain,
            message=data.validated_data["message"],
            name=contact.get("name", ""),
            email=contact.get("email", ""),
            visitor=visitor,
        )
        body = WidgetConversationCreatedSerializer(conversation).data | {"visitor_token": new_token}
        return Response(body, status=status.HTTP_201_CREATED)


class WidgetMessagesView(WidgetView):
    @extend_schema(
        parameters=[TOKEN_PARAMETER, VISITOR_HEADER, OpenApiParameter("conversation_id", int, required=True)],
        responses=WidgetMessageSerializer(many=True),
        tags=["Widget"],
        auth=[],
        summary="The visitor's conversation (public messages, oldest first)",
    )
    def get(self, request):
        visitor = self.visitor()
        ref = WidgetConversationRefSerializer(data=request.GET)
        ref.is_valid(raise_exception=True)
        conversation = self.conversation_of(visitor, ref.validated_data["conversation_id"])
        messages = list(visitor_messages(conversation=conversation))
        context = {"details": visitor_message_details(messages), "bot_name": self.domain.label}
        return Response(WidgetMessageSerializer(messages, many=True, context=context).data)

    @extend_schema(
        parameters=[TOKEN_PARAMETER, VISITOR_HEADER],
        request=WidgetMessageCreateSerializer,
        responses={201: WidgetMessageSerializer},
        tags=["Widget"],
        auth=[],
        summary="The visitor writes in its conversation",
    )
    def post(self, request):
        visitor = self.visitor()
        data = WidgetMessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation = self.conversation_of(visitor, data.validated_data["conversation_id"])
        message = widget_message_send(
            visitor=visitor, conversation=conversation, content=data.validated_data["content"]
        )
        return Response(WidgetMessageSerializer(message).data, status=status.HTTP_201_CREATED)


class WidgetTypingView(WidgetView):
    @extend_schema(
        parameters=[TOKEN_PARAMETER, VISITOR_HEADER],
        request=WidgetConversationRefSerializer,
        responses={204: OpenApiResponse(description="Announced (or throttled: nothing to do)")},
        tags=["Widget"],
        auth=[],
        summary="The visitor is typing",
    )
    def post(self, request):
        visitor = self.visitor()
        data = WidgetConversationRefSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation = self.conversation_of(visitor, data.validated_data["conversation_id"])
        widget_typing_announce(visitor=visitor, conversation=conversation)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _refuse(status_code: int, message: str, code: str, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse(error_body(message, code), status=status_code)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def widget_stream(request):
    """``GET widget/stream?website_token=&conversation_id=&visitor_token=``: the visitor's live
    events (Server-Sent Events; EventSource sends no headers, so the visitor token is a query
    parameter). Replays what was missed after ``Last-Event-ID``. A plain Django view: the
    response is a stream, not a DRF body; throttles and refusals are the same as the API's."""
    origin = request.headers.get("Origin")
    if request.method not in ("GET", "OPTIONS"):
        return _refuse(405, f'Method "{request.method}" not allowed.', "method_not_allowed")
    try:
        domain = resolve_domain(request)
    except DomainError as error:
        return _refuse(error.status_code, error.message, error.code)
    cors = cors_headers(origin, preflight=request.method == "OPTIONS") if origin else {}
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        for name, value in cors.items():
            response[name] = value
        return response
    view, drf_request = WidgetView(), Request(request)
    for throttle in (WidgetTokenRateThrottle(), WidgetAddressRateThrottle()):
        if not throttle.allow_request(drf_request, view):
            return _refuse(429, "Too many requests: wait a moment.", "throttled", cors)
    visitor = visitor_for_token(domain=domain, token=request.GET.get("visitor_token") or "")
    if visitor is None:
        return _refuse(
            401, "Give the visitor token of this browser as visitor_token.", "invalid_credentials", cors
        )
    raw_id = request.GET.get("conversation_id") or ""
    conversation = None
    if raw_id.isascii() and raw_id.isdigit() and 0 < int(raw_id) <= MAX_ID:
        conversation = visitor_conversation(visitor=visitor, conversation_id=int(raw_id))
    if conversation is None:
        return _refuse(404, "Conversation not found.", "not_found", cors)
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    last_event_id = None
    if raw not in (None, ""):
        if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_ID:
            return _refuse(400, "last_event_id must be a whole number of at least 0.", "invalid", cors)
        last_event_id = int(raw)
    response = realtime.sse_response(
        request, topics=[realtime.conversation_topic(conversation.uuid)], last_event_id=last_event_id
    )
    for name, value in cors.items():
        response[name] = value
    return response
