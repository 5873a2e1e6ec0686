"""What the chatbots UI views share: roles, scoped look-ups, toasts and the Ollama banner."""

from __future__ import annotations

import json

from django.http import Http404
from django.urls import reverse

from chatbots import ollama_status, selectors
from chatbots.models import Chatbot
from helpdesk.models import Role

# The same roles as the chatbots API: every member reads the bots and uses the playground;
# configuring bots, training them, reviewing answers and the AI provider need an admin.
VIEW_ROLE = Role.AGENT
ADMIN_ROLE = Role.ADMIN
POLL_INTERVAL = "1500ms"
# The monitor's "low confidence" filter: answers below this, whatever their bot's threshold.
LOW_CONFIDENCE = 0.5


def can_administer(tenant) -> bool:
    return tenant is not None and tenant.has_role(ADMIN_ROLE)


def chatbot_or_404(tenant, pk) -> Chatbot:
    chatbot = selectors.chatbot_get(organization=tenant.organization, chatbot_id=pk)
    if chatbot is None:
        raise Http404("No such chatbot.")
    return chatbot


def with_toast(response, message: str, level: str = "success"):
    """Show a toast after an htmx request (``parley.js`` listens for ``parley:toast``)."""
    response["HX-Trigger"] = json.dumps({"parley:toast": {"message": message, "level": level}})
    return response


def banner_context(tenant, chatbot: Chatbot | None = None) -> dict:
    """The Ollama banner of a chatbots page: the remembered status when there is one (no request
    made while the page renders), else a URL the page loads it from afterwards (htmx)."""
    endpoint = chatbot.ollama_endpoint if chatbot is not None else ""
    status = ollama_status.cached_status(tenant.organization, endpoint)
    url = reverse("chatbots:ollama-status")
    if chatbot is not None:
        url += f"?chatbot={chatbot.pk}"
    return {"ollama": status, "ollama_status_url": url}


def bot_tabs_context(tenant, chatbot: Chatbot, active: str) -> dict:
    return {"chatbot": chatbot, "active_tab": active, "can_administer": can_administer(tenant)}
