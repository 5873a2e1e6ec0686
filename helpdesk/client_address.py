"""The client's address, as every throttle and failure counter keys on it.

Only ``NUM_PROXIES`` trusted proxies in front of the server may add ``X-Forwarded-For``
entries; with 0 (the default) the header is ignored and the socket address is used, so a
client cannot choose its own identity by sending a made-up header."""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str:
    """With N trusted proxies, the Nth entry from the right of ``X-Forwarded-For`` (the address
    the outermost trusted proxy saw); the socket address when N is 0 or the header is missing."""
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    if not entries:
        return remote
    return entries[-min(proxies, len(entries))][:100]
