"""``ai/provider``: reading, changing and testing the organization's Ollama provider, and health."""

import pytest
from rest_framework.test import APIClient

from helpdesk import ollama
from helpdesk.errors import DomainError

URL = "/api/v1/ai/provider"
TEST_URL = "/api/v1/ai/provider/test"


@pytest.fixture
def loopback_allowed(org):
    org.allowed_outbound_hosts = ["127.0.0.1"]
    org.save(update_fields=["allowed_outbound_hosts"])
    return org


def _provider_fields(organization):
    organization.refresh_from_db()
    return organization.ollama_endpoints, organization.ollama_endpoint, organization.ollama_model


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, URL + "/"])
def test_any_member_reads_the_provider_with_server_defaults(agent_api, settings, url):
    settings.OLLAMA_HOST = "http://ollama.example:11434"
    settings.OLLAMA_MODEL = "llama3.2"
    settings.EMBEDDING_BACKEND, settings.EMBEDDING_MODEL = "local", "all-MiniLM-L6-v2"

    response = agent_api.get(url)

    assert response.status_code == 200, response.content
    assert response.json() == {
        "provider": "ollama",
        "endpoint": "http://ollama.example:11434",
        "model": "llama3.2",
        "uses_server_default": True,
        "endpoints": ["http://ollama.example:11434"],
        "server_default": {"endpoint": "http://ollama.example:11434", "model": "llama3.2"},
        "embedding": {"backend": "local", "model": "all-MiniLM-L6-v2"},
    }


def test_reading_needs_a_credential():
    assert APIClient().get(URL).status_code == 401


# --- changing --------------------------------------------------------------------------------


def test_admin_sets_endpoint_and_model_and_the_endpoint_becomes_allowed(admin_api, org, loopback_allowed):
    response = admin_api.put(
        URL,
        {"provider": "ollama", "endpoint": "http://127.0.0.1:11500/", "model": "qwen2.5:7b"},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["endpoint"] == "http://127.0.0.1:11500"
    assert body["model"] == "qwen2.5:7b"
    assert body["uses_server_default"] is False
    assert "http://127.0.0.1:11500" in body["endpoints"]
    assert _provider_fields(org) == (["http://127.0.0.1:11500"], "http://127.0.0.1:11500", "qwen2.5:7b")
    assert ollama.resolve_endpoint(org) == "http://127.0.0.1:11500"
    assert ollama.default_model(org) == "qwen2.5:7b"


def test_setting_a_listed_endpoint_again_does_not_duplicate_it(admin_api, org, loopback_allowed):
    org.ollama_endpoints = ["http://127.0.0.1:11500"]
    org.save(update_fields=["ollama_endpoints"])

    response = admin_api.put(
        URL, {"provider": "ollama", "endpoint": "HTTP://127.0.0.1:11500", "model": "llama3.2"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert _provider_fields(org)[0] == ["http://127.0.0.1:11500"]


def test_blank_or_server_endpoint_means_the_server_default(admin_api, org, settings):
    settings.OLLAMA_HOST = "http://ollama.example:11434"
    org.ollama_endpoint, org.ollama_model = "https://gpu.example", "qwen2.5:7b"
    org.save(update_fields=["ollama_endpoint", "ollama_model"])

    response = admin_api.put(
        URL, {"provider": "ollama", "endpoint": "http://ollama.example:11434/", "model": ""}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["uses_server_default"] is True
    assert _provider_fields(org)[1:] == ("", "")


def test_patch_changes_only_the_model(admin_api, org, loopback_allowed):
    org.ollama_endpoints, org.ollama_endpoint = ["http://127.0.0.1:11500"], "http://127.0.0.1:11500"
    org.save(update_fields=["ollama_endpoints", "ollama_endpoint"])

    response = admin_api.patch(URL, {"provider": "ollama", "model": "mistral"}, format="json")

    assert response.status_code == 200, response.content
    assert _provider_fields(org) == (["http://127.0.0.1:11500"], "http://127.0.0.1:11500", "mistral")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"provider": "openai", "endpoint": "https://api.openai.com", "model": "gpt-4o"}, "provider"),
        ({"endpoint": "https://gpu.example", "model": "llama3.2"}, "provider"),
        ({"provider": "ollama", "model": "llama3.2"}, "endpoint"),
        ({"provider": "ollama", "endpoint": "ftp://gpu.example", "model": "llama3.2"}, "endpoint"),
        ({"provider": "ollama", "endpoint": "http://u:p@gpu.example", "model": "llama3.2"}, "endpoint"),
        ({"provider": "ollama", "endpoint": "http://169.254.169.254", "model": "llama3.2"}, "endpoint"),
        ({"provider": "ollama", "endpoint": "http://10.0.0.5:11434", "model": "llama3.2"}, "endpoint"),
        ({"provider": "ollama", "endpoint": "https://gpu.example", "model": "bad model!"}, "model"),
        ({"provider": "ollama", "endpoint": "x" * 301, "model": "llama3.2"}, "endpoint"),
    ],
)
def test_invalid_changes_are_refused_and_change_nothing(admin_api, org, payload, field):
    before = _provider_fields(org)

    response = admin_api.put(URL, payload, format="json")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert _provider_fields(org) == before


def test_an_endpoint_that_does_not_resolve_is_refused_as_unavailable(admin_api, org):
    before = _provider_fields(org)

    response = admin_api.put(
        URL,
        {"provider": "ollama", "endpoint": "http://ollama.invalid:11434", "model": "llama3.2"},
        format="json",
    )

    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert _provider_fields(org) == before


def test_agents_cannot_change_the_provider(agent_api, org):
    before = _provider_fields(org)

    response = agent_api.put(URL, {"provider": "ollama", "endpoint": "", "model": "mistral"}, format="json")

    assert response.status_code == 403
    assert _provider_fields(org) == before


def test_an_admin_key_without_admin_permission_cannot_change_it(api_for, admin, org):
    before = _provider_fields(org)
    client = api_for(admin, ["read", "write"])

    response = client.put(URL, {"provider": "ollama", "endpoint": "", "model": "mistral"}, format="json")

    assert response.status_code == 403
    assert _provider_fields(org) == before


def test_one_organizations_provider_never_affects_another(
    admin_api, other_api, org, other_org, loopback_allowed
):
    other_before = _provider_fields(other_org)

    admin_api.put(
        URL, {"provider": "ollama", "endpoint": "http://127.0.0.1:11500", "model": "qwen2.5"}, format="json"
    )
    other_view = other_api.get(URL).json()

    assert _provider_fields(other_org) == other_before
    assert other_view["uses_server_default"] is True
    assert "http://127.0.0.1:11500" not in other_view["endpoints"]
    with pytest.raises(DomainError):
        ollama.resolve_endpoint(other_org, "http://127.0.0.1:11500")


# --- connection test -------------------------------------------------------------------------


def test_connection_test_lists_the_models_of_the_endpoint_in_use(admin_api, fake_ollama):
    response = admin_api.post(TEST_URL, {}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] is True
    assert body["endpoint"] == fake_ollama.url
    assert body["version"] == "0.6.5"
    assert [model["name"] for model in body["models"]] == ["llama3.2:latest", "nomic-embed-text:latest"]
    assert fake_ollama.paths() == ["/api/version", "/api/tags"]


def test_connection_test_of_an_allowed_endpoint(admin_api, org, loopback_allowed, fake_ollama):
    endpoint = fake_ollama.url.replace("127.0.0.1", "localhost")
    org.ollama_endpoints = [endpoint]
    org.allowed_outbound_hosts = ["127.0.0.1", "::1", "localhost"]
    org.save(update_fields=["ollama_endpoints", "allowed_outbound_hosts"])
    fake_ollama.models = {"llama3.2", "phi3:mini"}

    response = admin_api.post(TEST_URL, {"endpoint": endpoint}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["endpoint"] == endpoint
    assert [model["name"] for model in response.json()["models"]] == ["llama3.2:latest", "phi3:mini"]


def test_connection_test_refuses_an_endpoint_not_allowed_without_calling_it(admin_api, fake_ollama):
    other = fake_ollama.url.replace("127.0.0.1", "localhost")

    response = admin_api.post(TEST_URL, {"endpoint": other}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert fake_ollama.requests == []


def test_connection_test_reports_an_unreachable_ollama_as_503(admin_api, ollama_down):
    response = admin_api.post(TEST_URL, {}, format="json")

    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "unavailable"
    assert ollama_down in body["error"]


def test_connection_test_reports_an_ollama_error_as_502(admin_api, fake_ollama):
    fake_ollama.fail_with = 500

    response = admin_api.post(TEST_URL, {}, format="json")

    assert response.status_code == 502
    assert response.json()["code"] == "bad_gateway"
    assert set(response.json()) == {"error", "code", "fields"}


def test_agents_cannot_run_the_connection_test(agent_api, fake_ollama):
    response = agent_api.post(TEST_URL, {}, format="json")

    assert response.status_code == 403
    assert fake_ollama.requests == []


# --- health ----------------------------------------------------------------------------------


def test_health_shows_ollama_up_with_its_version(fake_ollama, db):
    ollama_check = APIClient().get("/api/v1/health").json()["checks"]["ollama"]

    assert ollama_check["status"] == "up"
    assert ollama_check["detail"] == "0.6.5"


def test_health_shows_ollama_down_when_unreachable(ollama_down, db):
    response = APIClient().get("/api/v1/health")

    assert response.status_code == 200
    assert response.json()["checks"]["ollama"]["status"] == "down"
