"""The conversations domain: contacts, inboxes, conversations (= tickets), messages and
attachments, statuses/priorities/tags, saved views, canned responses, macros, SLA."""

from conversations.models.contacts import Contact, ContactNote
from conversations.models.conversations import (
    Conversation,
    ConversationParticipant,
    ConversationReadState,
    Priority,
    ReferenceSequence,
    Status,
    StatusCategory,
    Tag,
)
from conversations.models.csat import CsatSurvey
from conversations.models.domains import Domain, WidgetPosition, WidgetVisitor
from conversations.models.inboxes import Channel, Inbox
from conversations.models.mailboxes import (
    AfterImport,
    BotMode,
    EmailDirection,
    EmailOutcome,
    EmailRecord,
    Mailbox,
    MailboxSecurity,
)
from conversations.models.messages import (
    Attachment,
    Message,
    MessageStatus,
    MessageType,
    SenderType,
)
from conversations.models.sla import BusinessHours, RoundRobinState, SLABreach, SLAMetric, SLAPolicy
from conversations.models.workflow import CannedResponse, Macro, SavedView, ViewVisibility

__all__ = [
    "AfterImport",
    "BotMode",
    "EmailDirection",
    "EmailOutcome",
    "EmailRecord",
    "Mailbox",
    "MailboxSecurity",
    "Attachment",
    "BusinessHours",
    "CannedResponse",
    "Channel",
    "Contact",
    "ContactNote",
    "Conversation",
    "Domain",
    "ConversationParticipant",
    "ConversationReadState",
    "Inbox",
    "Macro",
    "Message",
    "MessageStatus",
    "MessageType",
    "Priority",
    "ReferenceSequence",
    "RoundRobinState",
    "SLABreach",
    "SLAMetric",
    "SLAPolicy",
    "SavedView",
    "CsatSurvey",
    "SenderType",
    "Status",
    "StatusCategory",
    "Tag",
    "ViewVisibility",
    "WidgetPosition",
    "WidgetVisitor",
]
