"""Settings (admins): SLA policies and business hours (weekly schedule grid, holidays, time zone)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conversations.business_time import WEEKDAYS
from conversations.selectors import catalog
from conversations.services.sla import (
    business_hours_create,
    business_hours_delete,
    business_hours_update,
    sla_policy_create,
    sla_policy_delete,
    sla_policy_update,
)
from conversations.sla_forms import BusinessHoursForm, SLAPolicyForm, schedule_from_post, schedule_rows
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.views.access import member_view

admin_only = member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)


# ---------- SLA policies ----------


@admin_only
def sla_policy_list(request, tenant):
    policies = list(catalog.sla_policy_list(organization=tenant.organization))
    inboxes = {inbox.pk: inbox.name for inbox in catalog.inbox_list(organization=tenant.organization)}
    for policy in policies:
        conditions = policy.conditions or {}
        parts = []
        if conditions.get("priority"):
            parts.append("Priority " + " or ".join(conditions["priority"]))
        if conditions.get("inbox_id"):
            parts.append("Inbox " + " or ".join(inboxes.get(pk, f"#{pk}") for pk in conditions["inbox_id"]))
        if conditions.get("channel"):
            parts.append("Channel " + " or ".join(conditions["channel"]))
        policy.applies_to = " · ".join(parts) or "Every conversation"
    return render(request, "conversations/settings/sla_policies.html", {"policies": policies})


@admin_only
def sla_policy_edit(request, tenant, pk=None):
    organization = tenant.organization
    policy = get_object_or_404(catalog.sla_policy_list(organization=organization), pk=pk) if pk else None
    inboxes = list(catalog.inbox_list(organization=organization))
    hours = list(catalog.business_hours_list(organization=organization))
    options = {"inboxes": inboxes, "business_hours": hours}
    if request.method == "POST":
        form = SLAPolicyForm(request.POST, **options)
        if form.is_valid():
            fields = form.service_fields()
            try:
                if policy is None:
                    policy = sla_policy_create(organization=organization, **fields)
                else:
                    policy = sla_policy_update(policy=policy, **fields)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"SLA policy {policy.name} saved.")
                return redirect("conversations:settings-sla")
    elif policy is not None:
        form = SLAPolicyForm(initial=SLAPolicyForm.initial_for(policy), **options)
    else:
        form = SLAPolicyForm(**options)
    context = {"form": form, "policy": policy}
    return render(
        request, "conversations/settings/sla_policy_form.html", context, status=400 if form.errors else 200
    )


@require_POST
@admin_only
def sla_policy_remove(request, tenant, pk):
    policy = get_object_or_404(catalog.sla_policy_list(organization=tenant.organization), pk=pk)
    sla_policy_delete(policy=policy)
    messages.success(request, f"SLA policy {policy.name} deleted.")
    return redirect("conversations:settings-sla")


# ---------- business hours ----------


@admin_only
def business_hours_list(request, tenant):
    items = list(catalog.business_hours_list(organization=tenant.organization))
    for item in items:
        item.rows = schedule_rows(item.hours)
    return render(
        request, "conversations/settings/business_hours.html", {"items": items, "weekdays": WEEKDAYS}
    )


@admin_only
def business_hours_edit(request, tenant, pk=None):
    organization = tenant.organization
    item = get_object_or_404(catalog.business_hours_list(organization=organization), pk=pk) if pk else None
    if request.method == "POST":
        form = BusinessHoursForm(request.POST)
        rows = schedule_from_post(request.POST)[1]
        if form.is_valid():
            fields = form.service_fields()
            try:
                if item is None:
                    item = business_hours_create(organization=organization, **fields)
                else:
                    item = business_hours_update(business_hours=item, **fields)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"Business hours {item.name} saved.")
                return redirect("conversations:settings-business-hours")
    elif item is not None:
        holidays = "\n".join(f"{h.get('date', '')} {h.get('name', '')}".strip() for h in item.holidays or [])
        form = BusinessHoursForm(
            initial={
                "name": item.name,
                "description": item.description,
                "timezone": item.timezone,
                "is_always_open": item.is_always_open,
                "holidays_text": holidays,
            }
        )
        rows = schedule_rows(item.hours)
    else:
        form = BusinessHoursForm(initial={"timezone": "UTC"})
        weekdays = {day: [{"open": "09:00", "close": "17:00"}] for day in WEEKDAYS[:5]}
        rows = schedule_rows(weekdays)
    context = {"form": form, "item": item, "rows": rows}
    return render(
        request,
        "conversations/settings/business_hours_form.html",
        context,
        status=400 if form.errors else 200,
    )


@require_POST
@admin_only
def business_hours_remove(request, tenant, pk):
    item = get_object_or_404(catalog.business_hours_list(organization=tenant.organization), pk=pk)
    business_hours_delete(business_hours=item)
    messages.success(request, f"Business hours {item.name} deleted.")
    return redirect("conversations:settings-business-hours")
