"""Django admin of the core models: every page renders for a superuser, secrets never show,
and the revoke action goes through the service."""

import pytest
from django.urls import reverse

from helpdesk.models import ApiKey, User, WebhookDelivery
from helpdesk.services import api_keys, operations
from helpdesk.services import webhooks as webhook_services
from tests.factories import TeamFactory

MODELS = ["organization", "user", "membership", "team", "apikey", "operation", "webhook", "webhookdelivery"]


@pytest.fixture
def superuser_client(client, db):
    user = User.objects.create_superuser(email="root@parley.test", password="root-password-1")
    client.force_login(user)
    return client


@pytest.fixture
def populated(admin, org, loopback_allowed, webhook_receiver):
    """One row of every core model, so change lists and change pages have something to show."""
    TeamFactory(organization=org, name="Support")
    api_key, full_key = api_keys.api_key_create(membership=admin, name="CI", permissions=["read"])
    operation = operations.operation_create(organization=org, kind="document.ingest", total=3)
    webhook = webhook_services.webhook_create(
        organization=org, url=webhook_receiver.url, events=["ticket.created"], secret="whsec-value-123"
    )
    delivery = WebhookDelivery.objects.create(organization=org, webhook=webhook, event="ticket.created")
    return {
        "api_key": api_key,
        "full_key": full_key,
        "operation": operation,
        "webhook": webhook,
        "delivery": delivery,
    }


@pytest.mark.parametrize("model", MODELS)
def test_changelist_renders(superuser_client, populated, model):
    response = superuser_client.get(reverse(f"admin:helpdesk_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_changelist_search_and_filters_work(superuser_client, populated, model):
    response = superuser_client.get(reverse(f"admin:helpdesk_{model}_changelist"), {"q": "acme"})
    assert response.status_code == 200


def test_change_pages_render(superuser_client, populated, admin, org):
    for model, pk in [
        ("organization", org.pk),
        ("user", admin.user.pk),
        ("membership", admin.pk),
        ("apikey", populated["api_key"].pk),
        ("operation", populated["operation"].pk),
        ("webhook", populated["webhook"].pk),
        ("webhookdelivery", populated["delivery"].pk),
    ]:
        response = superuser_client.get(reverse(f"admin:helpdesk_{model}_change", args=[pk]))
        assert response.status_code == 200, model


def test_user_add_page_uses_email(superuser_client):
    response = superuser_client.get(reverse("admin:helpdesk_user_add"))
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()
    created = superuser_client.post(
        reverse("admin:helpdesk_user_add"),
        {"email": "new@parley.test", "password1": "Sturdy-pass-991", "password2": "Sturdy-pass-991"},
    )
    assert created.status_code == 302
    assert User.objects.get(email="new@parley.test").check_password("Sturdy-pass-991")


def test_api_key_page_never_shows_the_secret(superuser_client, populated):
    api_key = populated["api_key"]
    body = superuser_client.get(reverse("admin:helpdesk_apikey_change", args=[api_key.pk])).content.decode()
    assert api_key.key_id in body
    assert api_key.secret_hash not in body
    assert populated["full_key"].split(".", 1)[1] not in body
    assert "secret_hash" not in body


def test_api_keys_cannot_be_added_in_the_admin(superuser_client):
    assert superuser_client.get(reverse("admin:helpdesk_apikey_add")).status_code == 403


def test_revoke_action_revokes_through_the_service(superuser_client, populated):
    api_key = populated["api_key"]
    response = superuser_client.post(
        reverse("admin:helpdesk_apikey_changelist"),
        {"action": "revoke_keys", "_selected_action": [api_key.pk]},
    )
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert not ApiKey.objects.get(pk=api_key.pk).is_usable


def test_webhook_page_hides_the_secret(superuser_client, populated):
    body = superuser_client.get(
        reverse("admin:helpdesk_webhook_change", args=[populated["webhook"].pk])
    ).content.decode()
    assert "whsec-value-123" not in body


def test_operations_and_deliveries_are_read_only(superuser_client, populated):
    operation = populated["operation"]
    response = superuser_client.post(
        reverse("admin:helpdesk_operation_change", args=[operation.pk]), {"kind": "changed"}
    )
    assert response.status_code == 403
    operation.refresh_from_db()
    assert operation.kind == "document.ingest"
    assert superuser_client.get(reverse("admin:helpdesk_webhookdelivery_add")).status_code == 403


def test_staff_without_superuser_is_kept_out_of_models(client, db):
    user = User.objects.create_user(email="staff@parley.test", password="x-password-1", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:helpdesk_apikey_changelist")).status_code == 403
