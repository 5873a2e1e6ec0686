"""AI prompts: the serializer checks the shape (key pattern, lengths, required fields on create),
the typed services the business rules (unique key, a built-in keeps its key)."""

from __future__ import annotations

import pytest

from chatbots.models import AIPrompt
from chatbots.services.assist import PROMPT_TITLE_MAX

URL = "/api/v1/ai/prompts"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key": "Not a key!", "title": "T", "content": "C"}, "key"),
        ({"key": "ok", "title": "", "content": "C"}, "title"),
        ({"key": "ok", "title": "x" * (PROMPT_TITLE_MAX + 1), "content": "C"}, "title"),
        ({"key": "ok", "title": "T"}, "content"),
    ],
)
def test_malformed_prompts_are_refused_on_their_field(body, field, admin_api, fake_ollama):
    response = admin_api.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not AIPrompt.objects.filter(key="ok").exists()


def test_a_key_is_stored_lower_case_and_a_patch_changes_only_what_is_given(admin_api, fake_ollama):
    created = admin_api.post(
        URL, {"key": " Sorry ", "title": " Apologize ", "content": "Add one."}, format="json"
    )
    assert created.status_code == 201, created.content
    assert (created.json()["key"], created.json()["title"]) == ("sorry", "Apologize")
    patched = admin_api.patch(f"{URL}/{created.json()['id']}", {"content": "Add a short one."}, format="json")
    assert (patched.json()["title"], patched.json()["content"]) == ("Apologize", "Add a short one.")


def test_a_builtin_prompt_keeps_its_key(admin_api, fake_ollama):
    admin_api.get(URL)  # the built-ins exist
    builtin = AIPrompt.objects.get(key="shorten")
    response = admin_api.patch(f"{URL}/{builtin.pk}", {"key": "brief"}, format="json")
    assert response.status_code == 400 and "key" in response.json()["fields"]
    builtin.refresh_from_db()
    assert builtin.key == "shorten"
