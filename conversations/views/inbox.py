"""The inbox: tabs (mine, unassigned, all, my teams, saved views), filters, sort, search, "load
more" paging and live polling of the list (htmx), plus saving the current filters as a view."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from conversations.errors import ConversationError
from conversations.forms import InboxFilterForm, SavedViewForm
from conversations.models import Priority, SavedView, Status, ViewVisibility
from conversations.selectors import catalog
from conversations.selectors.conversations import page_extras
from conversations.selectors.search import MIN_QUERY_LENGTH
from conversations.selectors.ui import InboxTab, inbox_conversations, inbox_counts, list_fingerprint
from conversations.services.saved_views import saved_view_create, saved_view_delete
from conversations.validators import clean_view_filters
from conversations.views.common import PAGE_SIZE, active_agents, int_or_none
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.views.access import member_view

FILTER_PARAMS = ("status", "priority", "assignee", "inbox", "tag", "sort", "q")
MAX_POLLED_ROWS = 200
CATEGORIES = ("open", "snoozed", "resolved", "closed")


def _tab(request, tenant, views, teams) -> tuple[str, InboxTab, str]:
    """(tab key, InboxTab, title) from ``?tab=``; a team or view the member cannot see → 404."""
    key = (request.GET.get("tab") or "mine").strip()
    if key in ("mine", "unassigned", "all"):
        titles = {"mine": "Mine", "unassigned": "Unassigned", "all": "All conversations"}
        return key, InboxTab(key), titles[key]
    kind, _, raw_id = key.partition("-")
    pk = int_or_none(raw_id)
    if kind == "team" and pk is not None:
        team = next((team for team in teams if team.pk == pk), None)
        if team is not None:
            return key, InboxTab("team", team_id=pk), str(team)
    if kind == "view" and pk is not None:
        view = next((view for view in views if view.pk == pk), None)
        if view is not None:
            return key, InboxTab("view", view=view), view.name
    raise Http404("No such inbox tab.")


def _list_filters(values: dict) -> tuple[list[str] | None, dict]:
    """Form values → (status categories, ``apply_filters`` filters)."""
    categories = None
    filters: dict = {}
    status = values["status"]
    if status in CATEGORIES:
        categories = [status]
    elif status.startswith("s") and status[1:].isdigit():
        filters["status"] = [status[1:]]
    if values["priority"]:
        filters["priority"] = [values["priority"]]
    if values["assignee"]:
        filters["assignee"] = (
            values["assignee"] if values["assignee"] in ("me", "none") else [values["assignee"]]
        )
    if values["inbox"]:
        filters["inbox_id"] = [values["inbox"]]
    if values["tag"]:
        filters["tags"] = [values["tag"]]
    return categories, filters


def _query(tab_key: str, values: dict, default_status: str, **extra) -> str:
    params = {"tab": tab_key}
    for name in FILTER_PARAMS:
        value = values.get(name)
        if (
            not value
            or (name == "status" and value == default_status)
            or (name == "sort" and value == "-last_message_at")
        ):
            continue
        params[name] = value
    params.update({key: value for key, value in extra.items() if value not in (None, "")})
    return urlencode(params)


def _view_filters(values: dict, statuses: list[Status], tab_key: str = "", base: dict | None = None) -> dict:
    """The current tab (or the view it shows, ``base``) and UI filters in the saved views' format."""
    filters: dict = dict(base or {})
    if tab_key == "mine":
        filters["assignee"] = "me"
    elif tab_key == "unassigned":
        filters["assignee"] = "none"
    elif tab_key.startswith("team-") and tab_key[5:].isdigit():
        filters["team_id"] = [int(tab_key[5:])]
    status = values["status"]
    if status in CATEGORIES:
        filters["status"] = [s.name for s in statuses if s.category == status]
    elif status.startswith("s") and status[1:].isdigit():
        filters["status"] = [s.name for s in statuses if str(s.pk) == status[1:]]
    if values["priority"]:
        filters["priority"] = [values["priority"]]
    if values["assignee"]:
        filters["assignee"] = (
            values["assignee"] if values["assignee"] in ("me", "none") else [values["assignee"]]
        )
    if values["inbox"]:
        filters["inbox_id"] = [values["inbox"]]
    if values["tag"]:
        filters["tags"] = [values["tag"]]
    if values["q"]:
        filters["text"] = values["q"]
    return filters


@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def inbox(request, tenant):
    organization, me = tenant.organization, tenant.membership
    teams = list(me.teams.order_by("name"))
    views = list(catalog.saved_view_list(organization=organization, membership=me))
    tab_key, tab, title = _tab(request, tenant, views, teams)
    statuses = list(catalog.status_list(organization=organization))
    agents = active_agents(tenant)
    inboxes = list(catalog.inbox_list(organization=organization))
    tags = list(catalog.tag_list(organization=organization))
    default_status = "all" if tab.kind == "view" else "open"
    form = InboxFilterForm(
        request.GET,
        statuses=statuses,
        agents=agents,
        inboxes=inboxes,
        tags=tags,
        default_status=default_status,
    )
    values = form.values()
    categories, filters = _list_filters(values)
    error = ""
    try:
        queryset = inbox_conversations(
            organization=organization,
            membership=me,
            tab=tab,
            categories=categories,
            filters=filters,
            search=values["q"],
            order_by=values["sort"],
        )
    except ConversationError as exc:  # a saved view whose filters no longer apply (a deleted status)
        error = exc.message
        queryset = inbox_conversations(organization=organization, membership=me, tab=InboxTab("all"))[:0]

    target = request.htmx.target if request.htmx and not request.htmx.history_restore_request else None
    page = max(1, int_or_none(request.GET.get("page")) or 1)
    fingerprint = list_fingerprint(queryset) if not error else ""
    if target == "conv-list" and request.GET.get("since") and request.GET.get("since") == fingerprint:
        return HttpResponse(status=204)  # nothing changed since the last poll

    if target == "conv-more":
        offset, limit = (page - 1) * PAGE_SIZE, PAGE_SIZE
    elif target == "conv-list" and request.GET.get("since"):
        shown = max(PAGE_SIZE, int_or_none(request.GET.get("shown")) or 0)
        offset, limit = 0, min(MAX_POLLED_ROWS, -(-shown // PAGE_SIZE) * PAGE_SIZE)
    else:
        offset, limit = 0, PAGE_SIZE * page  # without JavaScript "load more" shows every page so far
    rows = list(queryset[offset : offset + limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    extras = page_extras(conversations=rows, membership=me)
    for conversation in rows:
        conversation.unread = extras["unread"].get(conversation.pk, 0)

    filtered = any(values[name] for name in ("priority", "assignee", "inbox", "tag", "q")) or (
        values["status"] != default_status
    )
    query = _query(tab_key, values, default_status)
    context = {
        "rows": rows,
        "has_more": has_more,
        "next_page": (offset + limit) // PAGE_SIZE + 1,
        "tab_key": tab_key,
        "tab": tab,
        "title": title,
        "form": form,
        "values": values,
        "filtered": filtered,
        "short_query": 0 < len(values["q"]) < MIN_QUERY_LENGTH and not values["q"].lstrip("#").isdigit(),
        "error": error,
        "query": query,
        "more_url": f"{reverse('conversations:inbox')}?{query}",
        "poll_url": f"{reverse('conversations:inbox')}?{_query(tab_key, values, default_status, since=fingerprint)}",
        "clear_url": f"{reverse('conversations:inbox')}?{urlencode({'tab': tab_key})}",
        "me": me,
    }
    if target == "conv-more":
        return render(request, "conversations/inbox/_rows.html", context)
    if not request.GET.get("since"):  # where the conversation page's "back" goes (not for polls)
        request.session["inbox_url"] = f"{reverse('conversations:inbox')}?{query}"
    if target == "conv-list":
        return render(request, "conversations/inbox/_list.html", context)

    counts = inbox_counts(organization=organization, membership=me, team_ids=[team.pk for team in teams])
    context.update(
        {
            "counts": counts,
            "teams": [(team, counts["teams"].get(team.pk, 0)) for team in teams],
            "views": views,
            "statuses": statuses,
            "priorities": Priority.labels,
            "view_form": SavedViewForm(),
            "can_share_views": tenant.has_role(Role.ADMIN),
            "current_view_editable": tab.kind == "view" and _can_edit_view(tab.view, tenant),
        }
    )
    return render(request, "conversations/inbox/inbox.html", context)


def _can_edit_view(view: SavedView, tenant) -> bool:
    if view.visibility == ViewVisibility.ALL:
        return tenant.has_role(Role.ADMIN)
    return view.owner_id == tenant.membership.pk


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def view_create(request, tenant):
    """Save the inbox's current filters (sent along as hidden fields) as a view."""
    organization = tenant.organization
    form = SavedViewForm(request.POST)
    statuses = list(catalog.status_list(organization=organization))
    filter_form = InboxFilterForm(
        request.POST,
        statuses=statuses,
        agents=active_agents(tenant),
        inboxes=list(catalog.inbox_list(organization=organization)),
        tags=list(catalog.tag_list(organization=organization)),
        default_status="all" if request.POST.get("tab", "").startswith("view-") else "open",
    )
    if form.is_valid():
        visibility = form.cleaned_data["visibility"]
        if visibility == ViewVisibility.ALL and not tenant.has_role(Role.ADMIN):
            visibility = ViewVisibility.USER
        tab_key = request.POST.get("tab", "")
        base = None
        if tab_key.startswith("view-") and tab_key[5:].isdigit():
            shown = catalog.saved_view_list(organization=organization, membership=tenant.membership)
            base = getattr(shown.filter(pk=int(tab_key[5:])).first(), "filters", None)
        try:
            view = saved_view_create(
                actor=tenant.membership,
                name=form.cleaned_data["name"],
                filters=clean_view_filters(_view_filters(filter_form.values(), statuses, tab_key, base)),
                visibility=visibility,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"View “{view.name}” saved.")
            return redirect(f"{reverse('conversations:inbox')}?tab=view-{view.pk}")
    else:
        messages.error(request, "Give the view a name.")
    return redirect(request.session.get("inbox_url") or reverse("conversations:inbox"))


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def view_delete(request, tenant, pk):
    view = get_object_or_404(
        catalog.saved_view_list(organization=tenant.organization, membership=tenant.membership), pk=pk
    )
    try:
        saved_view_delete(view=view, actor=tenant.membership)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('conversations:inbox')}?tab=view-{view.pk}")
    messages.success(request, f"View “{view.name}” deleted.")
    return redirect(f"{reverse('conversations:inbox')}?tab=all")
