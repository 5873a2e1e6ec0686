"""Saved views (+ their conversations), canned responses (+ render), macros (+ apply)."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from conversations.api.serializers.catalog import (
    CannedRenderRequestSerializer,
    CannedRenderSerializer,
    CannedResponseSerializer,
    MacroAppliedSerializer,
    MacroApplySerializer,
    MacroSerializer,
    SavedViewSerializer,
)
from conversations.api.serializers.conversations import ConversationListSerializer
from conversations.api.views.base import (
    LIST_PARAMETERS,
    ConversationPagingMixin,
    ScopedViewSet,
    filters_from_query,
)
from conversations.api.views.catalog import CrudMixin
from conversations.selectors import catalog as selectors
from conversations.selectors import conversation_rows
from conversations.selectors import conversations as conversation_selectors
from conversations.services import canned, macros, saved_views
from helpdesk.models import Role


@extend_schema(tags=["Views"])
class SavedViewViewSet(ConversationPagingMixin, CrudMixin, ScopedViewSet):
    """Saved conversation filters: personal (visibility ``user``) or shared (``all``, admins).
    ``filters``: status, priority, team_id, tags, inbox_id (lists), assignee ("me", "none" or
    agent ids), text."""

    serializer_class = SavedViewSerializer
    ordering_fields = ["name", "created_at"]

    def scoped_queryset(self, organization):
        return selectors.saved_view_list(organization=organization, membership=self.membership)

    def create_item(self, values):
        return saved_views.saved_view_create(actor=self.membership, **values)

    def update_item(self, item, values):
        return saved_views.saved_view_update(view=item, actor=self.membership, **values)

    def delete_item(self, item):
        saved_views.saved_view_delete(view=item, actor=self.membership)

    @extend_schema(parameters=LIST_PARAMETERS, responses=ConversationListSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def conversations(self, request, pk=None):
        view = self.get_object()
        queryset = conversation_selectors.saved_view_conversations(
            view=view,
            membership=self.membership,
            filters=filters_from_query(request.query_params),
            order_by=request.query_params.get("order_by"),
        )
        return self.conversation_page(conversation_rows.queryset_rows(queryset, membership=self.membership))


@extend_schema(tags=["Canned responses"])
class CannedResponseViewSet(CrudMixin, ScopedViewSet):
    """Reply snippets. Placeholders: {{contact.first_name}}, {{contact.last_name}},
    {{contact.full_name}}, {{contact.email}}, {{contact.phone_number}},
    {{conversation.reference_number}}, {{conversation.subject}}, {{conversation.uuid}},
    {{agent.first_name}}, {{agent.last_name}}, {{agent.full_name}}, {{agent.email}},
    {{organization.name}}. Admins manage them; every agent uses them."""

    serializer_class = CannedResponseSerializer
    write_role = Role.ADMIN
    action_roles = {"render_for_conversation": Role.AGENT}
    ordering_fields = ["title", "created_at", "updated_at"]

    def scoped_queryset(self, organization):
        return selectors.canned_list(organization=organization)

    def create_item(self, values):
        return canned.canned_create(organization=self.organization, actor=self.membership, **values)

    def update_item(self, item, values):
        return canned.canned_update(canned=item, title=values.get("title"), content=values.get("content"))

    def delete_item(self, item):
        canned.canned_delete(canned=item)

    @extend_schema(request=CannedRenderRequestSerializer, responses=CannedRenderSerializer)
    @action(detail=True, methods=["post"], url_path="render")
    def render_for_conversation(self, request, pk=None):
        """The response with its placeholders filled for a conversation (and the caller)."""
        item = self.get_object()
        data = CannedRenderRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation = self.get_conversation(data.validated_data["conversation_uuid"])
        content = canned.canned_render(canned=item, conversation=conversation, agent=self.membership)
        return Response({"content": content})


@extend_schema(tags=["Macros"])
class MacroViewSet(CrudMixin, ScopedViewSet):
    """Saved sets of actions. Action types: reply, note (text; placeholders as in canned
    responses), set_status (+ snoozed_until), set_priority, add_tags, remove_tags (lists),
    assign_agent (agent id or "me"), assign_team (team id), unassign_agent, unassign_team."""

    serializer_class = MacroSerializer
    write_role = Role.ADMIN
    action_roles = {"apply": Role.AGENT}
    ordering_fields = ["name", "created_at"]

    def scoped_queryset(self, organization):
        return selectors.macro_list(organization=organization)

    def create_item(self, values):
        return macros.macro_create(organization=self.organization, actor=self.membership, **values)

    def update_item(self, item, values):
        return macros.macro_update(macro=item, **values)

    def delete_item(self, item):
        macros.macro_delete(macro=item)

    @extend_schema(request=MacroApplySerializer, responses=MacroAppliedSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        macro = self.get_object()
        data = MacroApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation = self.get_conversation(data.validated_data["conversation_uuid"])
        applied = macros.macro_apply(macro=macro, conversation=conversation, actor=self.membership)
        return Response({"applied": applied, "conversation_uuid": str(conversation.uuid)})
