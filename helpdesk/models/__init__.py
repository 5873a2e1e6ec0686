"""Core domain: organizations, people, teams, credentials, long jobs, webhooks and real-time events."""

from helpdesk.models.api_key import ApiKey
from helpdesk.models.invitation import Invitation, InvitationStatus
from helpdesk.models.notification import Notification, NotificationKind, NotificationPreference
from helpdesk.models.operation import Operation
from helpdesk.models.organization import PLAN_LIMITS, Organization, Plan
from helpdesk.models.people import Availability, Membership, Role, User
from helpdesk.models.realtime import RealtimeEvent
from helpdesk.models.team import Team
from helpdesk.models.webhook import Webhook, WebhookDelivery

__all__ = [
    "PLAN_LIMITS",
    "ApiKey",
    "Availability",
    "Invitation",
    "InvitationStatus",
    "Membership",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Operation",
    "Organization",
    "Plan",
    "RealtimeEvent",
    "Role",
    "Team",
    "User",
    "Webhook",
    "WebhookDelivery",
]
