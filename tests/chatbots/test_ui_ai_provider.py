"""Settings › AI provider: the default endpoint and model, the allowed endpoints, and the
connection test against the fake Ollama server (models listed) or an unreachable host (error)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.chatbots.test_ui_chatbots import signed_in

PAGE = "/settings/ai-provider/"
TEST = "/settings/ai-provider/test/"


@pytest.fixture(autouse=True)
def forget_ollama_status():
    cache.clear()


def test_urls():
    assert reverse("chatbots:ai-provider") == PAGE and reverse("chatbots:ai-provider-test") == TEST


def test_page_shows_the_provider_in_use(client, admin, fake_ollama):
    response = signed_in(client, admin).get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert fake_ollama.url in body and "the server default" in body
    assert "llama3.2" in body
    assert "Test connection" in body and "Allowed endpoints" in body
    assert 'aria-current="page"' in body  # the settings sub-navigation marks this page


def test_connection_test_lists_the_models_found(client, admin, fake_ollama):
    response = signed_in(client, admin).post(TEST, {"endpoint": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-test-result="ok"' in body
    assert "Connected to Ollama 0.6.5" in body
    assert "llama3.2:latest" in body and "nomic-embed-text:latest" in body
    assert 'data-use-model="llama3.2:latest"' in body


def test_connection_test_of_an_unreachable_host_shows_the_error(client, admin, ollama_down):
    response = signed_in(client, admin).post(TEST, {"endpoint": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-test-result="error"' in body
    assert "Ollama is not reachable" in body and ollama_down in body
    assert "retrieval-only mode" in body


def test_connection_test_refuses_endpoints_that_are_not_allowed(client, admin, fake_ollama):
    response = signed_in(client, admin).post(
        TEST, {"endpoint": "http://elsewhere.example:11434"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "The connection test failed" in body and "not allowed" in body
    assert [r.path for r in fake_ollama.requests] == []


def test_connection_test_without_javascript_renders_the_page(client, admin, fake_ollama):
    response = signed_in(client, admin).post(TEST, {"endpoint": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1" in body and "Connected to Ollama 0.6.5" in body


def test_save_the_default_endpoint_and_model(client, admin, org, fake_ollama):
    org.allowed_outbound_hosts = ["127.0.0.1"]
    org.save()
    other = fake_ollama.url.replace("127.0.0.1", "localhost")
    response = signed_in(client, admin).post(PAGE, {"endpoint": other, "model": "llama3.2"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.ollama_endpoint == other and org.ollama_model == "llama3.2"
    assert other in org.ollama_endpoints  # naming it allows it
    body = client.get(PAGE).content.decode()
    assert "the server default" not in body and other in body


def test_invalid_settings_show_errors_and_change_nothing(client, admin, org, fake_ollama):
    signed_in(client, admin)
    response = client.post(PAGE, {"endpoint": "ftp://files.example", "model": "llama3.2"})
    assert response.status_code == 400 and response.context["form"].errors["endpoint"]
    response = client.post(PAGE, {"endpoint": "", "model": "bad model name!"})
    assert response.status_code == 400 and response.context["form"].errors["model"]
    # an internal address needs the organization's allow-list first
    response = client.post(PAGE, {"endpoint": "http://10.9.9.9:11434", "model": ""})
    assert response.status_code == 400 and response.context["form"].errors["endpoint"]
    org.refresh_from_db()
    assert org.ollama_endpoint == "" and org.ollama_model == "" and org.ollama_endpoints == []


def test_agents_can_neither_see_nor_change_the_provider(client, agent, org, fake_ollama):
    signed_in(client, agent)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"endpoint": "http://10.0.0.1:11434", "model": "x"}).status_code == 403
    assert client.post(TEST, {"endpoint": ""}).status_code == 403
    org.refresh_from_db()
    assert org.ollama_endpoint == "" and org.ollama_model == ""
    assert [r.path for r in fake_ollama.requests] == []
