"""The webhook settings page and ``/api/v1/webhooks`` save through the same services: the same
settings give the same subscription, and a short secret or an internal address that is not
allow-listed is refused by both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpdesk.models import Webhook

EVENTS = ["ticket.created", "ticket.updated"]


def test_page_and_api_create_the_same_webhook(ui_as, admin, admin_api, loopback_allowed, webhook_receiver):
    settings = {"url": webhook_receiver.url, "events": EVENTS, "secret": "a-long-enough-secret"}
    api = admin_api.post("/api/v1/webhooks", {**settings, "description": " By API "}, format="json")
    page = ui_as(admin).post(
        reverse("settings:webhook-create"), {**settings, "description": " By page ", "is_active": "on"}
    )

    assert api.status_code == 201, api.content
    assert page.status_code == 302
    by_api, by_page = Webhook.objects.get(description="By API"), Webhook.objects.get(description="By page")
    for webhook in (by_api, by_page):
        assert (webhook.url, webhook.events, webhook.secret, webhook.is_active) == (
            webhook_receiver.url,
            EVENTS,
            "a-long-enough-secret",
            True,
        )


@pytest.mark.parametrize("via", ["api", "ui"])
@pytest.mark.parametrize(
    ("change", "field"),
    [({"secret": "short"}, "secret"), ({"url": "http://10.0.0.7/hook"}, "url")],
)
def test_refusals_change_nothing(via, change, field, ui_as, admin, admin_api, org):
    webhook = Webhook.objects.create(
        organization=org, url="https://hooks.example.com/in", events=EVENTS, secret="the-current-secret"
    )
    if via == "api":
        response = admin_api.patch(f"/api/v1/webhooks/{webhook.pk}", change, format="json")
        assert response.status_code == 400
        assert field in response.json()["fields"]
    else:
        data = {"url": webhook.url, "events": EVENTS, "is_active": "on", **change}
        response = ui_as(admin).post(reverse("settings:webhook", args=[webhook.pk]), data)
        assert response.status_code == 400
        assert field in response.context["form"].errors
    webhook.refresh_from_db()
    assert (webhook.url, webhook.secret) == ("https://hooks.example.com/in", "the-current-secret")
