"""Writes of the reports' rollup (``ConversationFacts``): a conversation's row is recomputed from
the conversation, its messages, surveys and breaches, never patched field by field, so the
incremental path and the rebuild give the same rows by construction.

Incremental: the events of a conversation's change (created, updated — status, assignment, tags,
merge —, a message, a CSAT survey asked or answered, an SLA breach, an escalation) queue
``reports.tasks.conversation_facts_refresh`` through the jobs layer, after the change's commit.
A deleted conversation takes its row with it (cascade). Rebuild: ``conversation_facts_rebuild``
(``manage.py reports_facts_rebuild``) recomputes an organization's rows in batches, for existing
data, after a migration, or after business hours changed (durations are stored in the business
time of the hours in force when the row was computed)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from chatbots.models import ChatMessage, MessageRole
from conversations import business_time
from conversations.models import Conversation, CsatSurvey, Message, SenderType, SLABreach, StatusCategory
from reports.models import ConversationFacts
from reports.selectors.durations import organization_schedules

BATCH = 2000
FACT_FIELDS = [
    field.name for field in ConversationFacts._meta.concrete_fields if field.name != "conversation"
]
# The events after which a conversation's row may be out of date, and where their payload names
# it (by uuid, or by id for ``chat.rated``: an answer's thumbs up or down).
EVENT_KEYS = {
    "chat.rated": "conversation_id",
    "conversation.created": "uuid",
    "conversation.updated": "uuid",  # ticket.updated/resolved/closed carry the same change
    "message.created": "conversation_uuid",
    "csat.requested": "conversation_uuid",
    "csat.answered": "conversation_uuid",
    "sla.breached": "uuid",
    "chat.escalated": "conversation_uuid",
}


def _flag(condition: Q):
    return ExpressionWrapper(condition, output_field=BooleanField())


def _annotated(conversations):
    messages = Message.objects.filter(conversation_id=OuterRef("pk"))
    surveys = CsatSurvey.objects.filter(conversation_id=OuterRef("pk"))
    answers = ChatMessage.objects.filter(session__conversation_id=OuterRef("pk"), role=MessageRole.ASSISTANT)
    return conversations.annotate(
        fact_resolved=_flag(
            Q(
                status__category__in=(StatusCategory.RESOLVED, StatusCategory.CLOSED),
                resolved_at__isnull=False,
            )
        ),
        fact_breach_recorded=Exists(SLABreach.objects.filter(conversation_id=OuterRef("pk"))),
        fact_bot=Exists(messages.filter(sender_type=SenderType.BOT)),
        fact_agent=Exists(messages.filter(sender_type=SenderType.AGENT)),
        fact_handoff=Exists(messages.filter(sender_type=SenderType.SYSTEM, meta__handoff=True)),
        fact_csat_good=Exists(surveys.filter(rating__gte=4)),
        fact_csat_bad=Exists(surveys.filter(rating__lte=2)),
        fact_thumbs_up=Exists(answers.filter(rating=1)),
        fact_thumbs_down=Exists(answers.filter(rating=-1)),
    ).values(
        "pk",
        "organization_id",
        "inbox_id",
        "assigned_agent_id",
        "assigned_team_id",
        "merged_into_id",
        "created_at",
        "first_reply_at",
        "resolved_at",
        "closed_at",
        "resolution_count",
        "sla_policy_id",
        "sla_next_deadline_at",
        "first_response_deadline_at",
        "resolution_deadline_at",
        "assigned_team__business_hours_id",
        "sla_policy__business_hours_id",
        "fact_resolved",
        "fact_breach_recorded",
        "fact_bot",
        "fact_agent",
        "fact_handoff",
        "fact_csat_good",
        "fact_csat_bad",
        "fact_thumbs_up",
        "fact_thumbs_down",
    )


def _schedule(row: dict, schedules: dict) -> business_time.Schedule | None:
    """The business hours the conversation's SLA counts in: its team's, else its policy's (the
    rule of ``reports.selectors.durations``); None for calendar time."""
    if row["sla_policy_id"] is None:
        return None
    team_hours = row["assigned_team__business_hours_id"]
    if team_hours is not None:
        return schedules.get(team_hours)
    return schedules.get(row["sla_policy__business_hours_id"])


def _seconds(start, end, schedule) -> float | None:
    if start is None or end is None:
        return None
    if schedule is None:
        return (end - start).total_seconds()
    return business_time.business_minutes_between(start, end, schedule) * 60


def _facts(row: dict, schedules: dict) -> ConversationFacts:
    schedule = _schedule(row, schedules)
    opened, replied, resolved = row["created_at"], row["first_reply_at"], row["resolved_at"]
    first_deadline, resolution_deadline = row["first_response_deadline_at"], row["resolution_deadline_at"]
    breached = (
        row["fact_breach_recorded"]
        or (replied is not None and first_deadline is not None and replied > first_deadline)
        or (resolved is not None and resolution_deadline is not None and resolved > resolution_deadline)
    )
    return ConversationFacts(
        conversation_id=row["pk"],
        organization_id=row["organization_id"],
        inbox_id=row["inbox_id"],
        assigned_agent_id=row["assigned_agent_id"],
        assigned_team_id=row["assigned_team_id"],
        merged=row["merged_into_id"] is not None,
        opened_at=opened,
        first_reply_at=replied,
        resolved_at=resolved,
        closed_at=row["closed_at"],
        resolution_count=row["resolution_count"],
        is_resolved=row["fact_resolved"],
        first_response_seconds=_seconds(opened, replied, schedule),
        resolution_seconds=_seconds(opened, resolved, schedule),
        sla_policy=row["sla_policy_id"] is not None,
        sla_breached=bool(breached),
        sla_pending=row["sla_next_deadline_at"] is not None,
        bot_answered=row["fact_bot"],
        agent_wrote=row["fact_agent"],
        handed_off=row["fact_handoff"],
        csat_good=row["fact_csat_good"],
        csat_bad=row["fact_csat_bad"],
        thumbs_up=row["fact_thumbs_up"],
        thumbs_down=row["fact_thumbs_down"],
    )


def _write(conversations, *, schedules_by_organization: dict) -> int:
    facts = []
    for row in _annotated(conversations):
        organization_id = row["organization_id"]
        if organization_id not in schedules_by_organization:
            schedules_by_organization[organization_id] = organization_schedules(organization_id)
        facts.append(_facts(row, schedules_by_organization[organization_id]))
    ConversationFacts.objects.bulk_create(
        facts,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["conversation"],
        update_fields=FACT_FIELDS,
    )
    return len(facts)


@transaction.atomic
def conversation_facts_refresh(
    *, conversation_ids: Iterable[int] = (), conversation_uuids: Iterable[str] = ()
) -> int:
    """Recompute the rows of these conversations (by id or uuid; unknown ones are skipped).
    Safe to run any number of times. Returns how many rows were written."""
    ids, uuids = [int(value) for value in conversation_ids], [str(value) for value in conversation_uuids]
    if not ids and not uuids:
        return 0
    conversations = Conversation.objects.filter(Q(pk__in=ids) | Q(uuid__in=uuids))
    return _write(conversations, schedules_by_organization={})


def conversation_facts_rebuild(
    *,
    organization_ids: Iterable[int] | None = None,
    missing_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute every row (of these organizations, or of all; with ``missing_only`` only the
    conversations that have none, as after the migration that adds the table), ``BATCH``
    conversations per transaction, calling ``progress(done, total)`` after each batch. Rows whose
    conversation is gone went with it. Returns how many rows were written."""
    conversations = Conversation.objects.all()
    if missing_only:
        conversations = conversations.filter(report_facts__isnull=True)
    if organization_ids is not None:
        conversations = conversations.filter(organization_id__in=list(organization_ids))
    total = conversations.count()
    done, last_pk, schedules = 0, 0, {}
    while True:
        batch = list(conversations.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not batch:
            break
        with transaction.atomic():
            done += _write(Conversation.objects.filter(pk__in=batch), schedules_by_organization=schedules)
        last_pk = batch[-1]
        if progress is not None:
            progress(done, total)
    return done


def conversation_changed(organization, name: str, payload: dict) -> None:
    """Event subscriber: queue the refresh of the conversation the event names. Inside a
    transaction the conversations are collected and refreshed by one job after its commit (a bulk
    change of 500 conversations queues one job, not one per event)."""
    key = EVENT_KEYS.get(name)
    value = payload.get(key) if key else None
    if not value:
        return
    ids, uuids = ([int(value)], []) if key == "conversation_id" else ([], [str(value)])
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _queue_refresh(ids, uuids)
        return
    pending = getattr(connection, PENDING, None)
    # Registered once per transaction; a rolled-back savepoint drops the callback with it, and
    # then the next event registers a new one (an id left from it only refreshes a row again).
    if pending is None or not any(func is _flush_pending for _, func, _ in connection.run_on_commit):
        pending = (set(), set())
        setattr(connection, PENDING, pending)
        transaction.on_commit(_flush_pending)
    pending[0].update(ids)
    pending[1].update(uuids)


PENDING = "_report_facts_pending"
REFRESH_BATCH = 500


def _flush_pending() -> None:
    connection = transaction.get_connection()
    pending = getattr(connection, PENDING, None)
    setattr(connection, PENDING, None)
    if pending:
        _queue_refresh(sorted(pending[0]), sorted(pending[1]))


def _queue_refresh(ids: list[int], uuids: list[str]) -> None:
    from helpdesk.jobs import enqueue_on_commit
    from reports.tasks import conversation_facts_refresh as refresh_task

    for start in range(0, max(len(ids), len(uuids)), REFRESH_BATCH):
        enqueue_on_commit(
            refresh_task, uuids[start : start + REFRESH_BATCH], ids[start : start + REFRESH_BATCH]
        )


def business_hours_changed(organization, name: str, payload: dict) -> None:
    """Event subscriber: durations are stored in business time, so new hours recount the
    organization's rows (a background job; the reports read the old rows until it is done)."""
    from helpdesk.jobs import enqueue_on_commit
    from reports.tasks import organization_facts_rebuild

    enqueue_on_commit(organization_facts_rebuild, int(payload["organization_id"]))
