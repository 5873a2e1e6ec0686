import pytest

from tests.fakes.webhook_receiver import WebhookReceiver


@pytest.fixture
def webhook_receiver():
    """A real HTTP receiver on 127.0.0.1 (random port), stopped after the test."""
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def loopback_allowed(org):
    """The organization's admin allow-listed 127.0.0.1, where the test receiver listens."""
    org.allowed_outbound_hosts = ["127.0.0.1"]
    org.save(update_fields=["allowed_outbound_hosts"])
    return org
