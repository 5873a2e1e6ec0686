"""Template helpers of the agent UI: ``{% load conversation_ui %}``.

- ``{% sla_badge conversation %}``: the SLA countdown badge (moments: ``{% when %}`` of ``parley``).
- ``{% status_badge status %}`` / ``{% priority_badge value %}``: coloured badges.
- ``{{ contact|contact_initials }}``, ``{{ minutes|duration }}`` (``90`` → ``1h 30m``).
- ``{% cicon "paperclip" %}``: the shared icon set plus the few icons only the inbox needs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from conversations.models import Priority, StatusCategory
from conversations.services.sla import at_risk_threshold, sla_status_of
from helpdesk import timefmt
from helpdesk.templatetags.parley import icon as parley_icon

register = template.Library()

# Static SVG markup (never user input), in the Feather style of helpdesk/templatetags/parley_icons.py.
EXTRA_ICONS = {
    "paperclip": (
        '<path d="m21.44 11.05-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19'
        'a2 2 0 0 1-2.83-2.83l8.49-8.48"/>'
    ),
    "flag": '<path d="M4 15s1-1 4-1 5 2 8 2 4-1 4-1V3s-1 1-4 1-5-2-8-2-4 1-4 1z"/><line x1="4" y1="22" x2="4" y2="15"/>',
    "moon": '<path d="M21 12.79A9 9 0 1 1 11.21 3 7 7 0 0 0 21 12.79z"/>',
    "merge": (
        '<circle cx="18" cy="18" r="3"/><circle cx="6" cy="6" r="3"/><path d="M6 21V9a9 9 0 0 0 9 9"/>'
    ),
    "reply": '<polyline points="9 17 4 12 9 7"/><path d="M20 18v-2a4 4 0 0 0-4-4H4"/>',
    "note": (
        '<path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z"/><polyline points="14 2 14 8 20 8"/>'
        '<line x1="16" y1="13" x2="8" y2="13"/><line x1="16" y1="17" x2="8" y2="17"/>'
    ),
    "filter": '<polygon points="22 3 2 3 10 12.46 10 19 14 21 14 12.46 22 3"/>',
    "phone": (
        '<path d="M22 16.92v3a2 2 0 0 1-2.18 2 19.79 19.79 0 0 1-8.63-3.07 19.5 19.5 0 0 1-6-6A19.79 19.79 0 0 1'
        " 2.12 4.18 2 2 0 0 1 4.11 2h3a2 2 0 0 1 2 1.72c.13.96.36 1.9.7 2.81a2 2 0 0 1-.45 2.11L8.09 9.91a16 16 0"
        ' 0 0 6 6l1.27-1.27a2 2 0 0 1 2.11-.45c.91.34 1.85.57 2.81.7A2 2 0 0 1 22 16.92z"/>'
    ),
    "check-circle": '<path d="M22 11.08V12a10 10 0 1 1-5.93-9.14"/><polyline points="22 4 12 14.01 9 11.01"/>',
    "rotate": '<polyline points="1 4 1 10 7 10"/><path d="M3.51 15a9 9 0 1 0 2.13-9.36L1 10"/>',
    "sort": (
        '<line x1="4" y1="6" x2="13" y2="6"/><line x1="4" y1="12" x2="11" y2="12"/><line x1="4" y1="18" x2="9"'
        ' y2="18"/><polyline points="15 15 18 18 21 15"/><line x1="18" y1="6" x2="18" y2="18"/>'
    ),
    "bookmark": '<path d="M19 21l-7-5-7 5V5a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2z"/>',
    "ban": '<circle cx="12" cy="12" r="10"/><line x1="4.93" y1="4.93" x2="19.07" y2="19.07"/>',
    "calendar": (
        '<rect x="3" y="4" width="18" height="18" rx="2"/><line x1="16" y1="2" x2="16" y2="6"/>'
        '<line x1="8" y1="2" x2="8" y2="6"/><line x1="3" y1="10" x2="21" y2="10"/>'
    ),
    "image": (
        '<rect x="3" y="3" width="18" height="18" rx="2"/><circle cx="8.5" cy="8.5" r="1.5"/>'
        '<polyline points="21 15 16 10 5 21"/>'
    ),
}

PRIORITY_TONES = {
    Priority.LOW: "gray",
    Priority.MEDIUM: "blue",
    Priority.HIGH: "amber",
    Priority.URGENT: "red",
}
CATEGORY_TONES = {
    StatusCategory.OPEN: "blue",
    StatusCategory.SNOOZED: "amber",
    StatusCategory.RESOLVED: "green",
    StatusCategory.CLOSED: "gray",
}


@register.simple_tag
def cicon(name, size=16, css_class=""):
    body = EXTRA_ICONS.get(name)
    if body is None:
        return parley_icon(name, size, css_class)
    return format_html(
        '<svg class="{}" width="{}" height="{}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">{}</svg>',
        f"icon {css_class}".strip(),
        size,
        size,
        mark_safe(body),  # static markup above
    )


def long_delta(delta: timedelta) -> str:
    """``2h 10m``, ``3d 4h``, ``25m``: for countdowns."""
    minutes = abs(int(delta.total_seconds())) // 60
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m"


@register.simple_tag
def sla_badge(conversation, compact: bool = True):
    """The earliest pending SLA target as a countdown: neutral on track, amber at risk, red breached."""
    state = sla_status_of(conversation)
    if state is None:
        return ""
    deadline = conversation.sla_next_deadline_at
    now = timezone.now()
    remaining = long_delta(deadline - now)
    if state == "breached":
        text, tone, title = f"{remaining} over", "red", "SLA breached"
    elif state == "at_risk":
        text, tone, title = remaining, "amber", "SLA at risk"
    else:
        text, tone, title = remaining, "gray", "SLA on track"
    return format_html(
        '<span class="badge badge--{} sla-badge sla-badge--{}" data-sla-deadline="{}" title="{}: due {}">{}'
        "<span data-sla-text>{}</span></span>",
        tone,
        state,
        deadline.isoformat(),
        title,
        timefmt.full_text(deadline),
        cicon("clock", 12),
        text,
    )


@register.simple_tag
def sla_target(deadline: datetime | None, met_at: datetime | None = None, pending: bool = True, minutes=None):
    """One SLA target in the side panel: met (on time or late), breached, at risk or due in …"""
    if deadline is None:
        return format_html('<span class="subtle">{}</span>', "No target")
    if met_at is not None:
        tone = "green" if met_at <= deadline else "red"
        label = "Met" if met_at <= deadline else "Met late"
        return format_html('<span class="badge badge--{}">{}</span>', tone, label)
    if not pending:
        return format_html('<span class="subtle">{}</span>', "Stopped")
    now = timezone.now()
    if deadline <= now:
        return format_html(
            '<span class="badge badge--red" data-sla-deadline="{}">Breached <span data-sla-text>{} over</span></span>',
            deadline.isoformat(),
            long_delta(now - deadline),
        )
    at_risk = minutes and (deadline - now) <= timedelta(minutes=at_risk_threshold(int(minutes)))
    return format_html(
        '<span class="badge badge--{}" data-sla-deadline="{}">Due in <span data-sla-text>{}</span></span>',
        "amber" if at_risk else "gray",
        deadline.isoformat(),
        long_delta(deadline - now),
    )


@register.simple_tag
def status_badge(status):
    if status is None:
        return ""
    tone = CATEGORY_TONES.get(status.category, "gray")
    return format_html('<span class="badge badge--{} badge--dot">{}</span>', tone, status.name)


@register.simple_tag
def priority_badge(value, empty: str = ""):
    if not value:
        return format_html('<span class="subtle">{}</span>', empty) if empty else ""
    priority = Priority(value)
    return format_html(
        '<span class="prio prio--{}" title="Priority: {}">{}{}</span>',
        priority.label.lower(),
        priority.label,
        cicon("flag", 12),
        priority.label,
    )


@register.filter
def contact_initials(contact) -> str:
    first, last = (contact.first_name or "").strip(), (contact.last_name or "").strip()
    if first or last:
        return f"{first[:1]}{last[:1]}".upper()
    local = (contact.email or "?").split("@")[0]
    words = [word for word in local.replace(".", " ").replace("_", " ").replace("-", " ").split() if word]
    return "".join(word[0] for word in words[:2]).upper() or "?"


@register.filter
def avatar_tone(value) -> int:
    """A stable colour index (0-5) for an avatar, from an id or a string."""
    text = str(value or "")
    return sum(ord(ch) for ch in text) % 6


@register.filter
def duration(minutes) -> str:
    if minutes in (None, ""):
        return "—"
    return long_delta(timedelta(minutes=int(minutes)))


@register.filter
def filesize(size) -> str:
    size = int(size or 0)
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
