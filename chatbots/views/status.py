"""The Ollama banner of the chatbots pages, loaded after the page (htmx) so a slow or unreachable
Ollama never delays a page; the probe itself is short and remembered (``chatbots.ollama_status``)."""

from __future__ import annotations

from django.shortcuts import render

from chatbots import ollama_status
from chatbots.views.common import VIEW_ROLE, can_administer, chatbot_or_404
from helpdesk.views.access import member_view


@member_view(view_role=VIEW_ROLE, write_role=VIEW_ROLE)
def ollama_banner(request, tenant):
    chatbot_id = request.GET.get("chatbot")
    chatbot = chatbot_or_404(tenant, chatbot_id) if chatbot_id else None
    status = ollama_status.ollama_status(tenant.organization, chatbot.ollama_endpoint if chatbot else "")
    context = {"ollama": status, "can_administer": can_administer(tenant), "ollama_status_url": ""}
    return render(request, "chatbots/_ollama_banner.html", context)
