"""Failed sign-ins counted per client address and per account (API login and UI sign-in).

Counters live in the cache for ``LOGIN_FAILURES_WINDOW`` seconds. Past ``LOGIN_FAILURES_MAX``
failures from one address, or ``LOGIN_MAX_FAILURES_PER_ACCOUNT`` for one email from any
addresses, further attempts are refused with ``throttled`` (429) until the window passes,
even with the right password."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from helpdesk.client_address import client_address
from helpdesk.errors import DomainError


class LoginThrottled(DomainError):
    code = "throttled"


def _address_key(request) -> str:
    return f"login-failures:address:{client_address(request)}"


def _account_key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:account:{digest}"


def ensure_allowed(*, request, email: str) -> None:
    """Raise ``LoginThrottled`` when the address or the account has failed too often."""
    if cache.get(_address_key(request), 0) >= settings.LOGIN_FAILURES_MAX:
        raise LoginThrottled(
            "Too many failed sign-in attempts from your address. Wait a few minutes and try again."
        )
    if email and cache.get(_account_key(email), 0) >= settings.LOGIN_MAX_FAILURES_PER_ACCOUNT:
        raise LoginThrottled(
            "Too many failed sign-in attempts for this account. Wait a few minutes and try again."
        )


def _increment(key: str) -> None:
    cache.add(key, 0, timeout=settings.LOGIN_FAILURES_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.LOGIN_FAILURES_WINDOW)


def record_failure(*, request, email: str) -> None:
    _increment(_address_key(request))
    if email:
        _increment(_account_key(email))
