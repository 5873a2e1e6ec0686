"""Chatbots: the list (cards), creating one, its settings page, and deleting it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from chatbots import ollama_status, selectors_ui
from chatbots.forms import ChatbotForm, default_endpoint_label
from chatbots.services import chatbots as chatbot_services
from chatbots.views.common import (
    ADMIN_ROLE,
    LOW_CONFIDENCE,
    VIEW_ROLE,
    banner_context,
    bot_tabs_context,
    can_administer,
    chatbot_or_404,
)
from helpdesk.errors import DomainError
from helpdesk.views.access import member_view


@member_view(view_role=VIEW_ROLE, write_role=ADMIN_ROLE)
def chatbot_list(request, tenant):
    organization = tenant.organization
    bots = selectors_ui.chatbot_cards(organization=organization)
    counts = None
    if bots and can_administer(tenant):
        counts = selectors_ui.monitor_counts(organization=organization, low_confidence=LOW_CONFIDENCE)
    context = {
        "bots": bots,
        "counts": counts,
        "document_total": selectors_ui.document_total(organization=organization),
        "can_administer": can_administer(tenant),
        **banner_context(tenant),
    }
    return render(request, "chatbots/list.html", context)


def _form_context(tenant, form, status, chatbot=None) -> dict:
    organization = tenant.organization
    return {
        "form": form,
        "ollama": status,
        "default_endpoint": default_endpoint_label(organization),
        "document_total": selectors_ui.document_total(organization=organization),
        "processed_total": form.fields["product_documents"].queryset.count(),
        **(
            bot_tabs_context(tenant, chatbot, "settings")
            if chatbot
            else {"can_administer": can_administer(tenant)}
        ),
    }


@member_view(view_role=ADMIN_ROLE, write_role=ADMIN_ROLE)
def chatbot_create(request, tenant):
    organization = tenant.organization
    status = ollama_status.ollama_status(organization)
    form = ChatbotForm(
        request.POST or None,
        organization=organization,
        models=status.models,
        ollama_reachable=status.reachable,
        initial={"model": organization.ollama_model or "", "greeting_message": organization.welcome_message},
    )
    if request.method == "POST" and form.is_valid():
        try:
            chatbot = chatbot_services.chatbot_create(
                organization=organization, created_by=tenant.membership, **form.service_fields()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{chatbot.name} created. Ask it something to check its answers.")
            return redirect("chatbots:playground", pk=chatbot.pk)
    status_code = 400 if form.errors else 200
    return render(request, "chatbots/form.html", _form_context(tenant, form, status), status=status_code)


@member_view(view_role=VIEW_ROLE, write_role=ADMIN_ROLE)
def chatbot_settings(request, tenant, pk):
    organization = tenant.organization
    chatbot = chatbot_or_404(tenant, pk)
    status = ollama_status.ollama_status(organization, chatbot.ollama_endpoint)
    options = {
        "organization": organization,
        "chatbot": chatbot,
        "models": status.models,
        "ollama_reachable": status.reachable,
    }
    if request.method == "POST":
        form = ChatbotForm(request.POST, **options)
        if form.is_valid():
            try:
                chatbot_services.chatbot_update(chatbot=chatbot, **form.service_fields())
            except DomainError as error:
                form.add_domain_error(error)
                chatbot = chatbot_or_404(tenant, pk)
            else:
                messages.success(request, f"Settings of {chatbot.name} saved.")
                return redirect("chatbots:settings", pk=chatbot.pk)
    else:
        form = ChatbotForm(initial=ChatbotForm.initial_for(chatbot), **options)
    context = _form_context(tenant, form, status, chatbot)
    return render(request, "chatbots/form.html", context, status=400 if form.errors else 200)


@member_view(view_role=ADMIN_ROLE, write_role=ADMIN_ROLE)
def chatbot_delete(request, tenant, pk):
    chatbot = chatbot_or_404(tenant, pk)
    if request.method != "POST":
        return redirect("chatbots:settings", pk=pk)
    name = chatbot.name
    chatbot_services.chatbot_delete(chatbot=chatbot)
    messages.success(request, f"{name} deleted with its chat sessions. Its documents stay in Knowledge.")
    return redirect("chatbots:list")
