"""UI pages send a Content-Security-Policy that forbids inline scripts, eval and framing, and the
templates need neither (no inline <script>, no on* handlers, no htmx js: expressions or trigger
filters); JSON, downloads and the API docs keep their own policies."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize("path", ["/login/", "/inbox/", "/knowledge/", "/settings/agents/"])
def test_ui_pages_send_a_strict_policy(client, admin, path):
    client.force_login(admin.user)

    response = client.get(path, follow=True)

    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


def test_error_pages_send_it_too(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404 and "script-src 'self'" in response["Content-Security-Policy"]


def test_json_answers_get_no_page_policy(admin_api):
    response = admin_api.get("/api/v1/agents/me")

    assert response["Content-Type"].startswith("application/json")
    assert "Content-Security-Policy" not in response


def test_api_docs_get_their_own_policy(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert directives(response)["script-src"] == "'self' 'unsafe-inline'"
    assert directives(response)["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_api_docs_load_nothing_from_another_host(client, url):
    """Swagger UI and ReDoc come from the project's static files (an offline server shows them)."""
    page = client.get(url).content.decode()

    assert "/static/drf_spectacular_sidecar/" in page
    assert not re.findall(r"""(?:src|href)=["']https?://""", page)


def test_a_response_with_its_own_policy_keeps_it(admin_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    media = admin_api.post(
        "/api/v1/media", {"files": SimpleUploadedFile("notes.txt", b"plain notes")}, format="multipart"
    ).json()

    download = admin_api.get(media["url"])

    assert "sandbox" in download["Content-Security-Policy"]


def test_templates_have_no_inline_scripts_or_handlers():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    needs_eval = re.compile(r"js:|hx-on|hx-trigger=\"[^\"]*\[", re.I)
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for pattern in (inline_script, handler, needs_eval):
            if pattern.search(text):
                offenders.append(f"{template.relative_to(TEMPLATES)}: {pattern.pattern}")

    assert offenders == []
