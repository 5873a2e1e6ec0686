"""The Website domains settings page: admins bind a site, copy its snippet and set its widget;
agents get 403; another organization's domain answers 404."""

import pytest
from django.urls import reverse

from conversations.models import Domain
from conversations.services.domains import domain_bind
from helpdesk.models import Plan


@pytest.fixture
def as_member(client):
    def sign_in(membership):
        client.force_login(membership.user)
        session = client.session
        session["organization_id"] = membership.organization_id
        session.save()
        return client

    return sign_in


def test_an_admin_binds_a_domain_and_sees_its_snippet(as_member, admin):
    client = as_member(admin)

    response = client.post(
        reverse("conversations:settings-domains"),
        {"website_url": "https://shop.example.com", "label": "Shop"},
    )

    domain = Domain.objects.get(organization=admin.organization)
    assert response.status_code == 302 and response["Location"] == reverse(
        "conversations:settings-domain", args=[domain.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert (
        domain.website_token in page and "nova-widget-sdk-v2.js" in page and "window.novaChatSettings" in page
    )
    assert "data-preview" in page
    listing = client.get(reverse("conversations:settings-domains")).content.decode()
    assert "Shop" in listing and "https://shop.example.com" in listing


def test_an_admin_changes_the_widget(as_member, admin):
    domain = domain_bind(
        organization=admin.organization, website_url="https://shop.example.com", label="Shop"
    )
    client = as_member(admin)

    response = client.post(
        reverse("conversations:settings-domain", args=[domain.pk]),
        {
            "label": "Shop EU",
            "color": "#112233",
            "position": "bottom_left",
            "greeting": "Hello!",
            "launcher_text": "Help",
            "allowed_origins": "https://shop.example.com\nhttps://eu.shop.example.com/",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    domain.refresh_from_db()
    assert domain.label == "Shop EU" and domain.inbox.name == "Shop EU" and domain.color == "#112233"
    assert domain.allowed_origins == ["https://shop.example.com", "https://eu.shop.example.com"]
    bad = client.post(
        reverse("conversations:settings-domain", args=[domain.pk]),
        {"label": "X", "color": "blue", "position": "bottom_left", "greeting": "g", "launcher_text": "t"},
    )
    assert bad.status_code == 400
    domain.refresh_from_db()
    assert domain.label == "Shop EU"


def test_the_plan_limit_shows_on_the_form(as_member, admin):
    organization = admin.organization
    organization.plan = Plan.STARTER
    organization.apply_plan_limits()
    organization.save()
    domain_bind(organization=organization, website_url="https://a.example.com")
    client = as_member(admin)

    response = client.post(
        reverse("conversations:settings-domains"), {"website_url": "https://b.example.com"}
    )

    assert response.status_code == 400 and "at most 1" in response.content.decode()
    assert Domain.objects.filter(organization=organization).count() == 1


def test_agents_cannot_manage_domains_and_other_organizations_are_404(as_member, agent, other_org):
    other = domain_bind(organization=other_org, website_url="https://globex.example.com")
    client = as_member(agent)
    assert client.get(reverse("conversations:settings-domains")).status_code == 403
    assert (
        client.post(
            reverse("conversations:settings-domains"), {"website_url": "https://x.example.com"}
        ).status_code
        == 403
    )
    assert Domain.objects.count() == 1
    assert other.pk


def test_another_organizations_domain_page_is_404(as_member, admin, other_org):
    other = domain_bind(organization=other_org, website_url="https://globex.example.com")
    assert as_member(admin).get(reverse("conversations:settings-domain", args=[other.pk])).status_code == 404
