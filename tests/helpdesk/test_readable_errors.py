"""Messages shown to people never carry Python internals: object reprs, memory addresses,
tracebacks, bytes literals, exception class names."""

import io
import smtplib

import pytest

from helpdesk.errors import DomainError, exception_reason, readable


def test_object_reprs_and_addresses_are_removed_and_the_rest_kept():
    text = f"The PDF is corrupt (stream {io.BytesIO()}: unable to find trailer dictionary)."

    assert readable(text) == "The PDF is corrupt (stream: unable to find trailer dictionary)."


def test_nested_exception_reprs_keep_only_their_message():
    text = (
        "Vector store unreachable: (Caused by NewConnectionError('<urllib3.connection.HTTPConnection "
        "object at 0x7f3a2b1c0d90>: Failed to establish a new connection: [Errno 111] Connection refused'))"
    )

    cleaned = readable(text)

    assert "0x" not in cleaned and "NewConnectionError" not in cleaned and "object at" not in cleaned
    assert "Connection refused" in cleaned


def test_a_traceback_is_cut_off():
    assert readable("It failed.\nTraceback (most recent call last):\n  File 'x.py'") == "It failed."


def test_plain_messages_are_unchanged():
    message = "Use a PNG, JPEG, GIF or WebP image (at most 5 MB): <img> tags are not files."

    assert readable(message) == message


@pytest.mark.parametrize(
    "exc, expected",
    [
        (
            smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication failed"),
            "535 5.7.8 Authentication failed",
        ),
        (ConnectionRefusedError(111, "Connection refused"), "111 Connection refused"),
        (TimeoutError(), "Timeout error"),
    ],
)
def test_exception_reason_reads_like_a_sentence(exc, expected):
    assert exception_reason(exc) == expected


def test_domain_error_messages_are_readable():
    error = DomainError(f"Could not read {io.BytesIO()}.")

    assert error.message == "Could not read." and str(error) == "Could not read."


def test_the_api_error_shape_is_readable_whatever_raised_it():
    from helpdesk.api.exceptions import error_body

    body = error_body("Backend said <socket.socket object at 0x7f0011223344> closed.", "unavailable")

    assert body["error"] == "Backend said closed."
