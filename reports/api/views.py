"""``GET reports/overview|agents|teams|inboxes|tags|bot|unanswered``: admins' read-only reports, the same
filters on each (``preset`` or ``from``/``to``, ``inbox_id``, ``team_id``, ``agent_id``, ``tag``),
JSON or, with ``?format=csv&table=…``, one of the report's tables as CSV.
``POST reports/unanswered/answer`` writes the answer to a group of unanswered questions."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from helpdesk.api.viewsets import TenantMixin
from helpdesk.models import Role
from reports import exports
from reports.api import serializers
from reports.errors import ReportError
from reports.filters import filters_parse
from reports.selectors.bot import bot_report
from reports.selectors.channels import inboxes_report, tags_report
from reports.selectors.overview import overview_report
from reports.selectors.people import agents_report, teams_report
from reports.selectors.unanswered import unanswered_report
from reports.services import unanswered_answer_write


class CSVRenderer(renderers.BaseRenderer):
    """``?format=csv``: the views answer CSV themselves (errors answer in JSON)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "error" in data:
            return exports.csv_text(["error", "code"], [[data["error"], data.get("code", "")]])
        return exports.csv_text(["value"], [[data]])


FILTER_PARAMETERS = [
    OpenApiParameter(
        "preset", OpenApiTypes.STR, enum=["today", "7d", "30d", "90d", "custom"], description="Default 30d."
    ),
    OpenApiParameter("from", OpenApiTypes.DATE, description="Custom range: first day (also `since`)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Custom range: last day, included (also `until`)."),
    OpenApiParameter("inbox_id", OpenApiTypes.INT),
    OpenApiParameter("team_id", OpenApiTypes.INT, description="The conversations assigned to the team."),
    OpenApiParameter("agent_id", OpenApiTypes.INT, description="The conversations assigned to the agent."),
    OpenApiParameter("tag", OpenApiTypes.STR, description="A tag's name or id."),
]


def _csv_parameters(report_name: str) -> list[OpenApiParameter]:
    tables = exports.table_names(report_name)
    return [
        OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
        OpenApiParameter(
            "table", OpenApiTypes.STR, enum=tables, description=f"With format=csv; default {tables[0]}."
        ),
    ]


class ReportView(TenantMixin, APIView):
    required_role = Role.ADMIN
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]
    report_name = ""

    def build(self, filters) -> dict:
        raise NotImplementedError

    def handle_exception(self, exc):
        """Errors answer in JSON with the API's error shape, also when CSV was asked for."""
        response = super().handle_exception(exc)
        if getattr(self.request, "accepted_renderer", None) is not None:
            if self.request.accepted_renderer.format == "csv":
                self.request.accepted_renderer = api_settings.DEFAULT_RENDERER_CLASSES[0]()
                self.request.accepted_media_type = self.request.accepted_renderer.media_type
        return response

    def get(self, request):
        filters = filters_parse(organization=self.organization, params=request.query_params)
        report = self.build(filters)
        if request.accepted_renderer.format != "csv":
            return Response(report)
        tables = exports.TABLES[self.report_name]
        table = request.query_params.get("table") or next(iter(tables))
        if table not in tables:
            raise ReportError(f"Unknown table '{table[:30]}': use one of {', '.join(tables)}.", field="table")
        header, rows = tables[table](report)
        response = HttpResponse(exports.csv_text(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.filename(self.report_name, table, report)}"'
        )
        return response


def _report_schema(report_name: str, serializer, description: str):
    return extend_schema(
        tags=["Reports"],
        description=description,
        parameters=[*FILTER_PARAMETERS, *_csv_parameters(report_name)],
        responses={(200, "application/json"): serializer, (200, "text/csv"): OpenApiTypes.STR},
    )


class OverviewReportView(ReportView):
    report_name = "overview"

    @_report_schema(
        "overview",
        serializers.OverviewSerializer,
        "Opened, resolved, backlog, first response and resolution times (median, p90), SLA met and "
        "breached, CSAT, per-day series and the busiest hours, beside the previous period.",
    )
    def get(self, request):
        return super().get(request)

    def build(self, filters):
        return overview_report(filters)


class AgentsReportView(ReportView):
    report_name = "agents"

    @_report_schema("agents", serializers.AgentsSerializer, "The overview's measures per assigned agent.")
    def get(self, request):
        return super().get(request)

    def build(self, filters):
        return agents_report(filters, order_by=self.request.query_params.get("order_by"))


class TeamsReportView(ReportView):
    report_name = "teams"

    @_report_schema("teams", serializers.TeamsSerializer, "The overview's measures per assigned team.")
    def get(self, request):
        return super().get(request)

    def build(self, filters):
        return teams_report(filters, order_by=self.request.query_params.get("order_by"))


class InboxesReportView(ReportView):
    report_name = "inboxes"

    @_report_schema(
        "inboxes", serializers.InboxesSerializer, "The overview's measures per inbox, with its channel."
    )
    def get(self, request):
        return super().get(request)

    def build(self, filters):
        return inboxes_report(filters, order_by=self.request.query_params.get("order_by"))


class TagsReportView(ReportView):
    report_name = "tags"

    @_report_schema(
        "tags",
        serializers.TagsSerializer,
        "The overview's measures per tag: a conversation counts under each of its tags; "
        "`tag_id` null holds the conversations with no tag.",
    )
    def get(self, request):
        return super().get(request)

    def build(self, filters):
        return tags_report(filters, order_by=self.request.query_params.get("order_by"))


class BotReportView(ReportView):
    report_name = "bot"

    @_report_schema(
        "bot",
        serializers.BotSerializer,
        "Conversations the bot handled, resolved without a person by the strict rule (`rule`), "
        "hand-offs and their reasons, answer ratings, latency and the retrieval-only share.",
    )
    def get(self, request):
        return super().get(request)

    def build(self, filters):
        return bot_report(filters)


class UnansweredReportView(ReportView):
    report_name = "unanswered"

    @_report_schema(
        "unanswered",
        serializers.UnansweredSerializer,
        "Low-confidence and thumbs-down questions grouped by meaning, most asked first.",
    )
    def get(self, request):
        return super().get(request)

    def build(self, filters):
        return unanswered_report(filters)


class UnansweredAnswerView(TenantMixin, APIView):
    required_role = Role.ADMIN

    @extend_schema(
        tags=["Reports"],
        description="Write the answer to a group of unanswered questions: a verified knowledge-base "
        "item the bots answer from, and the group's answers marked as verified by it.",
        request=serializers.UnansweredAnswerSerializer,
        responses={
            201: serializers.KnowledgeItemBriefSerializer,
            404: OpenApiResponse(description="Not found"),
        },
    )
    def post(self, request):
        body = serializers.UnansweredAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = unanswered_answer_write(
            organization=self.organization, membership=self.membership, **body.validated_data
        )
        return Response(
            {"id": item.pk, "title": item.title, "verified": item.verified}, status=status.HTTP_201_CREATED
        )
