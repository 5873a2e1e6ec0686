"""Which Ollama endpoints an organization may use, and its default model.

``resolve_endpoint`` is the SSRF gate for Ollama traffic: only endpoints an admin configured (the
organization's ``ollama_endpoints`` or default endpoint) or the operator's ``OLLAMA_HOST`` are
used, and internal addresses also need the organization's ``allowed_outbound_hosts``."""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

from django.conf import settings

from helpdesk import outbound
from helpdesk.errors import DomainError
from helpdesk.ollama.errors import OllamaUnavailable

_MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,199}$")
_METADATA_HOSTS = {
    "metadata.google.internal",
    "metadata",
    "instance-data",
    "169.254.169.254",
    "fd00:ec2::254",
}


def normalize_endpoint(url: str, *, field: str = "endpoint") -> str:
    """``url`` as a canonical base URL (``scheme://host[:port][/path]``, no trailing slash).

    Raises ``DomainError(code="invalid")`` for anything but plain http(s) URLs: no credentials,
    query or fragment, and never a cloud metadata address."""
    value = (url or "").strip().rstrip("/")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise DomainError(f"'{url}' is not a valid URL: {exc}.", field=field) from exc
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise DomainError(f"'{url}' is not an http(s) URL.", field=field)
    if parts.username or parts.password or parts.query or parts.fragment:
        raise DomainError("Ollama endpoints carry no credentials, query or fragment.", field=field)
    if host in _METADATA_HOSTS or _is_link_local(host):
        raise DomainError(f"'{host}' is a link-local or cloud metadata address.", field=field)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return f"{parts.scheme.lower()}://{netloc}{parts.path}".rstrip("/")


def _is_link_local(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_link_local
    except ValueError:
        return False


def validate_model_name(name: str, *, field: str = "model") -> str:
    """``name`` stripped, if it is a plausible Ollama model name (``family[:tag]``, ``ns/name``)."""
    value = (name or "").strip()
    if not _MODEL_NAME.match(value):
        raise DomainError(f"'{name}' is not a valid Ollama model name.", field=field)
    return value


def server_default_endpoint() -> str:
    """``OLLAMA_HOST`` in canonical form (the operator's choice: not subject to endpoint policy)."""
    host = str(settings.OLLAMA_HOST).strip()
    host = host if "://" in host else f"http://{host}"
    try:
        return normalize_endpoint(host)
    except DomainError:
        return host.rstrip("/")


def normalize_endpoints(entries) -> list[str]:
    """``entries`` normalized and deduplicated; malformed entries are dropped (they allow nothing)."""
    endpoints: list[str] = []
    for entry in entries:
        if not entry or not str(entry).strip():
            continue
        try:
            endpoint = normalize_endpoint(str(entry))
        except DomainError:
            continue
        if endpoint not in endpoints:
            endpoints.append(endpoint)
    return endpoints


def allowed_endpoints(organization) -> list[str]:
    """The endpoints ``organization`` may use: its list, its default, and the server's default."""
    entries = []
    if organization is not None:
        entries = [*(organization.ollama_endpoints or []), organization.ollama_endpoint]
    endpoints = normalize_endpoints(entries)
    server_default = server_default_endpoint()
    return endpoints if server_default in endpoints else [*endpoints, server_default]


def guard_endpoint(organization, endpoint: str, *, field: str = "endpoint") -> None:
    """Refuse (``DomainError(code="invalid")``) an endpoint the outbound guard refuses: internal
    addresses need the organization's ``allowed_outbound_hosts`` (API.md). ``OLLAMA_HOST`` is the
    operator's choice and is not checked."""
    if endpoint == server_default_endpoint():
        return
    parts = urlsplit(endpoint)
    try:
        socket.getaddrinfo(parts.hostname, parts.port or 80, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:  # a name that does not resolve is down, not forbidden
        raise OllamaUnavailable(f"Ollama at {endpoint} is unreachable: its host does not resolve.") from exc
    try:
        outbound.check_url(endpoint, organization=organization)
    except outbound.OutboundRefused as exc:
        raise DomainError(f"Ollama endpoint {endpoint}: {exc}", field=field) from exc


def resolve_endpoint(organization, endpoint: str | None = None, *, field: str = "endpoint") -> str:
    """The endpoint to use for ``organization``: ``endpoint`` if given and allowed, else the
    organization's default, else ``OLLAMA_HOST``. This is the SSRF gate for Ollama traffic: an
    endpoint that is not in ``allowed_endpoints(organization)``, or that the outbound guard
    refuses, raises ``DomainError(code="invalid")``."""
    if not endpoint or not endpoint.strip():
        if organization is None or not organization.ollama_endpoint:
            return server_default_endpoint()
        chosen = normalize_endpoint(organization.ollama_endpoint, field=field)
    else:
        chosen = normalize_endpoint(endpoint, field=field)
        if chosen not in allowed_endpoints(organization):
            raise DomainError(
                f"The Ollama endpoint '{chosen}' is not allowed for this organization. "
                "An admin must add it first (PUT /api/v1/ai/provider or account settings).",
                field=field,
            )
    guard_endpoint(organization, chosen, field=field)
    return chosen


def default_model(organization) -> str:
    """The organization's default chat model, else ``OLLAMA_MODEL``."""
    if organization is not None and organization.ollama_model:
        return organization.ollama_model
    return settings.OLLAMA_MODEL
