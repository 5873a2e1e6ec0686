"""The playground: a member chats with a bot in the browser. The page is a shell; the chat itself
goes through the public API (``POST /api/v1/chat/message`` with ``stream: true``, read as a
``text/event-stream`` by ``static/js/chatbots.js``; ``POST /api/v1/chat/rate``), authenticated by
the session cookie and the CSRF header, so it behaves exactly like an integration would."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from chatbots.views.common import VIEW_ROLE, banner_context, bot_tabs_context, chatbot_or_404
from helpdesk.views.access import member_view


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the knowledge UI is not mounted: citations show without links
        return ""


@member_view(view_role=VIEW_ROLE, write_role=VIEW_ROLE)
def playground(request, tenant, pk):
    chatbot = chatbot_or_404(tenant, pk)
    organization = tenant.organization
    context = {
        **bot_tabs_context(tenant, chatbot, "playground"),
        **banner_context(tenant, chatbot),
        "greeting": chatbot.greeting_message or organization.welcome_message,
        "documents_total": chatbot.product_documents.count(),
        "chat_url": reverse("api-chat-message"),
        "rate_url": reverse("api-chat-rate"),
        # Templates of links to cited sources: the JavaScript swaps the trailing 0 for the id.
        "document_url": _url("knowledge:document", 0),
        "kb_item_url": _url("knowledge:item", 0),
    }
    return render(request, "chatbots/playground.html", context)
