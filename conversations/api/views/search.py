"""``conversations/search`` and ``messages/search``."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView

from conversations.api.serializers.conversations import ConversationSearchResultSerializer
from conversations.api.serializers.messages import MessageSearchResultSerializer
from conversations.selectors import search
from helpdesk.api.pagination import PageNumberPagination
from helpdesk.api.viewsets import TenantMixin

QUERY = OpenApiParameter(
    "query",
    str,
    required=True,
    description="At least 3 characters: subject, reference number, contact name or email, message text "
    "(full text on PostgreSQL). Newest first; `count` stops at 10,000.",
)


class CountedPaginator(Paginator):
    """Takes the count the view already made (``object_list.count_hint``) instead of counting
    the matches a second time."""

    @cached_property
    def count(self):
        hint = getattr(self.object_list, "count_hint", None)
        return hint if hint is not None else Paginator.count.func(self)


class SearchPagination(PageNumberPagination):
    django_paginator_class = CountedPaginator


class _SearchView(TenantMixin, GenericAPIView):
    filter_backends: list = []
    pagination_class = SearchPagination

    def respond(self, queryset):
        total = search.count_matches(queryset)
        queryset = search.order_matches(queryset, total)
        queryset.count_hint = total
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
