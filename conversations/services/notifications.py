"""What conversations tell agents (``helpdesk.services.notifications``): a conversation assigned
to them, a mention in a private note, a new message in a conversation they take part in, an SLA
target about to breach. Also: an agent's reply to an unassigned conversation assigns it to them
when its team says so (``Team.assign_on_reply``, on by default; no team: on).

``message_created`` subscribes to ``message.created`` (after the commit, so a note is saved
before anyone hears of it); assignments call ``notify_assigned`` from the assignment services;
``sla_warnings_send`` is a beat job."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from conversations.content import preview
from conversations.mentions import mentions_highlight, mentions_resolve
from conversations.models import Conversation, ConversationParticipant, Message, MessageType, SenderType
from conversations.services.activity import actor_name, participant_add
from conversations.services.sla import STOPPED
from helpdesk import events
from helpdesk.models import Membership, NotificationKind
from helpdesk.services.notifications import NotificationDraft, notifications_send

MAX_WARNED_PER_RUN = 2000


def _link(conversation: Conversation) -> str:
    return reverse("conversations:conversation", kwargs={"uuid": conversation.uuid})


def _label(conversation: Conversation) -> str:
    return f"#{conversation.reference_number} {conversation.subject}".strip()


def notify_assigned(
    *, conversations: list[Conversation], agent: Membership | None, actor: Membership | None
) -> None:
    """Tell ``agent`` that ``conversations`` are theirs now (not when they took them themselves).
    Several at once (a bulk assign) make one notification."""
    if agent is None or not conversations or (actor is not None and actor.pk == agent.pk):
        return
    who = actor_name(actor) if actor is not None else "Round robin"
    if len(conversations) == 1:
        conversation = conversations[0]
        draft = NotificationDraft(
            kind=NotificationKind.ASSIGNED,
            title=f"{who} assigned you {_label(conversation)}",
            body=conversation.last_message_preview or "",
            link=_link(conversation),
            conversation_id=conversation.pk,
        )
    else:
        draft = NotificationDraft(
            kind=NotificationKind.ASSIGNED,
            title=f"{who} assigned you {len(conversations)} conversations",
            body=", ".join(f"#{c.reference_number}" for c in conversations[:20]),
            link=reverse("conversations:inbox") + "?tab=mine",
        )
    notifications_send(
        organization=conversations[0].organization, recipients=[agent], draft=draft, actor=actor
    )


def _assign_replier(conversation: Conversation, replier: Membership) -> None:
    from conversations.services.assignment import conversation_assign_agent  # it imports this module

    team = conversation.assigned_team
    if team is not None and not team.assign_on_reply:
        return
    with transaction.atomic():
        fresh = Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        if fresh is None or fresh.assigned_agent_id is not None or not replier.is_active:
            return
        conversation_assign_agent(conversation=conversation, agent=replier, actor=replier)


def _participants(conversation: Conversation, excluded: set[int]) -> list[Membership]:
    ids = ConversationParticipant.objects.filter(conversation=conversation).values_list(
        "membership", flat=True
    )
    return list(
        Membership.objects.filter(pk__in=ids, is_active=True).exclude(pk__in=excluded).select_related("user")
    )


def message_created(organization, name: str, payload: dict) -> None:
    """``message.created`` subscriber: mentions, replies, and assign-on-reply."""
    message = (
        Message.objects.select_related(
            "conversation__organization",
            "conversation__assigned_team",
            "conversation__contact",
            "sender_agent__user",
        )
        .filter(uuid=payload.get("uuid"), organization_id=organization.pk)
        .first()
    )
    if message is None or message.type == MessageType.ACTIVITY:
        return
    if message.sender_type not in (SenderType.AGENT, SenderType.CONTACT):
        return
    conversation, author = message.conversation, message.sender_agent
    mentioned: set[int] = set()
    if message.private and author is not None:
        mentioned = _mentions(message, conversation, author)
    if author is not None:
        who, verb = actor_name(author), "added a note in" if message.private else "replied in"
    else:
        who, verb = conversation.contact.full_name, "wrote in"
    excluded = mentioned | ({author.pk} if author is not None else set())
    _send_about(message, _participants(conversation, excluded), NotificationKind.REPLIED, f"{who} {verb}")
    replied = author is not None and not message.private and message.type == MessageType.OUTGOING
    if replied and conversation.assigned_agent_id is None:
        _assign_replier(conversation, author)


def _mentions(message: Message, conversation: Conversation, author: Membership) -> set[int]:
    found = mentions_resolve(organization=conversation.organization, text=message.text_content)
    if not found:
        return set()
    members = {m.pk: m for named in found.values() for m in named}
    with transaction.atomic():
        message.content = mentions_highlight(message.content, set(found))
        message.meta = {**(message.meta or {}), "mentions": sorted(members)}
        message.save(update_fields=["content", "meta", "updated_at"])
        for member in members.values():
            if member.pk != author.pk:
                participant_add(conversation=conversation, membership=member)
        _send_about(
            message,
            list(members.values()),
            NotificationKind.MENTIONED,
            f"{actor_name(author)} mentioned you in",
        )
    return set(members)


def _send_about(message: Message, recipients: list[Membership], kind: str, what: str) -> None:
    """Notify ``recipients`` of ``message``: "<what> #<ref> <subject>" and the message's start."""
    conversation = message.conversation
    notifications_send(
        organization=conversation.organization,
        recipients=recipients,
        draft=NotificationDraft(
            kind=kind,
            title=f"{what} {_label(conversation)}",
            body=preview(message.text_content),
            link=_link(conversation),
            conversation_id=conversation.pk,
        ),
        actor=message.sender_agent,
    )


def sla_warnings_send(*, now: datetime | None = None) -> int:
    """Beat job: an open conversation whose earliest SLA target is at risk (``sla_at_risk_at``
    passed, its deadline not yet) warns its agent, or its team's agents while it has none, once
    per deadline. Returns how many notifications were created."""
    now = now or timezone.now()
    due = (
        Conversation.objects.filter(
            sla_at_risk_at__lte=now, sla_next_deadline_at__gt=now, merged_into__isnull=True
        )
        .exclude(status__category__in=STOPPED)
        .select_related("organization", "assigned_agent", "assigned_team")
        .order_by("sla_next_deadline_at", "pk")[:MAX_WARNED_PER_RUN]
    )
    created = 0
    for conversation in due:
        if conversation.assigned_agent is not None:
            recipients = [conversation.assigned_agent]
        elif conversation.assigned_team is not None:
            recipients = list(conversation.assigned_team.memberships.filter(is_active=True))
        else:
            continue
        deadline = conversation.sla_next_deadline_at
        minutes = max(int((deadline - now).total_seconds() // 60), 1)
        created += len(
            notifications_send(
                organization=conversation.organization,
                recipients=recipients,
                draft=NotificationDraft(
                    kind=NotificationKind.SLA_WARNING,
                    title=f"SLA target due in {minutes} min: {_label(conversation)}",
                    body=f"Due at {deadline:%Y-%m-%d %H:%M} UTC.",
                    link=_link(conversation),
                    conversation_id=conversation.pk,
                    key=f"sla:{conversation.pk}:{deadline.isoformat()}",
                ),
            )
        )
    return created


def register_notification_subscribers() -> None:
    events.subscribe("message.created", message_created)
