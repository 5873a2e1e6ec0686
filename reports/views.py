"""The Reports pages (admins): Overview, Agents, Teams, Inboxes, Tags and Bot tabs over the same
filters, each chart with its data table, every table downloadable as CSV, and "write the answer"
for the bot's unanswered questions."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from conversations.models import Inbox, Tag
from helpdesk.errors import DomainError
from helpdesk.models import Membership, Role, Team
from helpdesk.views.access import member_view
from reports import charts, exports
from reports.errors import ReportError
from reports.filters import filters_parse
from reports.periods import PRESET_LABELS
from reports.selectors.bot import bot_report
from reports.selectors.channels import inboxes_report, tags_report
from reports.selectors.overview import overview_report
from reports.selectors.people import agents_report, teams_report
from reports.selectors.unanswered import unanswered_report
from reports.services import unanswered_answer_write

TABS = (
    ("overview", "Overview", "reports:overview"),
    ("agents", "Agents", "reports:agents"),
    ("teams", "Teams", "reports:teams"),
    ("inboxes", "Inboxes", "reports:inboxes"),
    ("tags", "Tags", "reports:tags"),
    ("bot", "Bot", "reports:bot"),
)
FILTER_KEYS = ("preset", "from", "to", "inbox_id", "team_id", "agent_id", "tag")
BUILDERS = {
    "overview": overview_report,
    "agents": agents_report,
    "teams": teams_report,
    "inboxes": inboxes_report,
    "tags": tags_report,
    "bot": bot_report,
    "unanswered": unanswered_report,
}
TABLE_COLUMNS = [
    ("name", "Name"),
    ("opened", "Opened"),
    ("resolved", "Resolved"),
    ("backlog", "Backlog"),
    ("first_response", "First response (median · p90)"),
    ("resolution", "Resolution (median · p90)"),
    ("sla_met", "SLA met"),
    ("csat", "CSAT"),
]
# Per table tab: its title, the note under it, what a row is, and its empty state.
PEOPLE_TABS = {
    "agents": {
        "title": "Agents",
        "note": "Conversations count for whoever they are assigned to now.",
        "per": "agent",
        "empty_icon": "users",
        "empty_title": "Nobody to report on yet",
        "empty_text": "Invite agents and create teams in Settings; their figures appear here once "
        "conversations are assigned to them.",
    },
    "teams": {
        "title": "Teams",
        "note": "Conversations count for the team they are assigned to now.",
        "per": "team",
        "empty_icon": "users",
        "empty_title": "No teams yet",
        "empty_text": "Create teams in Settings; their figures appear here once conversations are assigned to them.",
    },
    "inboxes": {
        "title": "Inboxes",
        "note": "Conversations count for the inbox (and channel) they came in through.",
        "per": "inbox",
        "empty_icon": "inbox",
        "empty_title": "No inboxes yet",
        "empty_text": "Add an inbox (web chat, email or API) in Settings; its figures appear here once "
        "conversations come in.",
    },
    "tags": {
        "title": "Tags",
        "note": "A conversation counts under each of its tags; “No tag” holds the untagged ones.",
        "per": "tag",
        "empty_icon": "tag",
        "empty_title": "No tags yet",
        "empty_text": "Tag conversations from the conversation page; each tag's figures appear here.",
    },
}


def _filters(request, tenant):
    """The filters of the query string; a bad one is reported and the defaults are used."""
    params = {key: request.GET.get(key, "") for key in FILTER_KEYS}
    if params["from"] or params["to"]:
        params["preset"] = ""  # the page's dates replace its preset (the API refuses both)
    try:
        return filters_parse(organization=tenant.organization, params=params), params, ""
    except ReportError as error:
        return filters_parse(organization=tenant.organization, params={}), {}, error.message


def _query(params: dict, **changes) -> str:
    from urllib.parse import urlencode

    merged = {key: value for key, value in {**params, **changes}.items() if value not in (None, "")}
    return urlencode(merged)


def _page(request, tenant, tab: str, template: str, extra: dict, filters, params, error):
    organization = tenant.organization
    query = _query(params)
    context = {
        "tab": tab,
        "tabs": [(key, label, reverse(url_name)) for key, label, url_name in TABS],
        "filters": filters,
        "params": params,
        "query": query,
        "filter_error": error,
        "presets": list(PRESET_LABELS.items()),
        "inboxes": Inbox.objects.filter(organization=organization).order_by("name"),
        "teams": Team.objects.filter(organization=organization).order_by("name"),
        "agents": Membership.objects.filter(organization=organization, is_active=True).select_related("user"),
        "tags": Tag.objects.filter(organization=organization).order_by("name"),
        "export_base": reverse("reports:export", args=["REPORT", "TABLE"]),
        **extra,
    }
    return render(request, template, context)


def _export_url(report: str, table: str, query: str) -> str:
    url = reverse("reports:export", args=[report, table])
    return f"{url}?{query}" if query else url


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def overview(request, tenant):
    filters, params, error = _filters(request, tenant)
    report = overview_report(filters)
    query = _query(params)
    tables = {name: build(report) for name, build in exports.TABLES["overview"].items()}
    extra = {
        "report": report,
        "kpis": charts.kpis(report),
        "volume_chart": charts.line_chart(
            report["series"],
            x="date",
            series=[("opened", "Opened"), ("resolved", "Resolved")],
            title="Conversations opened and resolved per day",
        ),
        "csat_chart": charts.bar_chart(
            [(f"{rating} ★", count) for rating, count in report["figures"]["csat"]["distribution"].items()],
            title="CSAT answers by rating",
            label="Answers",
        ),
        "heatmap": charts.heatmap(report["heatmap"]),
        "tables": tables,
        "exports": {name: _export_url("overview", name, query) for name in tables},
        "has_data": report["figures"]["opened"]
        or report["figures"]["resolved"]
        or report["figures"]["backlog"],
    }
    return _page(request, tenant, "overview", "reports/overview.html", extra, filters, params, error)


def _people(request, tenant, tab: str, build, id_key: str):
    filters, params, error = _filters(request, tenant)
    order_by = request.GET.get("order_by") or "name"
    report = build(filters, order_by=order_by)
    query = _query(params)
    rows = report["results"]
    extra = {
        "report": report,
        "rows": rows,
        "id_key": id_key,
        "table": PEOPLE_TABS[tab],
        "columns": charts.sort_links(TABLE_COLUMNS, order_by, params),
        "export_url": _export_url(tab, tab, query),
        "resolved_chart": charts.bar_chart(
            [(row["name"], row["resolved"]) for row in rows if row["resolved"]][:20],
            title=f"Conversations resolved per {PEOPLE_TABS[tab]['per']}",
            label="Resolved",
            horizontal=True,
        ),
        "has_data": any(row["opened"] or row["resolved"] or row["backlog"] for row in rows),
    }
    return _page(request, tenant, tab, "reports/people.html", extra, filters, params, error)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def agents(request, tenant):
    return _people(request, tenant, "agents", agents_report, "agent_id")


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def teams(request, tenant):
    return _people(request, tenant, "teams", teams_report, "team_id")


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def inboxes(request, tenant):
    return _people(request, tenant, "inboxes", inboxes_report, "inbox_id")


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def tags(request, tenant):
    return _people(request, tenant, "tags", tags_report, "tag_id")


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def bot(request, tenant):
    filters, params, error = _filters(request, tenant)
    report = bot_report(filters)
    unanswered = unanswered_report(filters)
    query = _query(params)
    tables = {name: build(report) for name, build in exports.TABLES["bot"].items()}
    extra = {
        "report": report,
        "unanswered": unanswered,
        "tables": tables,
        "exports": {name: _export_url("bot", name, query) for name in tables},
        "unanswered_export": _export_url("unanswered", "questions", query),
        "reasons_chart": charts.bar_chart(
            [(row["label"], row["count"]) for row in report["handoff_reasons"]],
            title="Hand-offs by reason",
            label="Hand-offs",
            horizontal=True,
        ),
        "ratings_chart": charts.bar_chart(
            [
                ("Thumbs up", report["answers"]["rated_up"]),
                ("Thumbs down", report["answers"]["rated_down"]),
                ("Not rated", report["answers"]["unrated"]),
            ],
            title="Answer ratings",
            label="Answers",
        ),
    }
    return _page(request, tenant, "bot", "reports/bot.html", extra, filters, params, error)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def unanswered_answer(request, tenant):
    if request.method != "POST":
        return redirect("reports:bot")
    back = request.POST.get("next") or ""
    back = back if back.startswith("/reports/") else reverse("reports:bot")
    try:
        ids = [int(value) for value in request.POST.getlist("answer_ids") if value.isdigit()]
        item = unanswered_answer_write(
            organization=tenant.organization,
            membership=tenant.membership,
            answer_ids=ids,
            question=request.POST.get("question", "")[:500],
            answer=request.POST.get("answer", "")[:20000],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Answer saved to the knowledge base as “{item.title}”. The bots answer from it now."
        )
    return redirect(back)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def export_csv(request, tenant, report: str, table: str):
    if report not in exports.TABLES or table not in exports.TABLES[report]:
        raise Http404("No such table.")
    params = {key: request.GET.get(key, "") for key in FILTER_KEYS}
    try:
        filters = filters_parse(organization=tenant.organization, params=params)
    except ReportError as error:
        return HttpResponse(error.message, status=error.status_code, content_type="text/plain; charset=utf-8")
    data = BUILDERS[report](filters)
    header, rows = exports.TABLES[report][table](data)
    response = HttpResponse(exports.csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, table, data)}"'
    return response
