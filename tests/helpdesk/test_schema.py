"""The OpenAPI schema validates without warnings, is served, and lists the foundation endpoints."""

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

FOUNDATION_PATHS = {
    "/api/v1/accounts": {"post"},
    "/api/v1/auth/login": {"post"},
    "/api/v1/account/status": {"get"},
    "/api/v1/account/settings": {"get", "patch"},
    "/api/v1/api-keys": {"get", "post"},
    "/api/v1/api-keys/{id}": {"get", "delete"},
    "/api/v1/agents": {"get", "post"},
    "/api/v1/agents/{id}": {"get", "put", "patch", "delete"},
    "/api/v1/agents/me": {"get"},
    "/api/v1/agents/me/availability": {"put"},
    "/api/v1/agents/{id}/api-key": {"post", "delete"},
    "/api/v1/teams": {"get", "post"},
    "/api/v1/teams/{id}": {"get", "put", "patch", "delete"},
    "/api/v1/operations/{id}": {"get"},
    "/api/v1/health": {"get"},
    "/health": {"get"},
}


def test_schema_validates_without_warnings(tmp_path, db):
    # --fail-on-warn turns any warning or error of drf-spectacular into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert "/api/v1/agents" in yaml.safe_load((tmp_path / "schema.yaml").read_text())["paths"]


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    target = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--file", str(target))
    return yaml.safe_load(target.read_text())


@pytest.mark.parametrize("path", sorted(FOUNDATION_PATHS))
def test_foundation_endpoint_is_documented(schema, path):
    assert path in schema["paths"], sorted(schema["paths"])
    assert FOUNDATION_PATHS[path] <= set(schema["paths"][path])


def test_paths_are_documented_without_trailing_slash(schema):
    assert not [path for path in schema["paths"] if path.endswith("/") and path != "/"]


def test_every_auth_scheme_is_documented(schema):
    schemes = schema["components"]["securitySchemes"]

    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["basicAuth"]["scheme"] == "basic"
    assert schemes["tokenAuth"]["in"] == "header" and schemes["tokenAuth"]["name"] == "Authorization"
    assert schemes["sessionAuth"]["in"] == "cookie"
    agents = schema["paths"]["/api/v1/agents"]["get"]
    assert {name for requirement in agents["security"] for name in requirement} >= {
        "bearerAuth",
        "tokenAuth",
        "basicAuth",
        "sessionAuth",
    }


def test_public_endpoints_need_no_credentials(schema):
    assert not schema.get("security")  # no global requirement: an operation without one is public
    for path, method in [("/api/v1/accounts", "post"), ("/api/v1/auth/login", "post"), ("/health", "get")]:
        assert schema["paths"][path][method].get("security") in (None, [], [{}])


def test_lists_document_pagination(schema):
    operation = schema["paths"]["/api/v1/agents"]["get"]
    parameters = {parameter["name"] for parameter in operation["parameters"]}

    assert {"page", "per_page", "page_size", "order_by"} <= parameters
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    paginated = schema["components"]["schemas"][response["$ref"].rsplit("/", 1)[1]]
    assert set(paginated["required"]) == {"count", "page", "per_page", "total_pages", "results"}


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_are_served(db, url):
    response = APIClient().get(url)

    assert response.status_code == 200


def test_served_schema_is_the_openapi_document(db):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    body = response.json()
    assert body["openapi"].startswith("3.") and "/api/v1/agents" in body["paths"]


def test_every_operation_documents_the_error_shape(schema):
    missing = [
        (path, method, status)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        for status in ("400", "401", "403", "404")
        + (("409",) if method in ("post", "put", "patch", "delete") else ())
        if status not in operation["responses"]
    ]

    assert not missing
    assert schema["components"]["schemas"]["Error"]["required"] == ["error", "code", "fields"]


def test_nullable_fields_are_marked_nullable(schema):
    components = schema["components"]["schemas"]

    assert components["ConversationList"]["properties"]["next_sla_deadline_at"].get("nullable") is True
    assert components["Document"]["properties"]["source_url"].get("nullable") is True


def test_item_import_answers_an_array_not_a_page(schema):
    created = schema["paths"]["/api/v1/knowledge_base/items/import"]["post"]["responses"]["201"]

    assert created["content"]["application/json"]["schema"]["type"] == "array"


def test_uploaded_document_has_no_source_url(admin_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_api.post(
        "/api/v1/documents",
        {"file": SimpleUploadedFile("notes.txt", b"Refunds take 14 days.", content_type="text/plain")},
        format="multipart",
    )

    assert response.status_code in (201, 202), response.content
    assert response.json()["source_url"] is None


def test_agent_invite_is_documented_without_a_password(schema):
    """POST agents mails a one-time link: the answer holds no password, the new member shows
    ``invitation_pending``, and Libredesk's ``new_password`` is documented as ignored."""
    components = schema["components"]["schemas"]
    agent, write = components["Agent"]["properties"], components["AgentWriteRequest"]["properties"]

    assert "invitation_pending" in agent and not any("password" in name for name in agent)
    assert "password" not in write and "ignored" in write["new_password"]["description"]
