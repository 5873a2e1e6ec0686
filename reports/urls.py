"""The Reports pages of the agent UI."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.overview, name="overview"),
    path("reports/agents/", views.agents, name="agents"),
    path("reports/teams/", views.teams, name="teams"),
    path("reports/inboxes/", views.inboxes, name="inboxes"),
    path("reports/tags/", views.tags, name="tags"),
    path("reports/bot/", views.bot, name="bot"),
    path("reports/bot/answer/", views.unanswered_answer, name="unanswered-answer"),
    path("reports/export/<str:report>/<str:table>.csv", views.export_csv, name="export"),
]
