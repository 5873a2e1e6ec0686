"""Throttles. Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (env ``THROTTLE_*``),
read when a request is throttled rather than at import, so a settings override takes effect."""

import hashlib

from django.core.exceptions import ImproperlyConfigured
from rest_framework import throttling
from rest_framework.settings import api_settings

from helpdesk.client_address import client_address


class _CurrentRatesMixin:
    """DRF binds ``THROTTLE_RATES`` once at import time; look the rate up in the live settings.
    The client address comes from ``NUM_PROXIES`` trusted proxies (``helpdesk.client_address``),
    never from the whole ``X-Forwarded-For`` header a client may fill as it likes."""

    def get_ident(self, request):
        return client_address(request)

    def get_rate(self):
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No throttle rate set for scope '{self.scope}'.")
        return rates[self.scope]


class AnonymousRateThrottle(_CurrentRatesMixin, throttling.AnonRateThrottle):
    scope = "anon"


class CredentialRateThrottle(_CurrentRatesMixin, throttling.SimpleRateThrottle):
    """Per credential (API key or session user) rather than per IP."""

    scope = "credential"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        ident = f"key:{request.auth.pk}" if getattr(request.auth, "pk", None) else f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginRateThrottle(_CurrentRatesMixin, throttling.AnonRateThrottle):
    """Sign-up and login: per client address, to slow password guessing."""

    scope = "login"


class PublicRateThrottle(_CurrentRatesMixin, throttling.AnonRateThrottle):
    """Public endpoints (widget): per client address."""

    scope = "public"


class WidgetTokenRateThrottle(_CurrentRatesMixin, throttling.SimpleRateThrottle):
    """The public chat widget: per website token (``?website_token=``), whoever calls."""

    scope = "widget"

    def get_cache_key(self, request, view):
        token = request.query_params.get("website_token") or ""
        if not token:
            return None
        # Hashed: the token comes from anyone, and cache keys must stay plain ASCII.
        ident = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}


class WidgetAddressRateThrottle(_CurrentRatesMixin, throttling.AnonRateThrottle):
    """The public chat widget: per client address."""

    scope = "widget_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
