"""The agent shell's live parts: ``{% notification_bell %}`` (the top bar's bell with the unread
count) and ``{% agent_shell %}`` (what static/js/notifications.js, presence.js and mentions.js
read: the real-time stream of this agent's notifications and the organization's presence
changes, the heartbeat, the idle timeout and the @mention autocomplete)."""

from django import template
from django.conf import settings
from django.urls import reverse

from helpdesk import realtime, selectors
from helpdesk.realtime import store
from helpdesk.templatetags.parley import current_tenant

register = template.Library()


def _membership(context):
    tenant = current_tenant(context.get("request"))
    return tenant.membership if tenant is not None else None


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context):
    membership = _membership(context)
    if membership is None:
        return {"enabled": False}
    return {"enabled": True, "unread_count": selectors.notification_unread_count(membership=membership)}


@register.inclusion_tag("notifications/_shell.html", takes_context=True)
def agent_shell(context):
    membership = _membership(context)
    if membership is None:
        return {"enabled": False}
    request = context.get("request")
    return {
        "enabled": True,
        "stream_url": reverse("conversations:realtime-stream"),
        "topics": f"{realtime.agent_topic(membership.pk)},{realtime.org_topic(membership.organization_id)}",
        "since": latest_event_id(request),
        "me": membership.pk,
        "status": membership.availability_status,
        "heartbeat_seconds": settings.PRESENCE_HEARTBEAT_SECONDS,
        "idle_seconds": settings.PRESENCE_IDLE_SECONDS,
    }


def latest_event_id(request) -> int:
    """The id a page rendered now resumes its streams from: read once per request (the
    conversation pages' own stream, ``{% realtime_stream %}``, asks too)."""
    cached = getattr(request, "_parley_latest_event_id", None)
    if cached is None:
        cached = store.latest_event_id()
        if request is not None:
            request._parley_latest_event_id = cached
    return cached
