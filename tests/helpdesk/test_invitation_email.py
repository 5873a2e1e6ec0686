"""Inviting an agent mails a one-time link (no shared password): a new person chooses their
password there and is signed in; a person with an account accepts and joins. The link is signed,
expires, and is refused once used; the mail is read from Django's outbox."""

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from helpdesk.models import Invitation, Membership
from helpdesk.services import invitations
from helpdesk.services.agents import agent_invite
from tests.factories import TeamFactory

PASSWORD = "a-long-and-uncommon-passphrase"


@pytest.fixture
def invite(org, admin, mailoutbox, django_capture_on_commit_callbacks):
    """Invite ``email`` as the UI does; returns (membership or invitation, the link's path)."""

    def run(email: str, **kwargs):
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            invited = agent_invite(organization=org, email=email, actor=admin, **kwargs)
        assert len(mailoutbox) == before + 1
        message = mailoutbox[-1]
        assert message.to == [email.lower()] and org.name in message.subject
        path = _link_path(message)
        return invited, path

    return run


def test_a_new_person_sets_their_password_from_the_link_and_is_signed_in(invite, client, org):
    team = TeamFactory(organization=org)
    membership, path = invite("sam@acme.test", first_name="Sam", teams=[team])
    assert not membership.user.has_usable_password()

    page = client.get(path)
    assert page.status_code == 200 and "Set password and join" in page.content.decode()
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert response.status_code == 302 and response.url == reverse("home")
    membership.user.refresh_from_db()
    assert membership.user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(membership.user.pk)
    assert client.session["organization_id"] == org.pk
    assert list(membership.teams.all()) == [team]


def test_the_link_is_refused_once_used(invite, client):
    membership, path = invite("sam@acme.test")
    client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    client.logout()

    again = client.get(path)
    reused = client.post(
        path, {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"}
    )

    assert again.status_code == 404 and "cannot be used" in again.content.decode()
    assert reused.status_code == 404
    membership.user.refresh_from_db()
    assert membership.user.check_password(PASSWORD)


def test_a_weak_or_mismatched_password_is_refused_and_the_link_still_works(invite, client):
    membership, path = invite("sam@acme.test")

    weak = client.post(path, {"new_password1": "password", "new_password2": "password"})
    mismatch = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"})

    assert weak.status_code == 400 and mismatch.status_code == 400
    membership.user.refresh_from_db()
    assert not membership.user.has_usable_password()
    assert client.get(path).status_code == 200


def test_an_expired_or_tampered_link_is_refused(invite, client, settings, monkeypatch):
    membership, path = invite("sam@acme.test")
    assert client.get(path[:-3] + "xx/").status_code == 404
    assert client.get("/invitation/nonsense/").status_code == 404

    settings.INVITATION_LINK_MAX_AGE = 60
    later = invitations.new_member_tokens._now().timestamp() + 120
    monkeypatch.setattr(
        invitations.new_member_tokens, "_now", lambda: __import__("datetime").datetime.fromtimestamp(later)
    )
    assert client.get(path).status_code == 404
    membership.user.refresh_from_db()
    assert not membership.user.has_usable_password()


def test_a_person_with_an_account_joins_from_the_link(invite, client, org, other_admin):
    invitation, path = invite(other_admin.user.email, role="admin")
    assert isinstance(invitation, Invitation)

    page = client.get(path)
    assert page.status_code == 200 and f"Join {org.name}" in page.content.decode()
    response = client.post(path)

    assert response.status_code == 302 and response.url == reverse("login")
    assert Membership.objects.get(organization=org, user=other_admin.user).role == "admin"
    assert client.get(path).status_code == 404  # answered: the link is spent
    assert other_admin.user.check_password("x") is False  # their password was not touched


def test_an_expired_link_for_an_existing_user_is_refused(invite, client, org, other_admin, settings):
    invitation, path = invite(other_admin.user.email)
    settings.INVITATION_LINK_MAX_AGE = -1

    assert client.post(path).status_code == 404
    assert not Membership.objects.filter(organization=org, user=other_admin.user).exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_a_declined_invitation_is_not_mailed_and_its_link_is_spent(invite, client, other_admin):
    invitation, path = invite(other_admin.user.email)
    Invitation.objects.filter(pk=invitation.pk).update(status="declined")

    assert invitations.invitation_email_send(invitation_id=invitation.pk) is False
    assert client.get(path).status_code == 404


def _link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitation/\S+/)", message.body).group(1)


def test_the_api_invites_with_a_one_time_link_and_no_password(
    admin_api, org, mailoutbox, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(
            "/api/v1/agents",
            {"email": "Api@Acme.test", "first_name": "Ada", "new_password": "chosen-by-the-admin-1"},
            format="json",
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["invitation_pending"] is True and body["email"] == "api@acme.test"
    assert not any("password" in key for key in body)
    membership = Membership.objects.get(organization=org, user__email="api@acme.test")
    assert not membership.user.has_usable_password()
    assert not membership.user.check_password("chosen-by-the-admin-1")
    assert [message.to for message in mailoutbox] == [["api@acme.test"]]
    assert "chosen-by-the-admin-1" not in mailoutbox[0].body

    path = _link_path(mailoutbox[0])
    assert client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD}).status_code == 302
    assert admin_api.get(f"/api/v1/agents/{membership.pk}").json()["invitation_pending"] is False
    client.logout()
    again = {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"}
    assert client.post(path, again).status_code == 404  # the link works once
    membership.user.refresh_from_db()
    assert membership.user.check_password(PASSWORD)


def test_the_api_mails_a_person_with_an_account_their_invitation(
    admin_api, org, other_admin, mailoutbox, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post("/api/v1/agents", {"email": other_admin.user.email}, format="json")

    assert response.status_code == 202 and "initial_password" not in response.json()
    assert [message.to for message in mailoutbox] == [[other_admin.user.email]]
    assert client.post(_link_path(mailoutbox[0])).status_code == 302
    assert Membership.objects.filter(organization=org, user=other_admin.user).exists()


def test_a_refused_api_invite_sends_no_mail(admin_api, agent, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post("/api/v1/agents", {"email": agent.user.email}, format="json")

    assert response.status_code == 409 and mailoutbox == []


def test_the_agents_page_shows_an_invited_member_until_they_join(invite, client, admin, org):
    membership, path = invite("sam@acme.test")

    def status_of(email: str) -> str:
        client.force_login(admin.user)
        session = client.session
        session["organization_id"] = org.pk
        session.save()
        page = BeautifulSoup(client.get(reverse("settings:agents")).content, "html.parser")
        row = next(row for row in page.select("tbody tr") if email in row.get_text())
        return row.select("td")[3].get_text(strip=True)

    assert status_of("sam@acme.test") == "Invited"
    client.logout()
    client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    client.logout()
    assert status_of("sam@acme.test") == "Active"
