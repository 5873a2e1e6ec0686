"""AI assist for agents: ``ai/prompts``, ``ai/completion``, ``ai/suggest-category``, ``ai/feedback``,
``conversations/{uuid}/summarize`` and ``conversations/{uuid}/suggest-reply``. They need Ollama:
unreachable → 503, unknown model → 502 (the reply draft returns passages instead)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response
from rest_framework.views import APIView

from chatbots import selectors
from chatbots.api.assist_serializers import (
    AIPromptSerializer,
    AnalyzeRequestSerializer,
    AnalyzeResponseSerializer,
    CompletionRequestSerializer,
    CompletionResponseSerializer,
    FeedbackRequestSerializer,
    FeedbackResponseSerializer,
    SuggestCategoryRequestSerializer,
    SuggestCategoryResponseSerializer,
    SuggestReplyResponseSerializer,
    SummaryResponseSerializer,
)
from chatbots.services import assist as assist_services
from chatbots.services.qa_extraction import conversation_qa_drafts
from helpdesk.api.viewsets import OrganizationScopedViewSet, TenantMixin
from helpdesk.errors import DomainError
from helpdesk.models import Role


@extend_schema(tags=["AI assist"])
class AIPromptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Built-in prompts (reply_friendly, reply_professional, shorten, fix_grammar, summarize) and the
    organization's own. Admins add, edit and delete (built-ins can be edited, not deleted)."""

    serializer_class = AIPromptSerializer
    write_role = Role.ADMIN
    filter_backends: list = []

    def scoped_queryset(self, organization):
        return selectors.ai_prompt_list(organization=organization)

    def list(self, request, *args, **kwargs):
        assist_services.ai_prompts_ensure(self.organization)
        return super().list(request, *args, **kwargs)

    def create(self, request):
        data = AIPromptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prompt = assist_services.ai_prompt_create(organization=self.organization, **data.validated_data)
        return Response(AIPromptSerializer(prompt).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None):
        prompt = self.get_object()
        data = AIPromptSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        prompt = assist_services.ai_prompt_update(prompt=prompt, **data.validated_data)
        return Response(AIPromptSerializer(prompt).data)

    partial_update = update

    def destroy(self, request, pk=None):
        assist_services.ai_prompt_delete(prompt=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["AI assist"])
class CompletionView(TenantMixin, APIView):
    @extend_schema(request=CompletionRequestSerializer, responses=CompletionResponseSerializer)
    def post(self, request):
        data = CompletionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        completion = assist_services.ai_completion(organization=self.organization, **data.validated_data)
        return Response({"completion": completion})


def _conversation_or_404(organization, conversation_uuid):
    conversation = selectors.conversation_get(organization=organization, conversation_uuid=conversation_uuid)
    if conversation is None:
        raise Http404
    return conversation


@extend_schema(tags=["AI assist"])
class SummarizeView(TenantMixin, APIView):
    @extend_schema(request=None, responses=SummaryResponseSerializer)
    def post(self, request, conversation_uuid):
        conversation = _conversation_or_404(self.organization, conversation_uuid)
        summary = assist_services.conversation_summarize(conversation=conversation)
        return Response({"id": conversation.uuid, **summary})


@extend_schema(tags=["AI assist"])
class SuggestReplyView(TenantMixin, APIView):
    @extend_schema(
        request=None,
        responses=SuggestReplyResponseSerializer,
        description="A reply draft from the knowledge base, citing its sources; with Ollama down, the passages.",
    )
    def post(self, request, conversation_uuid):
        conversation = _conversation_or_404(self.organization, conversation_uuid)
        return Response(assist_services.conversation_suggest_reply(conversation=conversation))


@extend_schema(tags=["AI assist"])
class SuggestCategoryView(TenantMixin, APIView):
    @extend_schema(request=SuggestCategoryRequestSerializer, responses=SuggestCategoryResponseSerializer)
    def post(self, request):
        data = SuggestCategoryRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        result = assist_services.suggest_category(
            organization=self.organization,
            text=values["text"],
            type=values.get("type") or values.get("srType"),
        )
        return Response(result)


@extend_schema(tags=["AI assist"])
class FeedbackView(TenantMixin, APIView):
    @extend_schema(request=FeedbackRequestSerializer, responses={201: FeedbackResponseSerializer})
    def post(self, request):
        data = FeedbackRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        conversation = _conversation_or_404(self.organization, values["conversation"])
        feedback = assist_services.ai_feedback_create(
            organization=self.organization,
            conversation=conversation,
            summary=values.get("summary", ""),
            feedback=values["feedback"],
            membership=self.membership,
        )
        return Response({"status": "ok", "id": feedback.pk}, status=status.HTTP_201_CREATED)


@extend_schema(tags=["AI assist"])
class AgenticRagAnalyzeView(TenantMixin, APIView):
    @extend_schema(
        request=AnalyzeRequestSerializer,
        responses=AnalyzeResponseSerializer,
        description="Q&A drafts from a conversation (widget conversations included) for an agent to approve "
        "into the knowledge base (knowledge_base/items/import takes them as they are). Business plan and up: "
        "a starter organization gets 403. Another organization's conversation is 404.",
    )
    def post(self, request):
        if not self.organization.agentic_rag_enabled:
            raise DomainError(
                "Agentic RAG is not part of the starter plan; upgrade to business to extract Q&A drafts.",
                code="permission_denied",
            )
        data = AnalyzeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation = selectors.conversation_by_reference(
            organization=self.organization, reference=data.validated_data["conversation_id"]
        )
        if conversation is None:
            raise Http404
        return Response(conversation_qa_drafts(conversation=conversation))
