"""Template helpers of the UI shell: ``{% load parley %}``.

- ``{% nav_links as links %}`` / ``{% settings_sections as sections %}``: the registered areas and
  settings pages the current member may open (``helpdesk.navigation``).
- ``{% switchable_organizations as memberships %}``: the user's active memberships (org switcher).
- ``{% icon "name" %}``: an inline SVG icon; ``{% badge value %}``: a coloured status badge.
- ``{% when moment %}``: a moment as ``<time>``, relative under a day, in the organization's zone.
- filters: ``tone`` (badge colour of a status), ``initials``, ``percent_of``, ``role_label``.
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from helpdesk import navigation, timefmt
from helpdesk.templatetags.parley_icons import ICONS

register = template.Library()


def current_tenant(request):
    """``request.tenant`` is a lazy object that may wrap ``None``: unwrap it."""
    tenant = getattr(request, "tenant", None) if request is not None else None
    return tenant if tenant else None


@register.simple_tag(takes_context=True)
def nav_links(context):
    request = context.get("request")
    return navigation.visible_nav_items(current_tenant(request), request.path if request else "")


@register.simple_tag(takes_context=True)
def settings_sections(context):
    request = context.get("request")
    return navigation.visible_settings_sections(current_tenant(request), request.path if request else "")


@register.simple_tag(takes_context=True)
def switchable_organizations(context):
    """Active memberships of the signed-in user, one query per request."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    cached = getattr(request, "_parley_memberships", None)
    if cached is None:
        from helpdesk.models import Membership

        cached = list(
            Membership.objects.filter(user=request.user, is_active=True)
            .select_related("organization")
            .order_by("organization__name")
        )
        request._parley_memberships = cached
    return cached


@register.simple_tag
def icon(name, size=16, css_class=""):
    body = ICONS.get(name) or ICONS["dot"]
    classes = f"icon {css_class}".strip()
    return format_html(
        '<svg class="{}" width="{}" height="{}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">{}</svg>',
        classes,
        size,
        size,
        mark_safe(body),  # static markup from parley_icons, never user input
    )


# Which badge colour a status, priority, role or availability word gets. Apps reuse this.
TONES = {
    "green": {
        "active",
        "enabled",
        "online",
        "succeeded",
        "success",
        "delivered",
        "processed",
        "resolved",
        "closed",
        "on_track",
        "verified",
        "low",
        "yes",
        "up",
        "read",
    },
    "blue": {"running", "processing", "open", "in_progress", "write", "agent", "medium", "info", "new"},
    "amber": {
        "pending",
        "retrying",
        "away",
        "away_manual",
        "away_and_reassigning",
        "snoozed",
        "at_risk",
        "high",
        "warning",
        "queued",
        "training",
    },
    "red": {
        "failed",
        "error",
        "revoked",
        "disabled",
        "breached",
        "urgent",
        "blocked",
        "down",
        "expired",
    },
    "violet": {"admin", "owner"},
    "accent": {"round_robin"},
}
_TONE_OF = {word: tone for tone, words in TONES.items() for word in words}


@register.filter
def tone(value) -> str:
    """``{{ status|tone }}`` → ``green`` / ``blue`` / ``amber`` / ``red`` / ``violet`` / ``gray``."""
    key = str(getattr(value, "value", value) or "").strip().lower().replace(" ", "_").replace("-", "_")
    return _TONE_OF.get(key, "gray")


@register.simple_tag
def badge(value, label=None, dot=False):
    """``{% badge delivery.status %}`` or ``{% badge "enabled" "Active" dot=True %}``."""
    text = label if label is not None else str(value).replace("_", " ").capitalize()
    classes = f"badge badge--{tone(value)}" + (" badge--dot" if dot else "")
    return format_html('<span class="{}">{}</span>', classes, text)


@register.filter
def initials(value) -> str:
    """Two letters for an avatar, from a user, a membership or a string."""
    user = getattr(value, "user", value)
    first, last = getattr(user, "first_name", ""), getattr(user, "last_name", "")
    if first or last:
        return f"{first[:1]}{last[:1]}".upper()
    text = str(getattr(user, "email", user) or "?")
    words = [w for w in text.split("@")[0].replace(".", " ").replace("_", " ").split() if w]
    return "".join(w[0] for w in words[:2]).upper() or "?"


@register.filter
def percent_of(used, limit) -> int:
    """``{{ used|percent_of:limit }}`` → 0..100 (0 when there is no limit)."""
    try:
        used, limit = int(used or 0), int(limit)
    except (TypeError, ValueError):
        return 0
    if limit <= 0:
        return 100 if used else 0
    return max(0, min(100, round(used * 100 / limit)))


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}`` for dictionaries keyed by a variable."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def lines(values) -> str:
    """A list as one entry per line (for textareas and read-only displays)."""
    return "\n".join(str(value) for value in values or [])


@register.simple_tag
def when(moment, style="relative", css_class="", now=None):
    """``{% when moment %}``: the one way the UI shows a moment (``helpdesk.timefmt``), as
    ``<time datetime="ISO" title="full time in the organization's zone">``. ``style`` is
    ``relative`` (default: "just now", "5 min ago", "in 2 h", then the date), ``datetime``,
    ``date`` or ``time``. Relative ones carry ``data-relative`` (the date to show once a day has
    passed) and parley.js refreshes them."""
    if not isinstance(moment, datetime):
        return ""
    if style not in timefmt.STYLES:
        style = "relative"
    now = now or timezone.now()
    local = timefmt.localize(moment)
    relative = ""
    if style == "relative":
        relative = format_html(' data-relative="{}"', timefmt.absolute_text(moment, "datetime", now))
    return format_html(
        '<time{} datetime="{}" title="{}"{}>{}</time>',
        format_html(' class="{}"', css_class) if css_class else "",
        local.isoformat(timespec="seconds"),
        timefmt.full_text(moment),
        relative,
        timefmt.moment_text(moment, style, now),
    )
