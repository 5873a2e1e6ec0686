"""Chat: ``chat/message`` (answers, streamed or not), ``chat/stream/{sid}`` (SysAid's stream
flow), ``chat/sessions`` (list, get, delete, escalate), ``chat/rate`` and ``chat/resolve``.

Agents see and use their own sessions; admins every session of the organization (and the
retrieval details of each answer). Another member's session answers 404 like a missing one."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from chatbots import selectors
from chatbots.api.serializers import (
    ChatAnswerSerializer,
    ChatMessageRequestSerializer,
    ChatSessionDetailSerializer,
    ChatSessionSerializer,
    DeferredAnswerSerializer,
    EscalationResponseSerializer,
    RateResponseSerializer,
    RateSerializer,
    ResolveResponseSerializer,
    SessionRefSerializer,
)
from chatbots.api.streaming import EventStreamRenderer, event_stream_response
from chatbots.models import SessionStatus
from chatbots.services import answering
from chatbots.services import sessions as session_services
from helpdesk.api.viewsets import OrganizationScopedViewSet, TenantMixin
from helpdesk.models import Role

EVENT_STREAM = OpenApiResponse(
    # OpenAPI 3.0: the schema of a text/event-stream describes each of its events.
    response=inline_serializer(
        "AnswerStreamEvent",
        {
            "event": serializers.ChoiceField(choices=["token", "done"]),
            "data": serializers.CharField(help_text="The event's JSON: {token} or the whole answer."),
        },
    ),
    description=(
        '`text/event-stream`: `event: token` with `data: {"token": "…"}` as the model produces text, '
        "then one `event: done` with `data: {response, session_id, confidence, sources, index, mode, "
        "handoff_offered, replaced}`. `response` is what was stored: if the finished answer was not grounded "
        "enough it is the fallback message and `replaced` is true."
    ),
)


class SessionAccessMixin(TenantMixin):
    @property
    def is_admin(self) -> bool:
        return self.tenant.has_role(Role.ADMIN)

    def session_or_404(self, session_id):
        session = selectors.chat_session_get(
            organization=self.organization,
            session_id=session_id,
            membership=None if self.is_admin else self.membership,
        )
        if session is None:
            raise Http404
        return session


def _chatbot_or_404(organization, chatbot_id):
    chatbot = selectors.chatbot_get(organization=organization, chatbot_id=chatbot_id)
    if chatbot is None:
        raise Http404
    return chatbot


def _wants_json_only(request) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    return "application/json" in accept and "text/event-stream" not in accept


@extend_schema(tags=["Chat"])
class ChatMessageView(SessionAccessMixin, APIView):
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, EventStreamRenderer]

    @extend_schema(
        request=ChatMessageRequestSerializer,
        responses={
            200: ChatAnswerSerializer,
            (200, "text/event-stream"): EVENT_STREAM,
            202: DeferredAnswerSerializer,
        },
        description=(
            "Ask a chatbot. Without `session_id` a new session starts. The answer comes only from the bot's "
            "documents and KB items, cites them as [n] (`sources[].index`), and has a `confidence`. Below the "
            "bot's threshold, or with no relevant source, `response` is the organization's fallback message "
            "with `handoff_offered` (mode `fallback`); when Ollama is unreachable it lists the best passages "
            "(mode `retrieval_only`). `stream: true` answers `text/event-stream`; with `defer: true` (or an "
            "`Accept: application/json` header) the question is stored and `GET chat/stream/{sid}` streams "
            "the answer."
        ),
    )
    def post(self, request):
        data = ChatMessageRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        session = self.session_or_404(values["session_id"]) if values["session_id"] else None
        if values.get("chatbot_id"):
            chatbot = _chatbot_or_404(self.organization, values["chatbot_id"])
        else:
            chatbot = session.chatbot
        if values["stream"] and (values["defer"] or _wants_json_only(request)):
            session, question, answer_index = answering.chat_question_record(
                chatbot=chatbot,
                message=values["message"],
                session=session,
                membership=self.membership,
                context=values.get("context"),
            )
            body = {
                "status": "stream",
                "sid": session.session_id,
                "session_id": session.session_id,
                "index": answer_index,
            }
            return Response(body, status=status.HTTP_202_ACCEPTED)
        result = answering.chat_answer(
            chatbot=chatbot,
            message=values["message"],
            session=session,
            membership=self.membership,
            context=values.get("context"),
            stream=values["stream"],
        )
        if values["stream"]:
            return event_stream_response(result, request=request)
        body = result.as_dict()
        if self.is_admin:
            body["details"] = result.message.retrieval
        return Response(body)


@extend_schema(tags=["Chat"])
class ChatStreamView(SessionAccessMixin, APIView):
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, EventStreamRenderer]

    @extend_schema(
        responses={
            (200, "text/event-stream"): EVENT_STREAM,
            409: OpenApiResponse(description="No question of this session waits for an answer."),
        },
        description=(
            "SysAid's stream flow: streams the answer to the latest question of session `sid` that has no "
            "answer yet (stored by `POST chat/message` with `stream` and `defer`). 409 when no question waits."
        ),
    )
    def get(self, request, sid):
        session = self.session_or_404(sid)
        stream = answering.chat_answer_pending(session=session, stream=True)
        return event_stream_response(stream, request=request)


@extend_schema(tags=["Chat"])
class ChatSessionViewSet(SessionAccessMixin, mixins.ListModelMixin, OrganizationScopedViewSet):
    serializer_class = ChatSessionSerializer
    lookup_field = "session_id"
    lookup_value_regex = r"[0-9a-fA-F-]{32,36}"
    filter_backends: list = []

    def scoped_queryset(self, organization):
        params = self.request.query_params
        if self.is_admin:
            return selectors.chat_session_list(
                organization=organization,
                username=params.get("username") or None,
                chatbot_id=params.get("chatbot_id"),
                status=params.get("status") or None,
            )
        return selectors.chat_session_list(
            organization=organization,
            membership=self.membership,
            chatbot_id=params.get("chatbot_id"),
            status=params.get("status") or None,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "username", str, description="Admins: only this member's (or visitor's) sessions."
            ),
            OpenApiParameter("chatbot_id", str),
            OpenApiParameter("status", str, enum=SessionStatus.values),
        ],
        description="Agents get their own sessions; admins every session, or a member's with `?username=`.",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=ChatSessionDetailSerializer)
    def retrieve(self, request, session_id=None):
        session = self.session_or_404(session_id)
        context = {"is_admin": self.is_admin, "messages": list(selectors.chat_messages(session=session))}
        return Response(ChatSessionDetailSerializer(session, context=context).data)

    def destroy(self, request, session_id=None):
        session_services.chat_session_delete(session=self.session_or_404(session_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={202: EscalationResponseSerializer})
    @action(detail=True, methods=["post", "put"])
    def escalate(self, request, session_id=None):
        """Hand the chat to a person (SysAid's ``PUT /api/sr/:chatuid``): a long operation creates a
        conversation with the transcript and an AI summary, assigned by the bot's hand-off team."""
        operation = session_services.chat_escalate(
            session=self.session_or_404(session_id), membership=self.membership
        )
        body = {"status": "in-progress", "operation_id": operation.pk, "longOperationId": operation.pk}
        return Response(body, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["Chat"])
class ChatRateView(SessionAccessMixin, APIView):
    @extend_schema(request=RateSerializer, responses=RateResponseSerializer)
    def post(self, request):
        data = RateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        session = self.session_or_404(values["session_id"])
        message = session_services.chat_rate(session=session, index=values["index"], rate=values["rate"])
        return Response(
            {"status": "ok", "session_id": session.session_id, "index": message.index, "rate": message.rating}
        )


@extend_schema(tags=["Chat"])
class ChatResolveView(SessionAccessMixin, APIView):
    @extend_schema(request=SessionRefSerializer, responses=ResolveResponseSerializer)
    def post(self, request):
        data = SessionRefSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = session_services.chat_resolve(
            session=self.session_or_404(data.validated_data["session_id"])
        )
        return Response({"status": "ok", "session_id": session.session_id, "session_status": session.status})
