"""``chatbots`` CRUD (Novumdesk; Nova Chat's ``bot_name`` accepted)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from chatbots import selectors
from chatbots.api.serializers import ChatbotSerializer, ChatbotWriteSerializer
from chatbots.services import chatbots as chatbot_services
from helpdesk.api.viewsets import OrganizationScopedViewSet
from helpdesk.models import Role


@extend_schema(tags=["Chatbots"])
class ChatbotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Every member reads the chatbots; admins create, change and delete them."""

    serializer_class = ChatbotSerializer
    write_role = Role.ADMIN
    filterset_fields = ["is_active", "handoff_enabled"]
    ordering_fields = ["name", "created_at", "updated_at"]
    lookup_value_regex = r"(?:chatbot_)?\d+"

    def scoped_queryset(self, organization):
        return selectors.chatbot_list(organization=organization)

    def get_object(self):
        pk = selectors.parse_chatbot_id(self.kwargs.get("pk"))
        self.kwargs["pk"] = pk if pk is not None else -1
        return super().get_object()

    def _refreshed(self, chatbot):
        return ChatbotSerializer(self.get_queryset().get(pk=chatbot.pk)).data

    @extend_schema(request=ChatbotWriteSerializer, responses={201: ChatbotSerializer})
    def create(self, request):
        data = ChatbotWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chatbot = chatbot_services.chatbot_create(
            organization=self.organization, created_by=self.membership, **data.validated_data
        )
        return Response(self._refreshed(chatbot), status=status.HTTP_201_CREATED)

    @extend_schema(request=ChatbotWriteSerializer, responses=ChatbotSerializer)
    def update(self, request, pk=None):
        chatbot = self.get_object()
        data = ChatbotWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        chatbot_services.chatbot_update(chatbot=chatbot, **data.validated_data)
        return Response(self._refreshed(chatbot))

    partial_update = update

    def destroy(self, request, pk=None):
        chatbot_services.chatbot_delete(chatbot=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
