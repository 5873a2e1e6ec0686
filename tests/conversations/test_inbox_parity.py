"""The inbox settings page and ``/api/v1/inboxes`` save through the same services: the same
settings give the same inbox, and an email inbox without its address is refused by both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conversations.models import Inbox

COMPARED = ("channel", "email", "enabled")


def test_page_and_api_create_the_same_inbox(ui_as, admin, admin_api, org):
    settings = {"channel": "email", "email": "Support@Acme.TEST"}
    api = admin_api.post("/api/v1/inboxes", {"name": "By API", **settings, "enabled": False}, format="json")
    page = ui_as(admin).post(reverse("conversations:settings-inbox-create"), {"name": "By page", **settings})

    assert api.status_code == 201, api.content
    assert page.status_code == 302
    by_api, by_page = Inbox.objects.get(name="By API"), Inbox.objects.get(name="By page")
    assert {name: getattr(by_api, name) for name in COMPARED} == {
        "channel": "email",
        "email": "support@acme.test",
        "enabled": False,
    }
    assert {name: getattr(by_page, name) for name in COMPARED} == {
        **settings,
        "email": "support@acme.test",
        "enabled": False,
    }


@pytest.mark.parametrize("via", ["api", "ui"])
def test_an_email_inbox_needs_its_address(via, ui_as, admin, admin_api, org):
    inbox = Inbox.objects.create(organization=org, name="Web", channel="web")
    if via == "api":
        response = admin_api.patch(f"/api/v1/inboxes/{inbox.pk}", {"channel": "email"}, format="json")
        assert response.status_code == 400
        assert "email" in response.json()["fields"]
    else:
        response = ui_as(admin).post(
            reverse("conversations:settings-inbox", args=[inbox.pk]), {"name": "Web", "channel": "email"}
        )
        assert response.status_code == 400
        assert "needs its email address" in response.context["form"].errors["email"][0]
    inbox.refresh_from_db()
    assert inbox.channel == "web"
