"""Webhooks (admins): list, create, edit, delete, the delivery log and a test ping (htmx)."""

import json

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from helpdesk import selectors
from helpdesk.errors import DomainError
from helpdesk.forms import WebhookForm
from helpdesk.models import Role, WebhookDelivery
from helpdesk.models.webhook import DeliveryStatus
from helpdesk.services import webhooks as webhook_services
from helpdesk.views.access import member_view, no_store

DELIVERY_LOG_SIZE = 50


def _webhook(tenant, pk):
    return get_object_or_404(selectors.webhook_list(organization=tenant.organization), pk=pk)


def _deliveries(tenant, webhook):
    return list(
        selectors.webhook_delivery_list(organization=tenant.organization, webhook=webhook)[:DELIVERY_LOG_SIZE]
    )


def _deliveries_context(tenant, webhook) -> dict:
    deliveries = _deliveries(tenant, webhook)
    unfinished = any(
        d.status in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING, DeliveryStatus.SENDING)
        for d in deliveries
    )
    return {"webhook": webhook, "deliveries": deliveries, "poll": unfinished}


def _with_toast(response, message: str, level: str = "success"):
    response["HX-Trigger"] = json.dumps({"parley:toast": {"message": message, "level": level}})
    return response


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def webhook_list(request, tenant):
    latest = WebhookDelivery.objects.filter(webhook=OuterRef("pk")).order_by("-created_at")
    webhooks = selectors.webhook_list(organization=tenant.organization).annotate(
        last_status=Subquery(latest.values("status")[:1]),
        last_event=Subquery(latest.values("event")[:1]),
        last_at=Subquery(latest.values("created_at")[:1]),
    )
    return render(request, "settings/webhooks.html", {"webhooks": webhooks})


def _changes(form) -> dict:
    data = dict(form.cleaned_data)
    if not data.get("secret"):
        data.pop("secret", None)
    return data


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def webhook_create(request, tenant):
    form = WebhookForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            webhook = webhook_services.webhook_create(organization=tenant.organization, **_changes(form))
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Webhook created. Send a test delivery to check your endpoint.")
            return redirect("settings:webhook", pk=webhook.pk)
    status = 400 if form.errors else 200
    return render(request, "settings/webhook_form.html", {"form": form, "webhook": None}, status=status)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def webhook_detail(request, tenant, pk):
    webhook = _webhook(tenant, pk)
    if request.method == "POST":
        form = WebhookForm(request.POST)
        if form.is_valid():
            try:
                webhook_services.webhook_update(webhook=webhook, **_changes(form))
            except DomainError as error:
                form.add_domain_error(error)
                webhook = _webhook(tenant, pk)
            else:
                messages.success(request, "Webhook saved.")
                return redirect("settings:webhook", pk=pk)
    else:
        form = WebhookForm(initial=WebhookForm.initial_for(webhook))
    context = {"form": form, **_deliveries_context(tenant, webhook)}
    response = render(request, "settings/webhook_form.html", context, status=400 if form.errors else 200)
    return no_store(response)  # the page can reveal the signing secret


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def webhook_delete(request, tenant, pk):
    webhook = _webhook(tenant, pk)
    if request.method != "POST":
        return redirect("settings:webhook", pk=pk)
    webhook_services.webhook_delete(webhook=webhook)
    messages.success(request, f"Webhook to {webhook.url} deleted.")
    return redirect("settings:webhooks")


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def webhook_deliveries(request, tenant, pk):
    """The delivery log as a partial (htmx polls it while deliveries are under way)."""
    webhook = _webhook(tenant, pk)
    return render(request, "settings/_webhook_deliveries.html", _deliveries_context(tenant, webhook))


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def webhook_test(request, tenant, pk):
    webhook = _webhook(tenant, pk)
    if request.method != "POST":
        return redirect("settings:webhook", pk=pk)
    try:
        webhook_services.webhook_send_test(webhook=webhook)
    except DomainError as error:
        if request.htmx:
            return _with_toast(HttpResponse(status=204), error.message, "error")
        messages.error(request, error.message)
        return redirect("settings:webhook", pk=pk)
    message = "Test delivery queued. Its result appears in the log below."
    if request.htmx:
        response = render(request, "settings/_webhook_deliveries.html", _deliveries_context(tenant, webhook))
        return _with_toast(response, message)
    messages.success(request, message)
    return redirect("settings:webhook", pk=pk)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def webhook_redeliver(request, tenant, pk, delivery_id):
    webhook = _webhook(tenant, pk)
    delivery = get_object_or_404(
        selectors.webhook_delivery_list(organization=tenant.organization, webhook=webhook), pk=delivery_id
    )
    if request.method != "POST":
        return redirect("settings:webhook", pk=pk)
    try:
        webhook_services.webhook_delivery_redeliver(delivery=delivery)
    except DomainError as error:
        message, level = error.message, "error"
    else:
        message, level = "Delivery queued again.", "success"
    if request.htmx:
        response = render(request, "settings/_webhook_deliveries.html", _deliveries_context(tenant, webhook))
        return _with_toast(response, message, level)
    (messages.success if level == "success" else messages.error)(request, message)
    return redirect("settings:webhook", pk=pk)
