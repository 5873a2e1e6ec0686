"""The inbox's filter bar as data: which list a request asks for (tab + filters), the same list
as a query string (paging, polling, the conversation page's list pane and its "back"), and the
translation between the filter bar and a saved view's filters, both ways, so that saving a view
stores every filter that is set and opening it shows them in the bar again."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404

from conversations.errors import ConversationError
from conversations.forms import SORT_CHOICES, InboxFilterForm
from conversations.models import Status
from conversations.selectors import catalog
from conversations.selectors.ui import InboxTab, inbox_conversations
from conversations.views.common import active_agents, int_or_none
from helpdesk import selectors as core_selectors
from helpdesk.models import Role

FILTER_PARAMS = (
    "status",
    "priority",
    "assignee",
    "inbox",
    "tag",
    "team",
    "created_after",
    "created_before",
    "sort",
    "q",
)
# A search runs over everything the member may see, whatever the tab, unless ``scope=tab``.
SCOPE_TAB = "tab"
CATEGORIES = ("open", "snoozed", "resolved", "closed")
DEFAULT_SORT = SORT_CHOICES[0][0]


def tab_of(key: str, views, teams) -> tuple[str, InboxTab, str]:
    """(tab key, InboxTab, title) from ``?tab=``; a team or view the member cannot see → 404."""
    key = (key or "mine").strip()
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


def view_seed(filters: dict, statuses: list[Status]) -> tuple[dict, dict]:
    """A saved view's filters → (filter-bar values it sets, the rest the bar cannot show, such as
    several priorities or a team). Opening a view shows the first in the bar."""
    seed: dict = {}
    rest = dict(filters or {})
    names = rest.get("status")
    if names:
        wanted = {str(name).lower() for name in names}
        for category in CATEGORIES:
            if wanted == {s.name.lower() for s in statuses if s.category == category}:
                seed["status"] = category
        if "status" not in seed and len(names) == 1:
            match = next((s for s in statuses if s.name.lower() in wanted and not s.is_builtin), None)
            if match is not None:
                seed["status"] = f"s{match.pk}"
        if "status" in seed:
            del rest["status"]
    for key, name in (("priority", "priority"), ("inbox_id", "inbox"), ("tags", "tag"), ("team_id", "team")):
        value = rest.get(key)
        if isinstance(value, list) and len(value) == 1:
            seed[name] = str(value[0])
            del rest[key]
    assignee = rest.get("assignee")
    if assignee in ("me", "none") or (isinstance(assignee, list) and len(assignee) == 1):
        seed["assignee"] = assignee if isinstance(assignee, str) else str(assignee[0])
        del rest["assignee"]
    if rest.get("text"):
        seed["q"] = rest.pop("text")
    for key in ("created_after", "created_before"):
        if rest.get(key):
            seed[key] = str(rest.pop(key))
    return seed, rest


@dataclass
class InboxList:
    """What one inbox request shows: the tab, the filter bar (``form``/``values``), the
    conversations (``queryset``), or why none (``error``), and the list as a query string."""

    tab_key: str
    tab: InboxTab
    title: str
    form: InboxFilterForm
    values: dict
    defaults: dict
    queryset: object
    error: str
    views: list
    teams: list
    statuses: list
    scope: str = ""  # a search: "everything" (the tab is set aside) or "tab"

    @property
    def filtered(self) -> bool:
        return any(
            self.values[name] != self.defaults.get(name, "") for name in FILTER_PARAMS if name != "sort"
        )

    def query(self, **extra) -> str:
        extra.setdefault("scope", SCOPE_TAB if self.scope == SCOPE_TAB else "")
        return list_query(self.tab_key, self.values, self.defaults, **extra)


def list_query(tab_key: str, values: dict, defaults: dict, **extra) -> str:
    """The list as ``?tab=…&…``: each filter that differs from the tab's default (an empty value
    is kept when the tab's view sets one, so "Any priority" survives paging a view)."""
    params = {"tab": tab_key}
    for name in FILTER_PARAMS:
        value = values.get(name) or ""
        if value != (defaults.get(name) or ""):
            params[name] = value
    params.update({key: value for key, value in extra.items() if value not in (None, "")})
    return urlencode(params)


def inbox_list(data, tenant) -> InboxList:
    """The list that ``data`` (a query dict: ``tab`` and the filter bar) asks for."""
    organization, me = tenant.organization, tenant.membership
    teams = list(me.teams.order_by("name"))
    views = list(catalog.saved_view_list(organization=organization, membership=me))
    tab_key, tab, title = tab_of(data.get("tab"), views, teams)
    statuses = list(catalog.status_list(organization=organization))
    seed, rest = view_seed(tab.view.filters, statuses) if tab.kind == "view" else ({}, {})
    defaults = {"status": "open", "sort": DEFAULT_SORT, **({"status": "all"} if tab.kind == "view" else {})}
    defaults.update(seed)
    data = data.copy()
    for name, value in seed.items():
        if name not in data:
            data[name] = value
    form = InboxFilterForm(
        data,
        statuses=statuses,
        agents=active_agents(tenant),
        inboxes=list(catalog.inbox_list(organization=organization)),
        tags=list(catalog.tag_list(organization=organization)),
        default_status="all" if tab.kind == "view" else "open",
        teams=list(core_selectors.team_list(organization=organization))
        if tenant.has_role(Role.ADMIN)
        else (),
    )
    values = form.values()
    categories, filters = bar_filters(values)
    scope, list_tab = "", InboxTab("all") if tab.kind == "view" else tab
    if values["q"]:
        scope = SCOPE_TAB if data.get("scope") == SCOPE_TAB or tab_key == "all" else "everything"
    if scope == "everything":  # search everything the member may see: no tab, any status unless chosen
        list_tab, rest = InboxTab("all"), {}
        if values["status"] == defaults["status"]:
            categories = None
            filters.pop("status", None)
    error = ""
    try:
        queryset = inbox_conversations(
            organization=organization,
            membership=me,
            tab=list_tab,
            categories=categories,
            filters={**rest, **filters},
            search=values["q"],
            order_by=values["sort"],
        )
    except ConversationError as exc:  # a saved view whose filters no longer apply (a deleted status)
        error = exc.message
        queryset = inbox_conversations(organization=organization, membership=me, tab=InboxTab("all"))[:0]
    return InboxList(
        tab_key, tab, title, form, values, defaults, queryset, error, views, teams, statuses, scope
    )


def bar_filters(values: dict) -> tuple[list[str] | None, dict]:
    """Filter-bar values → (status categories, ``apply_filters`` filters)."""
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
    if values.get("team"):
        filters["team_id"] = [values["team"]]
    for key in ("created_after", "created_before"):
        if values.get(key):
            filters[key] = values[key]
    return categories, filters


def saved_view_filters(
    values: dict, statuses: list[Status], tab_key: str = "", base: dict | None = None
) -> dict:
    """The current tab (or the view it shows, ``base``) and every filter set in the bar, in the
    saved views' format. What the bar shows of ``base`` is replaced by the bar's value."""
    _, filters = view_seed(base or {}, statuses)
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
    filters.update({key: value for key, value in bar_filters(values)[1].items() if key != "status"})
    if values["q"]:
        filters["text"] = values["q"]
    return filters
