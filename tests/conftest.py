"""Shared fixtures. ``api_for(membership, permissions)`` gives an APIClient authenticated with a
real organization API key; ``org``/``other_org`` and their members exist for isolation tests."""

import pytest
from rest_framework.test import APIClient

from helpdesk.models import Role
from helpdesk.services import api_keys
from tests.factories import MembershipFactory, OrganizationFactory

# fake_ollama, unreachable_ollama_host, ollama_down…; broker_down (the jobs layer's tests);
# dovecot and smtp_receiver (the email channel's real IMAP and SMTP servers)
pytest_plugins = ["tests.ollama_fixtures", "tests.broker", "tests.conversations.mail_servers"]

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def realtime_hub_stopped():
    """Each test that opened a real-time stream leaves no hub thread (nor its database
    connection) behind."""
    yield
    from helpdesk.realtime import channel

    channel.reset()


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Globex")


@pytest.fixture
def owner(org):
    return MembershipFactory(organization=org, role=Role.OWNER, user__email="owner@acme.test")


@pytest.fixture
def admin(org):
    return MembershipFactory(organization=org, role=Role.ADMIN, user__email="admin@acme.test")


@pytest.fixture
def agent(org):
    return MembershipFactory(organization=org, role=Role.AGENT, user__email="agent@acme.test")


@pytest.fixture
def other_admin(other_org):
    return MembershipFactory(organization=other_org, role=Role.ADMIN, user__email="admin@globex.test")


@pytest.fixture
def api_for(db):
    """``api_for(membership, ["read", "write", "admin"])`` → APIClient sending a Bearer key."""

    def make(membership, permissions=("read", "write", "admin")):
        permissions = list(permissions)
        if "admin" in permissions and not membership.has_role(Role.ADMIN):
            permissions.remove("admin")
        _, full_key = api_keys.api_key_create(membership=membership, name="test", permissions=permissions)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {full_key}")
        client.full_key = full_key
        return client

    return make


@pytest.fixture
def admin_api(api_for, admin):
    return api_for(admin)


@pytest.fixture
def agent_api(api_for, agent):
    return api_for(agent)


@pytest.fixture
def other_api(api_for, other_admin):
    return api_for(other_admin)


@pytest.fixture
def ui_as(client):
    """``ui_as(membership)``: the test client signed in as that member, in its organization."""

    def sign_in(membership):
        client.force_login(membership.user)
        session = client.session
        session["organization_id"] = membership.organization_id
        session.save()
        return client

    return sign_in


# The integration suite's Chroma server and Celery worker (inactive unless PARLEY_INTEGRATION=1).
from tests.integration import celery_worker_process, chroma_server, real_worker  # noqa: E402,F401
