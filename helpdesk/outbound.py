"""Outbound HTTP: the one place that decides whether the product may call an address.

Loopback, private, link-local, multicast, reserved and cloud-metadata addresses are refused
unless the organization's admin (``allowed_outbound_hosts``) or the server configuration
(``OUTBOUND_ALLOWED_HOSTS``) lists the host, IP or CIDR. Every address a name resolves to is
checked, and the request is then pinned to a checked address so DNS cannot change under us.

Two errors: ``OutboundRefused`` (the guard said no: permanent, never retried) and
``OutboundUnavailable`` (a ``BackendUnavailable``: the address could not be reached or did not
answer in time; ``OutboundTimeout`` for the latter), so callers never handle httpx's own errors."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from helpdesk.errors import BackendUnavailable, DomainError, exception_reason

METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data"}


class OutboundRefused(DomainError):
    """The URL is not allowed (bad scheme, internal address not allow-listed, unresolvable)."""


class OutboundUnavailable(BackendUnavailable):
    """The checked address could not be reached or dropped the connection (transient)."""


class OutboundTimeout(OutboundUnavailable):
    """The checked address did not answer within the timeout (transient)."""


@dataclass(frozen=True)
class CheckedURL:
    url: str
    host: str
    port: int
    addresses: tuple[str, ...]


def _allow_list(organization) -> list[str]:
    entries = list(getattr(settings, "OUTBOUND_ALLOWED_HOSTS", []) or [])
    if organization is not None:
        entries += list(organization.allowed_outbound_hosts or [])
    return [str(entry).strip().lower() for entry in entries if str(entry).strip()]


def _is_allow_listed(host: str, address: ipaddress._BaseAddress, allow: list[str]) -> bool:
    for entry in allow:
        if entry == host:
            return True
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _is_internal(address: ipaddress._BaseAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and address in ipaddress.ip_network("100.64.0.0/10"))
    )


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundRefused(f"Cannot resolve host '{host}': {exc}") from exc
    return sorted({info[4][0] for info in infos})


def check_url(url: str, *, organization=None) -> CheckedURL:
    """Raise ``OutboundRefused`` unless ``url`` may be requested on behalf of ``organization``."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # e.g. an unbalanced "[" or "]" ("Invalid IPv6 URL")
        raise OutboundRefused(f"The URL is not valid: {exc}.") from exc
    if parts.scheme not in ("http", "https"):
        raise OutboundRefused("Only http and https URLs are allowed.")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise OutboundRefused("The URL has no host.")
    if parts.username or parts.password:
        raise OutboundRefused("URLs with embedded credentials are not allowed.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise OutboundRefused(f"Invalid port: {exc}") from exc
    allow = _allow_list(organization)
    addresses = resolve(host, port)
    for raw in addresses:
        address = ipaddress.ip_address(raw.split("%")[0])
        internal = _is_internal(address) or host in METADATA_HOSTS
        if internal and not _is_allow_listed(host, address, allow):
            raise OutboundRefused(
                f"'{host}' resolves to the internal address {address}. An admin must add it to the "
                "organization's allowed outbound hosts first."
            )
    return CheckedURL(url=url.strip(), host=host, port=port, addresses=tuple(addresses))


class _PinnedTransport(httpx.HTTPTransport):
    """Connects only to addresses that were checked (defeats DNS rebinding between check and use)."""

    def __init__(self, checked: CheckedURL, **kwargs):
        super().__init__(**kwargs)
        self._checked = checked

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host.lower().rstrip(".") != self._checked.host:
            raise httpx.ConnectError(f"Redirect to another host ({request.url.host}) is not followed.")
        # Connect to the checked address rather than resolving the name again; the Host header
        # (set when the request was built) and TLS (SNI, certificate check) keep using the name.
        request.url = request.url.copy_with(host=self._checked.addresses[0])
        request.extensions = {**request.extensions, "sni_hostname": self._checked.host}
        return super().handle_request(request)


def request(
    method: str, url: str, *, organization=None, timeout: float | None = None, **kwargs
) -> httpx.Response:
    """Make one outbound request after the guard has checked ``url``. Redirects are not followed
    (a redirect could point inside); callers that want them check each hop with ``check_url``.
    Raises ``OutboundRefused`` when the guard refuses, ``OutboundTimeout`` when no answer came in
    time, ``OutboundUnavailable`` for any other transport failure; any HTTP status is returned."""
    checked = check_url(url, organization=organization)
    timeout = timeout if timeout is not None else settings.OUTBOUND_TIMEOUT
    headers = {"User-Agent": "Parley/1.0 (+self-hosted helpdesk)", **kwargs.pop("headers", {})}
    try:
        with httpx.Client(
            transport=_PinnedTransport(checked), timeout=timeout, follow_redirects=False
        ) as client:
            return client.request(method, checked.url, headers=headers, **kwargs)
    except httpx.TimeoutException as exc:
        raise OutboundTimeout(
            f"Timed out after {timeout:g}s waiting for {checked.host}.", extra={"host": checked.host}
        ) from exc
    except httpx.HTTPError as exc:  # refused, reset, TLS failure, broken encoding…
        raise OutboundUnavailable(
            f"Could not reach {checked.host}: {exception_reason(exc)}", extra={"host": checked.host}
        ) from exc
