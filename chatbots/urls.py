"""UI routes of the chatbots app (mounted at ``/``)."""

from django.urls import path

from chatbots.views import ai_provider, bots, composer_ai, monitor, playground, status, training

app_name = "chatbots"

urlpatterns = [
    path("chatbots/", bots.chatbot_list, name="list"),
    path("chatbots/new/", bots.chatbot_create, name="create"),
    path("chatbots/ollama-status/", status.ollama_banner, name="ollama-status"),
    path("chatbots/monitor/", monitor.monitor, name="monitor"),
    path("chatbots/monitor/<uuid:session_id>/<int:index>/", monitor.monitor_record, name="monitor-record"),
    path("chatbots/<int:pk>/", bots.chatbot_settings, name="settings"),
    path("chatbots/<int:pk>/delete/", bots.chatbot_delete, name="delete"),
    path("chatbots/<int:pk>/playground/", playground.playground, name="playground"),
    path("chatbots/<int:pk>/training/", training.training_page, name="training"),
    path("chatbots/<int:pk>/training/<uuid:training_id>/", training.training_status, name="training-status"),
    path(
        "chatbots/<int:pk>/training/<uuid:training_id>/retry/", training.training_retry, name="training-retry"
    ),
    path("inbox/c/<uuid:uuid>/ai/suggest-reply/", composer_ai.suggest_reply, name="composer-suggest"),
    path("inbox/c/<uuid:uuid>/ai/rewrite/", composer_ai.rewrite, name="composer-rewrite"),
    path("inbox/c/<uuid:uuid>/ai/summarize/", composer_ai.summarize, name="composer-summarize"),
    path("inbox/c/<uuid:uuid>/ai/restore/", composer_ai.restore, name="composer-restore"),
    path("settings/ai-provider/", ai_provider.ai_provider, name="ai-provider"),
    path("settings/ai-provider/test/", ai_provider.ai_provider_test, name="ai-provider-test"),
]
