from rest_framework import throttling


class AnonymousRateThrottle(throttling.AnonRateThrottle):
    scope = "anon"


class CredentialRateThrottle(throttling.SimpleRateThrottle):
    """Per credential (API key or session user) rather than per IP."""

    scope = "credential"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        ident = f"key:{request.auth.pk}" if getattr(request.auth, "pk", None) else f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginRateThrottle(throttling.AnonRateThrottle):
    """Sign-up and login: per client address, to slow password guessing."""

    scope = "login"


class PublicRateThrottle(throttling.AnonRateThrottle):
    """Public endpoints (widget): per client address."""

    scope = "public"
