"""``{% realtime_stream conversation %}``: where the page's live updates come from (static/js/realtime.js
reads it): the stream URL, the topics this agent follows, and the event id the page was rendered
at, so an event published between the render and the connection is not missed."""

from django import template
from django.urls import reverse

from helpdesk import realtime
from helpdesk.templatetags.notifications_ui import latest_event_id
from helpdesk.templatetags.parley import current_tenant

register = template.Library()


@register.inclusion_tag("conversations/_realtime.html", takes_context=True)
def realtime_stream(context, conversation=None):
    tenant = current_tenant(context.get("request"))
    if tenant is None:
        return {"enabled": False}
    # the agent's own notifications too: static/js/notifications.js shares this page's stream
    topics = [realtime.org_topic(tenant.organization.pk), realtime.agent_topic(tenant.membership.pk)]
    if conversation is not None:
        topics.append(realtime.conversation_topic(conversation.uuid))
    return {
        "enabled": True,
        "stream_url": reverse("conversations:realtime-stream"),
        "topics": ",".join(topics),
        "since": latest_event_id(context.get("request")),
        "me": tenant.membership.pk,
        "conversation": conversation,
    }
