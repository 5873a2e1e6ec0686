"""The UI shell: sign in by email, password reset, organization switcher, home and navigation."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from helpdesk import navigation
from helpdesk.models import Role
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, OrganizationFactory


@pytest.fixture
def signed_in(client):
    """``signed_in(membership)`` → the test client with a session acting in that organization."""

    def sign_in(membership):
        client.force_login(membership.user)
        session = client.session
        session["organization_id"] = membership.organization_id
        session.save()
        return client

    return sign_in


def test_login_page_renders_the_form(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'type="email"' in body
    assert reverse("password_reset") in body


def test_login_by_email_any_case(client, admin):
    response = client.post("/login/", {"username": "ADMIN@acme.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(admin.user.pk)
    assert client.session["organization_id"] == admin.organization_id


def test_wrong_password_shows_an_inline_error(client, admin):
    response = client.post("/login/", {"username": "admin@acme.test", "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "Wrong email or password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_member_disabled_everywhere_cannot_log_in(client, agent):
    agent.is_active = False
    agent.save()
    response = client.post("/login/", {"username": "agent@acme.test", "password": PASSWORD})
    assert response.status_code == 200
    assert "disabled" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_disabled_membership_is_skipped_at_login(client, agent, other_org):
    agent.is_active = False
    agent.save()
    MembershipFactory(organization=other_org, user=agent.user, role=Role.AGENT)
    client.post("/login/", {"username": "agent@acme.test", "password": PASSWORD})
    assert client.session["organization_id"] == other_org.pk
    page = client.get(reverse("settings:agents"))
    assert page.status_code == 200
    assert "Globex" in page.content.decode()


def test_logout_is_a_post(signed_in, admin):
    client = signed_in(admin)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")
    assert client.get(reverse("settings:agents")).url.startswith("/login/")


def test_password_reset_flow(client, agent):
    response = client.post(reverse("password_reset"), {"email": "agent@acme.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert 'name="new_password1"' in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret-42", "new_password2": "a-brand-new-secret-42"},
    )
    assert done.status_code == 302
    agent.user.refresh_from_db()
    assert agent.user.check_password("a-brand-new-secret-42")


def test_password_reset_for_unknown_email_sends_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@nowhere.test"})
    assert response.status_code == 302  # same answer: no account enumeration
    assert mail.outbox == []


# ---------- organization switcher ----------


def test_switcher_lists_only_active_memberships(signed_in, admin, other_org):
    third = OrganizationFactory(name="Initech")
    MembershipFactory(organization=other_org, user=admin.user, role=Role.AGENT)
    MembershipFactory(organization=third, user=admin.user, role=Role.AGENT, is_active=False)
    body = signed_in(admin).get(reverse("settings:profile")).content.decode()
    assert "data-org-switcher" in body
    assert "Globex" in body
    assert "Initech" not in body


def test_switching_to_my_other_organization(signed_in, admin, other_org):
    MembershipFactory(organization=other_org, user=admin.user, role=Role.AGENT)
    client = signed_in(admin)
    response = client.post(
        reverse("switch-organization"), {"organization_id": other_org.pk, "next": reverse("settings:teams")}
    )
    assert response.status_code == 302
    assert response.url == reverse("settings:teams")
    assert client.session["organization_id"] == other_org.pk
    # now acting as an agent of Globex: its admin pages are closed
    assert client.get(reverse("settings:api-keys")).status_code == 403


def test_switcher_refuses_an_organization_i_am_not_in(signed_in, admin, other_org):
    client = signed_in(admin)
    response = client.post(reverse("switch-organization"), {"organization_id": other_org.pk})
    assert response.status_code == 404
    assert client.session["organization_id"] == admin.organization_id


def test_switcher_refuses_a_disabled_membership(signed_in, admin, other_org):
    MembershipFactory(organization=other_org, user=admin.user, is_active=False)
    client = signed_in(admin)
    assert client.post(reverse("switch-organization"), {"organization_id": other_org.pk}).status_code == 404
    assert client.session["organization_id"] == admin.organization_id


def test_switcher_does_not_follow_an_external_next(signed_in, admin, other_org):
    MembershipFactory(organization=other_org, user=admin.user)
    response = signed_in(admin).post(
        reverse("switch-organization"), {"organization_id": other_org.pk, "next": "https://evil.test/"}
    )
    assert response.url == reverse("home")


# ---------- home and navigation ----------


@pytest.fixture
def registry_snapshot():
    """Restore the navigation registry after a test that registers entries."""
    items, pages = dict(navigation._nav_items), dict(navigation._settings_pages)
    yield
    navigation._nav_items.clear()
    navigation._nav_items.update(items)
    navigation._settings_pages.clear()
    navigation._settings_pages.update(pages)


def test_home_without_areas_shows_getting_started(signed_in, admin, registry_snapshot):
    for item in navigation.nav_items():
        if item.landing:
            navigation.unregister(item.key)
    response = signed_in(admin).get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Get your helpdesk ready" in body
    assert reverse("settings:agents") in body


def test_home_redirects_to_the_first_registered_area(signed_in, agent, registry_snapshot):
    navigation.register_nav_item("zz-first", "First area", "settings:teams", order=-100, icon="inbox")
    response = signed_in(agent).get("/")
    assert response.status_code == 302
    assert response.url == reverse("settings:teams")


def test_top_navigation_shows_only_registered_areas(signed_in, admin, registry_snapshot):
    client = signed_in(admin)
    assert "Test area" not in client.get(reverse("settings:profile")).content.decode()
    navigation.register_nav_item("test-area", "Test area", "settings:teams", order=500, shortcut="g t")
    body = client.get(reverse("settings:profile")).content.decode()
    assert "Test area" in body
    assert 'data-shortcut="g t"' in body


def test_navigation_hides_entries_above_my_role_or_without_a_route(signed_in, agent, registry_snapshot):
    navigation.register_nav_item("admin-only", "Admin area", "settings:teams", order=500, min_role="admin")
    navigation.register_nav_item("broken", "Broken area", "no-such-route", order=501)
    body = signed_in(agent).get(reverse("settings:profile")).content.decode()
    assert "Admin area" not in body
    assert "Broken area" not in body


def test_settings_subnavigation_is_built_from_the_registry(signed_in, admin, registry_snapshot):
    navigation.register_settings_page("extra", "Extra page", "settings:teams", 700, section="Knowledge")
    body = signed_in(admin).get(reverse("settings:profile")).content.decode()
    assert "Knowledge" in body and "Extra page" in body


def test_settings_index_opens_the_first_page_i_may_see(signed_in, admin, agent):
    assert signed_in(admin).get("/settings/").url == reverse("settings:organization")


def test_agent_settings_index_skips_admin_pages(signed_in, agent):
    assert signed_in(agent).get("/settings/").url == reverse("settings:agents")


def test_user_without_an_active_organization_gets_a_clear_page(client, agent):
    client.force_login(agent.user)
    agent.is_active = False
    agent.save()
    response = client.get(reverse("settings:agents"))
    assert response.status_code == 403
    assert "not in an active organization" in response.content.decode()


def test_unknown_page_uses_the_styled_404(signed_in, admin):
    response = signed_in(admin).get("/settings/teams/999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_user_without_any_membership_is_told_why(client, db):
    from helpdesk.models import User

    User.objects.create_user(email="loner@acme.test", password=PASSWORD)
    response = client.post("/login/", {"username": "loner@acme.test", "password": PASSWORD})
    assert response.status_code == 200
    assert "does not belong to any organization" in response.content.decode()
    assert "_auth_user_id" not in client.session
