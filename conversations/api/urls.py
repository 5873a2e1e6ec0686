"""``/api/v1/`` routes of the conversations app (Libredesk paths, Novumdesk tickets/users, Nova
Chat sla/status, domains and the public widget API). Every path answers with and without a trailing slash."""

from django.urls import re_path

from conversations.api.views import (
    catalog,
    contacts,
    conversations,
    csat,
    domains,
    mailboxes,
    media,
    messages,
    search,
    sla,
    tickets,
    widget,
    workflow,
)
from conversations.api.views.base import UUID_PATTERN
from helpdesk.api.routers import Router

router = Router()
router.register("contacts", contacts.ContactViewSet, basename="api-contact")
router.register("users", contacts.UserViewSet, basename="api-user")
router.register("inboxes", catalog.InboxViewSet, basename="api-inbox")
router.register("statuses", catalog.StatusViewSet, basename="api-status")
router.register("tags", catalog.TagViewSet, basename="api-tag")
router.register("views", workflow.SavedViewViewSet, basename="api-view")
router.register("canned-responses", workflow.CannedResponseViewSet, basename="api-canned-response")
router.register("macros", workflow.MacroViewSet, basename="api-macro")
router.register("sla-policies", sla.SLAPolicyViewSet, basename="api-sla-policy")
router.register("business-hours", sla.BusinessHoursViewSet, basename="api-business-hours")
router.register("media", media.MediaViewSet, basename="api-media")
router.register("mailboxes", mailboxes.MailboxViewSet, basename="api-mailbox")
router.register("tickets", tickets.TicketViewSet, basename="api-ticket")
router.register("conversations", conversations.ConversationViewSet, basename="api-conversation")

CONVERSATION = rf"^conversations/(?P<uuid>{UUID_PATTERN})"
MESSAGE = rf"{CONVERSATION}/messages/(?P<message_uuid>{UUID_PATTERN})"

urlpatterns = [
    re_path(
        r"^conversations/search/?$", search.ConversationSearchView.as_view(), name="api-conversation-search"
    ),
    re_path(r"^messages/search/?$", search.MessageSearchView.as_view(), name="api-message-search"),
    re_path(
        rf"{CONVERSATION}/messages/?$",
        messages.MessageViewSet.as_view({"get": "list", "post": "create"}),
        name="api-message-list",
    ),
    re_path(
        rf"{MESSAGE}/?$", messages.MessageViewSet.as_view({"get": "retrieve"}), name="api-message-detail"
    ),
    re_path(
        rf"{MESSAGE}/retry/?$", messages.MessageViewSet.as_view({"put": "retry"}), name="api-message-retry"
    ),
    re_path(rf"{CONVERSATION}/csat/?$", csat.CsatView.as_view(), name="api-conversation-csat"),
    re_path(
        r"^teams/(?P<team_id>\d+)/conversations/unassigned/?$",
        conversations.TeamUnassignedView.as_view({"get": "list"}),
        name="api-team-unassigned",
    ),
    re_path(r"^account/bind-domain/?$", domains.BindDomainView.as_view(), name="api-bind-domain"),
    re_path(r"^account/domains/?$", domains.DomainListView.as_view(), name="api-domains"),
    re_path(r"^account/domains/(?P<pk>\d{1,19})/?$", domains.DomainDetailView.as_view(), name="api-domain"),
    re_path(r"^widget/config/?$", widget.WidgetConfigView.as_view(), name="api-widget-config"),
    re_path(
        r"^widget/conversations/?$", widget.WidgetConversationView.as_view(), name="api-widget-conversations"
    ),
    re_path(r"^widget/messages/?$", widget.WidgetMessagesView.as_view(), name="api-widget-messages"),
    re_path(r"^widget/typing/?$", widget.WidgetTypingView.as_view(), name="api-widget-typing"),
    re_path(r"^widget/stream/?$", widget.widget_stream, name="api-widget-stream"),
    re_path(
        r"^inboxes/(?P<pk>\d{1,19})/test-connection/?$",
        mailboxes.InboxConnectionTestView.as_view(),
        name="api-inbox-test-connection",
    ),
    re_path(r"^priorities/?$", catalog.PriorityListView.as_view(), name="api-priorities"),
    re_path(r"^sla/status/?$", sla.SLAStatusView.as_view(), name="api-sla-status"),
    *router.urls,
]
