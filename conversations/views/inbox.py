"""The inbox: tabs (mine, unassigned, all, my teams, saved views), filters, sort, search, "load
more" paging and live polling of the list (htmx), plus saving the current filters as a view."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from conversations.forms import SNOOZE_CHOICES, InboxFilterForm, SavedViewForm
from conversations.models import Priority, SavedView, StatusCategory, ViewVisibility
from conversations.selectors import catalog
from conversations.selectors.conversations import page_extras
from conversations.selectors.search import MIN_QUERY_LENGTH
from conversations.selectors.ui import inbox_counts, list_fingerprint
from conversations.services.saved_views import saved_view_create, saved_view_delete
from conversations.validators import clean_view_filters
from conversations.views.common import PAGE_SIZE, active_agents, int_or_none
from conversations.views.inbox_filters import inbox_list, saved_view_filters, view_seed
from helpdesk import selectors as core_selectors
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.views.access import member_view

MAX_POLLED_ROWS = 200


def list_context(request, tenant, data, *, target: str | None = None) -> dict | None:
    """The list pane's context for the list ``data`` asks for (None: a poll found no change).
    ``target``: ``conv-more`` (the next page), ``conv-list`` (the list alone) or None (the page)."""
    me = tenant.membership
    listing = inbox_list(data, tenant)
    queryset, error, values = listing.queryset, listing.error, listing.values
    page = max(1, int_or_none(data.get("page")) or 1)
    fingerprint = list_fingerprint(queryset) if not error else ""
    if target == "conv-list" and data.get("since") and data.get("since") == fingerprint:
        return None  # nothing changed since the last poll

    if target == "conv-more":
        offset, limit = (page - 1) * PAGE_SIZE, PAGE_SIZE
    elif target == "conv-list" and data.get("since"):
        shown = max(PAGE_SIZE, int_or_none(data.get("shown")) or 0)
        offset, limit = 0, min(MAX_POLLED_ROWS, -(-shown // PAGE_SIZE) * PAGE_SIZE)
    else:
        offset, limit = 0, PAGE_SIZE * page  # without JavaScript "load more" shows every page so far
    rows = list(queryset[offset : offset + limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    extras = page_extras(conversations=rows, membership=me)
    for conversation in rows:
        conversation.unread = extras["unread"].get(conversation.pk, 0)
    total = len(rows) if not has_more else queryset.order_by().count()

    query = listing.query()
    inbox_url = reverse("conversations:inbox")
    return {
        "listing": listing,
        "rows": rows,
        "total": total,
        "has_more": has_more,
        "next_page": (offset + limit) // PAGE_SIZE + 1,
        "tab_key": listing.tab_key,
        "tab": listing.tab,
        "title": listing.title,
        "form": listing.form,
        "values": values,
        "filtered": listing.filtered,
        "short_query": 0 < len(values["q"]) < MIN_QUERY_LENGTH and not values["q"].lstrip("#").isdigit(),
        "error": error,
        "query": query,
        "more_url": f"{inbox_url}?{query}",
        "poll_url": f"{inbox_url}?{listing.query(since=fingerprint)}",
        "clear_url": f"{inbox_url}?{urlencode({'tab': listing.tab_key})}",
        "scope": listing.scope,
        "scope_url": f"{inbox_url}?{listing.query(scope='tab' if listing.scope == 'everything' else None)}"
        if listing.scope
        else "",
        "me": me,
    }


def page_context(request, tenant, context: dict) -> dict:
    """What the inbox page adds around the list: tab counts, views, the save-view form."""
    listing, me = context["listing"], tenant.membership
    teams = listing.teams
    counts = inbox_counts(
        organization=tenant.organization, membership=me, team_ids=[team.pk for team in teams]
    )
    context.update(
        {
            "counts": counts,
            "teams": [(team, counts["teams"].get(team.pk, 0)) for team in teams],
            "views": listing.views,
            "statuses": listing.statuses,
            "priorities": Priority.labels,
            "view_form": SavedViewForm(),
            "can_share_views": tenant.has_role(Role.ADMIN),
            "current_view_editable": listing.tab.kind == "view" and _can_edit_view(listing.tab.view, tenant),
            "bulk": bulk_choices(tenant, listing.statuses),
        }
    )
    return context


def bulk_choices(tenant, statuses) -> dict:
    """The bulk bar's choices (agents, teams, statuses, priorities, snooze times)."""
    return {
        "agents": active_agents(tenant),
        "teams": list(core_selectors.team_list(organization=tenant.organization)),
        "statuses": [s for s in statuses if s.category != StatusCategory.SNOOZED],
        "priorities": Priority.labels,
        "snooze": SNOOZE_CHOICES,
    }


@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def inbox(request, tenant):
    target = request.htmx.target if request.htmx and not request.htmx.history_restore_request else None
    context = list_context(request, tenant, request.GET, target=target)
    if context is None:
        return HttpResponse(status=204)
    if target == "conv-more":
        return render(request, "conversations/inbox/_rows.html", context)
    if not request.GET.get("since"):  # where the conversation page's "back" goes (not for polls)
        request.session["inbox_url"] = f"{reverse('conversations:inbox')}?{context['query']}"
    if target == "conv-list":
        return render(request, "conversations/inbox/_list.html", context)
    context["bulk_notice"] = request.session.pop("bulk_notice", None)
    return render(request, "conversations/inbox/inbox.html", page_context(request, tenant, context))


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
    tab_key = request.POST.get("tab", "")
    base = None
    if tab_key.startswith("view-") and tab_key[5:].isdigit():
        shown = catalog.saved_view_list(organization=organization, membership=tenant.membership)
        base = getattr(shown.filter(pk=int(tab_key[5:])).first(), "filters", None)
    data = request.POST.copy()
    for name, value in view_seed(base or {}, statuses)[0].items():
        if name not in data:  # a filter the form did not send stays as the view has it
            data[name] = value
    filter_form = InboxFilterForm(
        data,
        statuses=statuses,
        agents=active_agents(tenant),
        inboxes=list(catalog.inbox_list(organization=organization)),
        tags=list(catalog.tag_list(organization=organization)),
        default_status="all" if base is not None else "open",
        teams=list(core_selectors.team_list(organization=organization)),
    )
    if form.is_valid():
        visibility = form.cleaned_data["visibility"]
        if visibility == ViewVisibility.ALL and not tenant.has_role(Role.ADMIN):
            visibility = ViewVisibility.USER
        try:
            view = saved_view_create(
                actor=tenant.membership,
                name=form.cleaned_data["name"],
                filters=clean_view_filters(saved_view_filters(filter_form.values(), statuses, tab_key, base)),
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
