"""``conversations/search`` and ``messages/search``."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView

from conversations.api.serializers.conversations import ConversationSearchResultSerializer
from conversations.api.serializers.messages import MessageSearchResultSerializer
from conversations.selectors import search
from helpdesk.api.viewsets import TenantMixin

QUERY = OpenApiParameter(
    "query", str, required=True, description="At least 3 characters (full text on PostgreSQL)"
)


class _SearchView(TenantMixin, GenericAPIView):
    filter_backends: list = []

    def respond(self, queryset):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(tags=["Search"])
class ConversationSearchView(_SearchView):
    serializer_class = ConversationSearchResultSerializer

    @extend_schema(parameters=[QUERY], responses=ConversationSearchResultSerializer(many=True))
    def get(self, request):
        return self.respond(
            search.conversation_search(
                organization=self.organization, query=request.query_params.get("query")
            )
        )


@extend_schema(tags=["Search"])
class MessageSearchView(_SearchView):
    serializer_class = MessageSearchResultSerializer

    @extend_schema(parameters=[QUERY], responses=MessageSearchResultSerializer(many=True))
    def get(self, request):
        return self.respond(
            search.message_search(organization=self.organization, query=request.query_params.get("query"))
        )
