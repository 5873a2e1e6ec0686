import pytest
from rest_framework.test import APIClient

from conversations.services.domains import domain_bind
from tests.conversations.factories import make_conversation

SITE = "https://shop.example.com"


@pytest.fixture
def domain(org):
    """A website bound to Acme (its own web inbox), whose pages may use the widget."""
    return domain_bind(organization=org, website_url=SITE + "/", label="Shop")


@pytest.fixture
def public():
    """A client with no credential (the widget's visitor, a contact following a link)."""
    return APIClient()


@pytest.fixture
def conversation(org):
    return make_conversation(
        org, email="ada@example.com", first_name="Ada", last_name="Lovelace", subject="Broken order"
    )


@pytest.fixture
def other_conversation(other_org):
    return make_conversation(other_org, email="eve@globex.test", subject="Globex secret")


@pytest.fixture
def capture_events(monkeypatch):
    """Records every domain event dispatched (run on_commit callbacks with
    ``django_capture_on_commit_callbacks(execute=True)``)."""
    from helpdesk import events

    seen: list[tuple[str, dict]] = []

    def handler(organization, name, payload):
        seen.append((name, payload))

    events.subscribe("*", handler)
    yield seen
    events.unsubscribe("*", handler)


class Clock:
    """A controllable ``django.utils.timezone.now`` (auto_now fields and services follow it)."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def set(self, value):
        self.now = value

    def advance(self, **delta):
        from datetime import timedelta

        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    from datetime import UTC, datetime

    from django.utils import timezone

    value = Clock(datetime(2025, 1, 15, 10, 0, tzinfo=UTC))  # a Wednesday
    monkeypatch.setattr(timezone, "now", value)
    return value
