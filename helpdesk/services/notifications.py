"""Notifications: what one agent should look at (assigned to them, a mention, a reply in their
conversation, an SLA target close to breach), pushed live on the agent's own real-time topic
(``agent:<membership id>``), read and marked read in the UI and the API. A mention also goes by
email to an agent who is not online (``NotificationPreference.email_mentions_when_away``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from helpdesk import mail, realtime
from helpdesk.errors import DomainError
from helpdesk.models import Availability, Membership, Notification, NotificationKind, NotificationPreference

TITLE_MAX = 200
BODY_MAX = 300


class NotificationNotFound(DomainError):
    code = "not_found"


@dataclass(frozen=True)
class NotificationDraft:
    """What a notification says; the sender decides who gets it."""

    kind: str
    title: str
    body: str = ""
    link: str = ""
    conversation_id: int | None = None
    key: str = ""


def _clip(text: str, length: int) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


def preferences_for(memberships: list[Membership]) -> dict[int, NotificationPreference]:
    """Each member's preferences (one query); members without a row get the defaults, unsaved."""
    stored = {p.membership_id: p for p in NotificationPreference.objects.filter(membership__in=memberships)}
    return {m.pk: stored.get(m.pk) or NotificationPreference(membership=m) for m in memberships}


def notifications_send(
    *, organization, recipients: list[Membership], draft: NotificationDraft, actor: Membership | None = None
) -> list[Notification]:
    """Create the notification for each recipient who wants this kind (never the actor, never a
    disabled member), push it to their open pages after the commit, and queue the email of a
    mention to those who are not online. With ``draft.key``, a recipient who had it already is
    skipped, so a job may send the same warning again safely. Returns the notifications created."""
    if draft.kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {draft.kind!r}")
    unique = {m.pk: m for m in recipients if m is not None}
    people = [
        m
        for m in unique.values()
        if m.organization_id == organization.pk and m.is_active and (actor is None or m.pk != actor.pk)
    ]
    if not people:
        return []
    preferences = preferences_for(people)
    people = [m for m in people if preferences[m.pk].wants(draft.kind)]
    if draft.key and people:
        had = set(
            Notification.objects.filter(recipient__in=people, key=draft.key).values_list(
                "recipient", flat=True
            )
        )
        people = [m for m in people if m.pk not in had]
    rows = [
        Notification(
            organization_id=organization.pk,
            recipient=m,
            actor=actor,
            kind=draft.kind,
            title=_clip(draft.title, TITLE_MAX),
            body=_clip(draft.body, BODY_MAX),
            link=draft.link[:300],
            conversation_id=draft.conversation_id,
            key=draft.key[:200],
        )
        for m in people
    ]
    if not rows:
        return []
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:  # the same keyed notification was created meanwhile
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue
            created.append(row)
    _push(organization.pk, created, preferences)
    if draft.kind == NotificationKind.MENTIONED:
        for notification in created:
            member = unique[notification.recipient_id]
            away = member.availability_status != Availability.ONLINE
            if away and preferences[member.pk].email_mentions_when_away:
                _queue_email(notification)
    return created


def unread_counts(recipient_ids: list[int]) -> dict[int, int]:
    rows = (
        Notification.objects.filter(recipient_id__in=recipient_ids, read_at__isnull=True)
        .values("recipient")
        .annotate(unread=Count("id"))
    )
    return {row["recipient"]: row["unread"] for row in rows}


def notification_data(notification: Notification) -> dict:
    """What a page needs to show a notification (the real-time event's data)."""
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "link": notification.link,
        "read": notification.is_read,
        "created_at": notification.created_at.isoformat() if notification.created_at else None,
    }


def _push(organization_id: int, created: list[Notification], preferences: dict) -> None:
    """Each new notification to its recipient's open pages, with their unread count and whether
    they want a browser notification and a sound for it."""
    counts = unread_counts([n.recipient_id for n in created])
    for notification in created:
        preference = preferences[notification.recipient_id]
        realtime.publish(
            organization_id=organization_id,
            topics=[realtime.agent_topic(notification.recipient_id)],
            event="notification.created",
            data={
                **notification_data(notification),
                "unread": counts.get(notification.recipient_id, 0),
                "browser": preference.browser,
                "sound": preference.sound,
            },
        )


def _push_read(membership: Membership, ids: list[int] | None) -> None:
    realtime.publish(
        organization_id=membership.organization_id,
        topics=[realtime.agent_topic(membership.pk)],
        event="notification.read",
        data={"ids": ids, "unread": unread_counts([membership.pk]).get(membership.pk, 0)},
    )


def notification_mark_read(*, membership: Membership, notification_id: int) -> Notification:
    """Mark one of the member's own notifications read (again: no change). Another member's or
    organization's notification is not found."""
    notification = Notification.objects.filter(
        pk=notification_id, recipient=membership, organization_id=membership.organization_id
    ).first()
    if notification is None:
        raise NotificationNotFound("Notification not found.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        _push_read(membership, [notification.pk])
    return notification


def notifications_mark_all_read(*, membership: Membership) -> int:
    """Mark every unread notification of the member read; returns how many changed."""
    changed = Notification.objects.filter(recipient=membership, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if changed:
        _push_read(membership, None)
    return changed


def notifications_mark_conversation_read(*, membership: Membership, conversation_id: int) -> int:
    """Opening a conversation reads the member's notifications about it."""
    changed = Notification.objects.filter(
        recipient=membership, conversation_id=conversation_id, read_at__isnull=True
    ).update(read_at=timezone.now())
    if changed:
        _push_read(membership, None)
    return changed


def notification_preference_update(
    *,
    membership: Membership,
    assigned: bool,
    mentioned: bool,
    replied: bool,
    sla_warning: bool,
    email_mentions_when_away: bool,
    browser: bool,
    sound: bool,
) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.update_or_create(
        membership=membership,
        defaults={
            "assigned": assigned,
            "mentioned": mentioned,
            "replied": replied,
            "sla_warning": sla_warning,
            "email_mentions_when_away": email_mentions_when_away,
            "browser": browser,
            "sound": sound,
        },
    )
    return preference


def _queue_email(notification: Notification) -> None:
    from helpdesk import jobs, tasks  # tasks import services: import lazily

    jobs.enqueue_on_commit(tasks.notification_email, notification.pk, on_unqueued=lambda reason: None)


def notification_email_send(*, notification_id: int) -> bool:
    """Mail a mention to its recipient through the outbound mail adapter, once: the row is
    claimed (``emailed_at``) before the mail server talks and released again when it could not
    be reached (``MailUnavailable`` propagates, so the task retries). A notification read in
    the meantime is not mailed. True when it was sent."""
    claimed = Notification.objects.filter(
        pk=notification_id, emailed_at__isnull=True, read_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient__user", "organization").get(
        pk=notification_id
    )
    user = notification.recipient.user
    link = f"{settings.SITE_URL.rstrip('/')}{notification.link}" if notification.link else settings.SITE_URL
    text = "\n\n".join(
        part for part in (notification.title, notification.body, f"Open it in Parley: {link}") if part
    )
    message = EmailMessage(
        subject=f"[{notification.organization.name}] {notification.title}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    try:
        mail.send(message)
    except mail.MailUnavailable:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True
