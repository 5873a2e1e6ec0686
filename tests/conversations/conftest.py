import pytest

from tests.conversations.factories import make_conversation


@pytest.fixture
def conversation(org):
    return make_conversation(org, email="ada@example.com", first_name="Ada", last_name="Lovelace", subject="Broken order")


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
