"""Agents' real-time stream (Server-Sent Events) and their typing announcements.

``GET /realtime/stream?topics=org:<id>,agent:<id>,conversation:<uuid>``: a signed-in agent reads
their own organization's topic, their own agent topic (notifications) and the topics of its
conversations; anything else is refused before the
stream opens (the error shape, as JSON: EventSource shows nothing, a developer reads it)."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from conversations.selectors.conversations import conversation_get
from conversations.services.presence import conversation_typing_announce
from conversations.views.common import conversation_or_404
from helpdesk import realtime
from helpdesk.api.exceptions import error_body
from helpdesk.ids import MAX_ID
from helpdesk.models import Role
from helpdesk.templatetags.parley import current_tenant
from helpdesk.views.access import member_view

MAX_TOPICS = 10


def _refuse(status: int, message: str, code: str, fields: dict | None = None) -> JsonResponse:
    return JsonResponse(error_body(message, code, fields), status=status)


@require_GET
def stream(request):
    if not request.user.is_authenticated:
        return _refuse(401, "Sign in to receive live updates.", "not_authenticated")
    tenant = current_tenant(request)
    if tenant is None or not tenant.has_role(Role.AGENT):
        return _refuse(403, "You are not an agent of an organization.", "permission_denied")
    topics = [t.strip() for value in request.GET.getlist("topics") for t in value.split(",") if t.strip()]
    if not topics or len(topics) > MAX_TOPICS:
        message = f"Give between 1 and {MAX_TOPICS} topics, separated by commas."
        return _refuse(400, message, "invalid", {"topics": [message]})
    malformed = [topic for topic in topics if not realtime.TOPIC.match(topic)]
    if malformed:
        message = (
            "Topics are org:<organization id>, agent:<your agent id> or conversation:<conversation uuid>."
        )
        return _refuse(400, message, "invalid", {"topics": [message]})
    organization = tenant.organization
    for topic in topics:
        kind, _, key = topic.partition(":")
        if kind == "org" and int(key) != organization.pk:
            return _refuse(403, "You may follow only your own organization.", "permission_denied")
        if kind == "agent" and int(key) != tenant.membership.pk:
            return _refuse(403, "You may follow only your own notifications.", "permission_denied")
        if kind == "conversation" and conversation_get(organization=organization, uuid=key) is None:
            return _refuse(404, "No such conversation.", "not_found")
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    last_event_id = None
    if raw not in (None, ""):
        if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_ID:
            message = "last_event_id must be a whole number of at least 0."
            return _refuse(400, message, "invalid", {"last_event_id": [message]})
        last_event_id = int(raw)
    return realtime.sse_response(request, topics=topics, last_event_id=last_event_id)


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def typing(request, tenant, uuid):
    """The composer is being typed in: 204 (also when throttled: the browser need not care)."""
    conversation = conversation_or_404(tenant, uuid)
    conversation_typing_announce(
        conversation=conversation, membership=tenant.membership, private=request.POST.get("mode") == "note"
    )
    return HttpResponse(status=204)
