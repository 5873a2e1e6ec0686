"""``/api/v1/reports/...``: every path answers with and without a trailing slash."""

from django.urls import re_path

from reports.api import views

urlpatterns = [
    re_path(r"^reports/overview/?$", views.OverviewReportView.as_view(), name="api-reports-overview"),
    re_path(r"^reports/agents/?$", views.AgentsReportView.as_view(), name="api-reports-agents"),
    re_path(r"^reports/teams/?$", views.TeamsReportView.as_view(), name="api-reports-teams"),
    re_path(r"^reports/inboxes/?$", views.InboxesReportView.as_view(), name="api-reports-inboxes"),
    re_path(r"^reports/tags/?$", views.TagsReportView.as_view(), name="api-reports-tags"),
    re_path(r"^reports/bot/?$", views.BotReportView.as_view(), name="api-reports-bot"),
    re_path(r"^reports/unanswered/?$", views.UnansweredReportView.as_view(), name="api-reports-unanswered"),
    re_path(
        r"^reports/unanswered/answer/?$",
        views.UnansweredAnswerView.as_view(),
        name="api-reports-unanswered-answer",
    ),
]
