"""Every adapter's transient failure is a ``BackendUnavailable`` (jobs retry it, the API answers
503 with the error shape); permanent refusals are not. Callers catch by class."""

import smtplib

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from helpdesk import mail, ollama, outbound
from helpdesk.errors import BackendUnavailable, DomainError
from tests.factories import OrganizationFactory
from tests.fakes.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db


def test_an_unreachable_ollama_is_a_backend_unavailable(ollama_down):
    with pytest.raises(BackendUnavailable) as caught:
        ollama.chat([{"role": "user", "content": "hi"}], model="llama3.2")
    assert isinstance(caught.value, ollama.OllamaUnavailable)
    assert caught.value.status_code == 503


def test_an_unknown_ollama_model_is_not_transient(fake_ollama):
    with pytest.raises(ollama.OllamaModelNotFound) as caught:
        ollama.chat([{"role": "user", "content": "hi"}], model="no-such-model")
    assert not isinstance(caught.value, BackendUnavailable)


@pytest.fixture
def loopback_org():
    return OrganizationFactory(allowed_outbound_hosts=["127.0.0.1"])


def test_an_unreachable_address_is_outbound_unavailable(loopback_org):
    with WebhookReceiver() as gone:  # nothing listens on its port afterwards
        url = gone.url
    with pytest.raises(outbound.OutboundUnavailable) as caught:
        outbound.request("GET", url, organization=loopback_org)
    assert isinstance(caught.value, BackendUnavailable)
    assert caught.value.message.startswith("Could not reach 127.0.0.1:")
    assert "ConnectError" not in caught.value.message and "<" not in caught.value.message


def test_a_slow_address_is_outbound_timeout(loopback_org):
    with WebhookReceiver() as slow:
        slow.delay = 5.0  # released when the receiver stops
        with pytest.raises(outbound.OutboundTimeout) as caught:
            outbound.request("POST", slow.url, organization=loopback_org, timeout=0.2, content=b"{}")
    assert isinstance(caught.value, BackendUnavailable)
    assert caught.value.message == "Timed out after 0.2s waiting for 127.0.0.1."


def test_an_ssrf_refusal_is_permanent_not_transient():
    with pytest.raises(outbound.OutboundRefused) as caught:
        outbound.request("GET", "http://127.0.0.1:9/", organization=OrganizationFactory())
    assert isinstance(caught.value, DomainError)
    assert not isinstance(caught.value, BackendUnavailable)
    assert caught.value.status_code == 400


class ScriptedBackend(BaseEmailBackend):
    """Raises what ``ScriptedBackend.error`` holds, as an SMTP connection would."""

    error: BaseException | None = None

    def send_messages(self, email_messages):
        raise ScriptedBackend.error


@pytest.fixture
def smtp_fails(settings):
    settings.EMAIL_BACKEND = "tests.helpdesk.test_backend_unavailable.ScriptedBackend"

    def fail_with(error):
        ScriptedBackend.error = error
        return EmailMessage(subject="s", body="b", to=["a@example.com"])

    yield fail_with
    ScriptedBackend.error = None


@pytest.mark.parametrize(
    "error, message",
    [
        (
            ConnectionRefusedError(111, "Connection refused"),
            "The mail server could not be reached: 111 Connection refused",
        ),
        (TimeoutError("timed out"), "The mail server could not be reached: timed out"),
        (
            smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
            "The mail server closed the connection: Connection unexpectedly closed",
        ),
        (
            smtplib.SMTPSenderRefused(451, b"4.3.0 Try again later", "a@b"),
            "The mail server failed temporarily: 451 4.3.0 Try again later",
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@example.com": (450, b"4.2.0 Mailbox busy")}),
            "The mail server failed temporarily: The mail server refused the recipients: a@example.com (450 4.2.0 Mailbox busy)",
        ),
    ],
)
def test_a_mail_server_that_is_down_or_busy_is_mail_unavailable(smtp_fails, error, message):
    with pytest.raises(mail.MailUnavailable) as caught:
        mail.send(smtp_fails(error))
    assert isinstance(caught.value, BackendUnavailable)
    assert caught.value.message == message


@pytest.mark.parametrize(
    "error, message",
    [
        (
            smtplib.SMTPAuthenticationError(535, b"5.7.8 Username and Password not accepted"),
            "535 5.7.8 Username and Password not accepted",
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"5.1.1 No such user")}),
            "The mail server refused the recipients: a@example.com (550 5.1.1 No such user)",
        ),
        (
            smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."),
            "STARTTLS extension not supported by server.",
        ),
    ],
)
def test_a_mail_server_refusal_is_permanent(smtp_fails, error, message):
    with pytest.raises(mail.MailRefused) as caught:
        mail.send(smtp_fails(error))
    assert not isinstance(caught.value, BackendUnavailable)
    assert caught.value.message == message


def _adapter_errors():
    from knowledge.embeddings import EmbeddingUnavailable
    from knowledge.vectorstore import VectorStoreUnavailable

    return [
        ollama.OllamaUnavailable("Ollama at http://127.0.0.1:9 is unreachable."),
        EmbeddingUnavailable("Ollama embedding with nomic-embed-text failed."),
        VectorStoreUnavailable("Vector store unreachable."),
        outbound.OutboundUnavailable("Could not reach example.com: connection refused"),
        outbound.OutboundTimeout("Timed out after 10s waiting for example.com."),
        mail.MailUnavailable("The mail server could not be reached: connection refused"),
    ]


@pytest.mark.parametrize("error", _adapter_errors(), ids=lambda error: error.__class__.__name__)
def test_the_api_answers_every_backend_unavailable_with_503_and_the_error_shape(
    error, admin_api, monkeypatch
):
    from helpdesk.api.views import accounts as account_views

    def down(*args, **kwargs):
        raise error

    monkeypatch.setattr(account_views.accounts, "organization_update_settings", down)
    response = admin_api.patch("/api/v1/account/settings", {"name": "Renamed"}, format="json")

    assert response.status_code == 503, response.content
    assert response.json() == {"error": error.message, "code": "unavailable", "fields": {}}
