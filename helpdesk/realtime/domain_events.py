"""The real-time channel as one more subscriber of the domain events (``helpdesk.events``): what
agents' inbox lists, open conversations and widget visitors need to refresh, and no more.

Private notes and activity entries go to the organization's agents only (``org:`` topic), never
to the conversation's topic, which the widget visitor reads too."""

from __future__ import annotations

from helpdesk import events, realtime

RELAYED = ("conversation.created", "conversation.updated", "message.created")


def relay(organization, name: str, payload: dict) -> None:
    organization_id = organization.pk
    agents = realtime.org_topic(organization_id)
    if name == "message.created":
        conversation = realtime.conversation_topic(payload["conversation_uuid"])
        public = not payload.get("private") and payload.get("type") != "activity"
        data = {
            "conversation_uuid": payload["conversation_uuid"],
            "message_uuid": payload["uuid"],
            "type": payload.get("type"),
            "sender_type": payload.get("sender_type"),
            "private": not public,
            "created_at": payload.get("created_at"),
        }
        if public:  # what the widget shows; agents render from their own page
            data["content"] = payload.get("content", "")
        realtime.publish(
            organization_id=organization_id,
            topics=[agents, conversation] if public else [agents],
            event=name,
            data=data,
        )
        return
    data = {
        "conversation_uuid": payload["uuid"],
        "status": payload.get("status"),
        "status_category": payload.get("status_category"),
        "assigned_user_id": payload.get("assigned_user_id"),
        "assigned_team_id": payload.get("assigned_team_id"),
    }
    if "changes" in payload:
        data["changed"] = sorted(payload["changes"])
    topics = (
        [agents] if name == "conversation.created" else [agents, realtime.conversation_topic(payload["uuid"])]
    )
    realtime.publish(organization_id=organization_id, topics=topics, event=name, data=data)


def register_realtime_subscriber() -> None:
    for name in RELAYED:
        events.subscribe(name, relay)
