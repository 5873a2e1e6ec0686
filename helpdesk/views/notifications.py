"""The agent's notifications in the UI: the bell's menu (an htmx partial), the full list with
its filter and pages, mark one or all read, and the notification preferences."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from helpdesk import selectors
from helpdesk.errors import DomainError
from helpdesk.ids import parse_id
from helpdesk.models import NotificationPreference, Role
from helpdesk.services import notifications as notification_services
from helpdesk.views.access import member_view

PER_PAGE = 25
MENU_SIZE = 8


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = list(NotificationPreference.FIELDS)
        labels = {
            "assigned": "Assigned to me",
            "mentioned": "Mentions of me in private notes",
            "replied": "New messages in conversations I take part in",
            "sla_warning": "SLA targets about to breach",
            "email_mentions_when_away": "Email me mentions while I am away or offline",
            "browser": "Browser notifications (your browser asks for permission)",
            "sound": "Play a sound",
        }
        widgets = {"browser": forms.CheckboxInput(attrs={"data-browser-permission": ""})}


def _safe_next(request, target: str) -> str | None:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def notification_list(request, tenant, form=None):
    membership = tenant.membership
    show = request.GET.get("show", "all")
    unread = True if show == "unread" else None
    page = Paginator(selectors.notification_list(membership=membership, unread=unread), PER_PAGE).get_page(
        request.GET.get("page")
    )
    preference_form = form or NotificationPreferenceForm(
        instance=selectors.notification_preference(membership=membership)
    )
    context = {
        "page": page,
        "notifications": list(page.object_list),
        "show": "unread" if unread else "all",
        "unread_count": selectors.notification_unread_count(membership=membership),
        "preference_form": preference_form,
        "kind_fields": [preference_form[name] for name in NotificationPreference.KIND_FIELDS],
        "how_fields": [preference_form[name] for name in NotificationPreference.HOW_FIELDS],
    }
    return render(request, "notifications/list.html", context, status=400 if form is not None else 200)


@require_GET
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def notification_menu(request, tenant):
    """The bell's dropdown: the latest notifications (htmx partial)."""
    membership = tenant.membership
    context = {
        "notifications": list(selectors.notification_list(membership=membership)[:MENU_SIZE]),
        "unread_count": selectors.notification_unread_count(membership=membership),
    }
    return render(request, "notifications/_menu.html", context)


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def notification_read(request, tenant, pk):
    """Mark read, then go where the notification leads (``next``) or back to the list."""
    try:
        notification = notification_services.notification_mark_read(
            membership=tenant.membership, notification_id=parse_id(pk) or 0
        )
    except DomainError as error:
        if request.htmx:
            return HttpResponse(error.message, status=404)
        messages.error(request, error.message)
        return redirect("notifications")
    if request.htmx and not request.POST.get("open"):
        return HttpResponse(status=204)
    target = _safe_next(request, notification.link) if request.POST.get("open") else None
    return redirect(target or _safe_next(request, request.POST.get("next", "")) or "notifications")


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def notification_read_all(request, tenant):
    marked = notification_services.notifications_mark_all_read(membership=tenant.membership)
    if request.htmx:
        return HttpResponse(status=204)
    messages.success(
        request,
        f"Marked {marked} notification{'s' if marked != 1 else ''} read." if marked else "Nothing unread.",
    )
    return redirect(_safe_next(request, request.POST.get("next", "")) or "notifications")


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def notification_preferences(request, tenant):
    form = NotificationPreferenceForm(request.POST)
    if not form.is_valid():
        return notification_list(request, form=form)
    notification_services.notification_preference_update(membership=tenant.membership, **form.cleaned_data)
    messages.success(request, "Notification preferences saved.")
    return redirect("notifications")
