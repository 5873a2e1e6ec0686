"""An email backend whose SMTP server is always down (for delivery failure tests)."""

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP is down")


class FailsOnceBackend(BaseEmailBackend):
    """Down for the first message it is given, then the in-memory outbox (locmem) takes them."""

    failures_left = 1

    def send_messages(self, email_messages):
        if FailsOnceBackend.failures_left > 0:
            FailsOnceBackend.failures_left -= 1
            raise ConnectionResetError("SMTP dropped the connection")
        from django.core.mail.backends.locmem import EmailBackend

        return EmailBackend().send_messages(email_messages)
