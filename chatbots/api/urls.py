"""``/api/v1/`` routes of the chatbots app."""

from django.urls import re_path

from chatbots.api import assist, chat, chatbots, domains, monitor, training, widget
from helpdesk.api.routers import Router

UUID = r"[0-9a-fA-F-]{32,36}"

router = Router()
router.register("chatbots", chatbots.ChatbotViewSet, basename="chatbot")
router.register("chat/sessions", chat.ChatSessionViewSet, basename="chat-session")
router.register("documents/train", training.TrainingViewSet, basename="training")
router.register("ai/prompts", assist.AIPromptViewSet, basename="ai-prompt")

urlpatterns = [
    re_path(
        r"^account/domains/(?P<pk>\d{1,19})/ai-config/?$",
        domains.DomainAIConfigView.as_view(),
        name="api-domain-ai-config",
    ),
    re_path(r"^widget/handoff/?$", widget.WidgetHandoffView.as_view(), name="api-widget-handoff"),
    re_path(
        rf"^widget/messages/(?P<message_uuid>{UUID})/rating/?$",
        widget.WidgetRatingView.as_view(),
        name="api-widget-rating",
    ),
    re_path(r"^chat/message/?$", chat.ChatMessageView.as_view(), name="api-chat-message"),
    re_path(rf"^chat/stream/(?P<sid>{UUID})/?$", chat.ChatStreamView.as_view(), name="api-chat-stream"),
    re_path(r"^chat/rate/?$", chat.ChatRateView.as_view(), name="api-chat-rate"),
    re_path(r"^chat/resolve/?$", chat.ChatResolveView.as_view(), name="api-chat-resolve"),
    re_path(r"^monitor/query/?$", monitor.MonitorQueryView.as_view(), name="api-monitor-query"),
    re_path(
        rf"^monitor/(?P<session_id>{UUID})/(?P<index>\d{{1,9}})/?$",
        monitor.MonitorUpdateView.as_view(),
        name="api-monitor-update",
    ),
    re_path(r"^ai/completion/?$", assist.CompletionView.as_view(), name="api-ai-completion"),
    re_path(r"^ai/suggest-category/?$", assist.SuggestCategoryView.as_view(), name="api-ai-suggest-category"),
    re_path(r"^ai/feedback/?$", assist.FeedbackView.as_view(), name="api-ai-feedback"),
    re_path(
        r"^agentic-rag/analyze/?$", assist.AgenticRagAnalyzeView.as_view(), name="api-agentic-rag-analyze"
    ),
    re_path(
        rf"^conversations/(?P<conversation_uuid>{UUID})/summarize/?$",
        assist.SummarizeView.as_view(),
        name="api-conversation-summarize",
    ),
    re_path(
        rf"^conversations/(?P<conversation_uuid>{UUID})/suggest-reply/?$",
        assist.SuggestReplyView.as_view(),
        name="api-conversation-suggest-reply",
    ),
    *router.urls,
]
