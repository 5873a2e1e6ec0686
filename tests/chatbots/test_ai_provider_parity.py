"""The AI provider settings page and ``GET ai/provider`` show one summary
(``helpdesk.selectors.ai_provider_summary``): the same endpoint, model, allowed endpoints, server
defaults and embedding backend, for the server's defaults and for an organization's own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpdesk.selectors import ai_provider_summary


@pytest.mark.parametrize("own", [False, True])
def test_page_and_api_show_the_same_summary(own, ui_as, admin, admin_api, org, settings):
    settings.OLLAMA_HOST, settings.OLLAMA_MODEL = "http://ollama.example:11434", "llama3.2"
    settings.EMBEDDING_BACKEND, settings.EMBEDDING_MODEL = "ollama", "nomic-embed-text"
    if own:
        org.ollama_endpoint, org.ollama_model = "https://llm.acme.test", "mistral"
        org.ollama_endpoints = ["https://llm.acme.test", "https://backup.acme.test"]
        org.save()

    api = admin_api.get("/api/v1/ai/provider")
    page = ui_as(admin).get(reverse("chatbots:ai-provider"))

    assert api.status_code == 200 and page.status_code == 200
    summary = ai_provider_summary(organization=org)
    assert api.json() == summary == page.context["summary"]
    body = page.content.decode()
    for shown in (summary["endpoint"], summary["model"], *summary["endpoints"], "nomic-embed-text"):
        assert shown in body
    assert summary["uses_server_default"] is not own
    assert summary["embedding"] == {"backend": "ollama", "model": "nomic-embed-text"}
