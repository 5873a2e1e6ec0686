"""``documents/train`` (Novumdesk): queue a training job, follow its progress."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from chatbots import selectors
from chatbots.api.serializers import TrainingSerializer, TrainRequestSerializer
from chatbots.services import training as training_services
from helpdesk.api.viewsets import OrganizationScopedViewSet
from helpdesk.models import Role


@extend_schema(tags=["Chatbots"])
class TrainingViewSet(mixins.ListModelMixin, OrganizationScopedViewSet):
    """Members follow trainings; admins start them."""

    serializer_class = TrainingSerializer
    write_role = Role.ADMIN
    lookup_field = "training_id"
    lookup_value_regex = r"[0-9a-fA-F-]{32,36}"
    filter_backends: list = []

    def scoped_queryset(self, organization):
        return selectors.training_list(
            organization=organization, chatbot_id=self.request.query_params.get("chatbot_id")
        )

    @extend_schema(parameters=[OpenApiParameter("chatbot_id", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, training_id=None):
        training = selectors.training_get(organization=self.organization, training_id=training_id)
        if training is None:
            raise Http404
        return Response(TrainingSerializer(training).data)

    @extend_schema(
        request=TrainRequestSerializer,
        responses={202: TrainingSerializer},
        description=(
            "`rag`: (re)index `document_ids` with `chunk_size`/`overlap` and attach them to the chatbot. "
            "`modelfile`: create the Ollama model `parley-<org>-<bot>` from `model` (default: the bot's) with "
            "the bot's system prompt, temperature and max_tokens baked in; the bot then answers with it. "
            "Follow `GET documents/train/{training_id}`; the outcome emits `training.completed`."
        ),
    )
    def create(self, request):
        data = TrainRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        chatbot = selectors.chatbot_get(organization=self.organization, chatbot_id=values["chatbot_id"])
        if chatbot is None:
            raise Http404
        training = training_services.training_create(
            chatbot=chatbot,
            training_type=values["training_type"],
            document_ids=values["document_ids"],
            model=values.get("model"),
            ollama_endpoint=values.get("ollama_endpoint"),
            chunk_size=values.get("chunk_size"),
            overlap=values.get("overlap"),
            created_by=self.membership,
        )
        training = selectors.training_get(organization=self.organization, training_id=training.training_id)
        return Response(TrainingSerializer(training).data, status=status.HTTP_202_ACCEPTED)
