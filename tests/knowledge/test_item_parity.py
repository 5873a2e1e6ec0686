"""The item page and ``/api/v1/knowledge_base/items/{id}`` change an item through the same service
(``kb_item_update``): the same changes give the same item, and a blank or too long title is
refused by both with nothing changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from knowledge.models import KnowledgeItem
from knowledge.services.kb_items import TITLE_MAX

CHANGES = {"title": "  How do I reset it? ", "content": "Hold the button.", "category": "Widgets"}
COMPARED = ("title", "content", "category", "tags", "verified")


def _item(org, title):
    return KnowledgeItem.objects.create(organization=org, title=title, content="Old answer.")


def _stored(item) -> dict:
    item.refresh_from_db()
    return {name: getattr(item, name) for name in COMPARED}


def test_page_and_api_change_an_item_the_same_way(ui_as, admin, admin_api, org):
    by_api, by_page = _item(org, "One"), _item(org, "Two")
    api = admin_api.patch(
        f"/api/v1/knowledge_base/items/{by_api.pk}",
        {**CHANGES, "tags": ["reset", "reset", "widget"], "verified": True},
        format="json",
    )
    page = ui_as(admin).post(
        reverse("knowledge:item", args=[by_page.pk]),
        {**CHANGES, "tags": "reset, reset, widget", "verified": "on"},
    )

    assert api.status_code == 200, api.content
    assert page.status_code == 302
    assert (
        _stored(by_api)
        == _stored(by_page)
        == {
            "title": "How do I reset it?",
            "content": "Hold the button.",
            "category": "Widgets",
            "tags": ["reset", "widget"],
            "verified": True,
        }
    )


@pytest.mark.parametrize("via", ["api", "ui"])
@pytest.mark.parametrize("title", ["", "x" * (TITLE_MAX + 1)])
def test_a_bad_title_changes_nothing(via, title, ui_as, admin, admin_api, org):
    item = _item(org, "One")
    before = _stored(item)
    if via == "api":
        response = admin_api.patch(f"/api/v1/knowledge_base/items/{item.pk}", {"title": title}, format="json")
        assert response.status_code == 400 and "title" in response.json()["fields"]
    else:
        response = ui_as(admin).post(reverse("knowledge:item", args=[item.pk]), {**CHANGES, "title": title})
        assert response.status_code == 400 and "title" in response.context["form"].errors
    assert _stored(item) == before
