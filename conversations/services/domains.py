"""Website domains: binding a site (its own ``web`` inbox and website token, within the plan's
domain limit), its widget appearance and allowed origins, and the snippet to paste."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from conversations.errors import ConversationError
from conversations.models import Channel, Domain, WidgetPosition
from conversations.services.inboxes import inbox_create, inbox_update
from helpdesk import limits
from helpdesk.models import Organization
from helpdesk.unset import UNSET, Unset

TOKEN_PREFIX = "wk_live_"
MAX_ORIGINS = 20


def website_token_generate() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(24)


def origin_of(url: str, *, field: str = "website_url") -> str:
    """``scheme://host[:port]`` of an http(s) URL, lower-case, default ports dropped."""
    parts = urlsplit(str(url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConversationError(f"'{url}' is not an http(s) address.", field=field)
    try:
        port = parts.port
    except ValueError:
        raise ConversationError(f"'{url}' has an invalid port.", field=field)
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _clean_origins(origins: list[str]) -> list[str]:
    if len(origins) > MAX_ORIGINS:
        raise ConversationError(f"At most {MAX_ORIGINS} allowed origins.", field="allowed_origins")
    return list(dict.fromkeys(origin_of(origin, field="allowed_origins") for origin in origins))


def domain_count(organization: Organization) -> int:
    return Domain.objects.filter(organization=organization).count()


@transaction.atomic
def domain_bind(*, organization: Organization, website_url: str, label: str = "") -> Domain:
    """Bind a website: a ``web`` inbox of its own, a new website token, the site's origin as the
    one allowed origin. Refused past the plan's ``domains`` limit (``LimitExceeded``, 409)."""
    origin = origin_of(website_url)
    label = (label or "").strip() or urlsplit(origin).hostname
    limits.ensure_within_limit(organization, "domains")
    inbox = inbox_create(organization=organization, name=label[:100], channel=Channel.WEB)
    return Domain.objects.create(
        organization=organization,
        inbox=inbox,
        label=label[:100],
        website_url=website_url.strip(),
        website_token=website_token_generate(),
        allowed_origins=[origin],
    )


@transaction.atomic
def domain_update(
    *,
    domain: Domain,
    label: str | Unset = UNSET,
    allowed_origins: list[str] | Unset = UNSET,
    color: str | Unset = UNSET,
    position: str | Unset = UNSET,
    greeting: str | Unset = UNSET,
    launcher_text: str | Unset = UNSET,
    is_active: bool | Unset = UNSET,
) -> Domain:
    """Change a domain's widget. Origins are normalised to ``scheme://host[:port]``; a domain
    with no allowed origin answers no browser (server-side calls still work)."""
    if label is not UNSET:
        label = label.strip()
        if not label:
            raise ConversationError("A domain needs a label.", field="label")
        domain.label = label
        inbox_update(inbox=domain.inbox, name=label[:100])
    if allowed_origins is not UNSET:
        domain.allowed_origins = _clean_origins(allowed_origins)
    if position is not UNSET:
        if position not in WidgetPosition.values:
            raise ConversationError("position must be bottom_right or bottom_left.", field="position")
        domain.position = position
    for field, value in (("color", color), ("greeting", greeting), ("launcher_text", launcher_text)):
        if value is not UNSET:
            setattr(domain, field, value)
    if is_active is not UNSET:
        domain.is_active = is_active
    domain.save()
    return domain


def widget_code(domain: Domain) -> str:
    """The snippet a site pastes into its pages (Nova Chat's first form)."""
    base = settings.SITE_URL.rstrip("/")
    return (
        "<script>\n"
        f'  window.novaChatSettings = {{ websiteToken: "{domain.website_token}", position: "{domain.position}" }};\n'
        "</script>\n"
        f'<script src="{base}/widget.js" async></script>'
    )


def widget_code_sdk(domain: Domain) -> str:
    """The one-line form of the snippet (Nova Chat's ``nova-widget-sdk-v2.js``)."""
    base = settings.SITE_URL.rstrip("/")
    return f'<script src="{base}/nova-widget-sdk-v2.js" data-token="{domain.website_token}" async></script>'
