"""Customer satisfaction: each resolution of a conversation asks its contact "How did we do?"
once (when the inbox has CSAT on); the contact answers once, in the widget (visitor token), on
the public page of a signed link (the email channel's resolve message carries it:
``services.csat_email``), or through
the API. Asking publishes ``csat.requested`` to the conversation's real-time topic (the widget
reads it) and emits the domain event of the same name; answering records an activity entry for
the agents and publishes ``csat.answered``."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from conversations.errors import NotFound
from conversations.models import Channel, Conversation, CsatSurvey
from conversations.models.csat import COMMENT_MAX_LENGTH, RATING_MAX, RATING_MIN
from conversations.services.activity import activity_record
from helpdesk import events, realtime
from helpdesk.errors import DomainError

QUESTION = "How did we do?"
LINK_SALT = "parley.csat.link"
LINK_MAX_AGE = timedelta(days=30)

logger = logging.getLogger(__name__)


class CsatError(DomainError):
    """A rating outside 1–5 or a comment too long (400)."""


class CsatAlreadyAnswered(DomainError):
    code = "conflict"


class CsatLinkInvalid(DomainError):
    """Not a link we signed, or signed for another conversation's survey."""

    code = "invalid_credentials"


class CsatLinkExpired(DomainError):
    code = "link_expired"

    @property
    def status_code(self) -> int:
        return 401


def survey_payload(survey: CsatSurvey) -> dict:
    return {
        "id": survey.pk,
        "conversation_uuid": str(survey.conversation.uuid),
        "conversation_id": survey.conversation_id,
        "resolution_seq": survey.resolution_seq,
        "channel": survey.channel,
        "question": QUESTION,
        "asked_at": survey.asked_at.isoformat(),
        "rating": survey.rating,
        "comment": survey.comment,
        "answered_at": survey.answered_at.isoformat() if survey.answered_at else None,
    }


def _asks(conversation: Conversation) -> bool:
    return (
        conversation.inbox.csat_enabled
        and conversation.contact_id is not None
        and conversation.contact.enabled
        and not conversation.merged_into_id
    )


@transaction.atomic
def csat_conversations_resolved(*, conversations: list[Conversation]) -> list[CsatSurvey]:
    """Count one more resolution of each conversation (they have just moved into a resolved
    status) and ask the contact of each whose inbox has CSAT on. A fixed number of queries for
    any number of conversations (the bulk status change passes them all at once). The counter
    is read under a row lock and never goes below the last survey's number, so a survey is
    asked exactly once per resolution even if a stale copy of the row was saved meanwhile."""
    if not conversations:
        return []
    ids = [conversation.pk for conversation in conversations]
    counts = dict(
        Conversation.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "resolution_count")
    )
    asked = dict(
        CsatSurvey.objects.filter(conversation_id__in=ids)
        .values("conversation_id")
        .annotate(last=Max("resolution_seq"))
        .values_list("conversation_id", "last")
    )
    now = timezone.now()
    surveys = []
    for conversation in conversations:
        number = max(counts.get(conversation.pk, 0), asked.get(conversation.pk, 0)) + 1
        conversation.resolution_count = number
        if _asks(conversation):
            surveys.append(
                CsatSurvey(
                    organization_id=conversation.organization_id,
                    conversation=conversation,
                    contact_id=conversation.contact_id,
                    inbox_id=conversation.inbox_id,
                    resolution_seq=number,
                    channel=conversation.inbox.channel,
                    asked_at=now,
                )
            )
    Conversation.objects.bulk_update(conversations, ["resolution_count"])
    CsatSurvey.objects.bulk_create(surveys)
    for survey in surveys:
        _announce(survey, "csat.requested")
    mailed = [survey.pk for survey in surveys if survey.channel == Channel.EMAIL]
    if mailed:  # the email channel asks in its resolve message, mailed once this commits
        transaction.on_commit(lambda: _mail_resolved(mailed))
    return surveys


def _mail_resolved(survey_ids: list[int]) -> None:
    from conversations.services.csat_email import csat_resolve_mail  # it imports this module

    for survey_id in survey_ids:
        try:
            csat_resolve_mail(survey_id=survey_id)
        except Exception:  # one contact's notice failing must not stop the others'
            logger.exception("the resolve message of CSAT survey %s could not be queued", survey_id)


def csat_conversation_resolved(*, conversation: Conversation) -> CsatSurvey | None:
    """``csat_conversations_resolved`` for one conversation: its survey, or None when none is asked."""
    surveys = csat_conversations_resolved(conversations=[conversation])
    return surveys[0] if surveys else None


def _announce(survey: CsatSurvey, event: str) -> None:
    payload = survey_payload(survey)
    organization_id = survey.organization_id
    topics = [realtime.conversation_topic(survey.conversation.uuid)]
    if event == "csat.answered":
        topics.insert(0, realtime.org_topic(organization_id))
    realtime.publish(organization_id=organization_id, topics=topics, event=event, data=payload)
    events.emit(survey.conversation.organization, event, payload)


@transaction.atomic
def csat_answer(*, survey: CsatSurvey, rating: int, comment: str = "") -> CsatSurvey:
    """The contact's answer: ``rating`` 1–5 and an optional comment (plain text, at most
    2,000 characters). Once per survey: a second answer is refused (409) and changes nothing."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not RATING_MIN <= rating <= RATING_MAX:
        raise CsatError(f"The rating is a whole number from {RATING_MIN} to {RATING_MAX}.", field="rating")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise CsatError(f"A comment has at most {COMMENT_MAX_LENGTH} characters.", field="comment")
    now = timezone.now()
    # One conditional UPDATE: of two answers racing, exactly one finds the survey unanswered.
    answered = CsatSurvey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
        rating=rating, comment=comment, answered_at=now
    )
    if not answered:
        raise CsatAlreadyAnswered("This survey has been answered already: thank you!")
    survey.rating, survey.comment, survey.answered_at = rating, comment, now
    conversation = survey.conversation
    name = conversation.contact.full_name or "The contact"
    text = f"{name} rated the conversation {rating}/5"
    if comment:
        text += f": “{comment[:300]}{'…' if len(comment) > 300 else ''}”"
    activity_record(
        conversation=conversation,
        actor=None,
        action="csat_answered",
        text=text,
        meta={"csat_survey_id": survey.pk, "rating": rating, "resolution_seq": survey.resolution_seq},
    )
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=now)  # the agents' pages refresh
    _announce(survey, "csat.answered")
    return survey


# ---------- the signed link (email) ----------


def csat_link_token(survey: CsatSurvey) -> str:
    """A token naming this survey of this conversation, signed with the secret key (it cannot be
    forged or pointed at another survey), valid for 30 days from when it is made."""
    return signing.dumps({"s": survey.pk, "c": str(survey.conversation.uuid)}, salt=LINK_SALT, compress=False)


def csat_link(survey: CsatSurvey) -> str:
    """The absolute address of the survey's public page (``/csat/<token>``), for the email
    channel's resolve message. ``?rating=N`` appended preselects an answer (nothing is stored
    until the contact submits the page)."""
    path = reverse("conversations:csat", kwargs={"token": csat_link_token(survey)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def csat_survey_for_token(*, token: str, conversation_uuid=None) -> CsatSurvey:
    """The survey a link token names. Raises ``CsatLinkExpired`` after 30 days and
    ``CsatLinkInvalid`` for anything we did not sign, an unknown survey, or (with
    ``conversation_uuid``) a token of another conversation."""
    if not token or len(token) > 300:
        raise CsatLinkInvalid("This survey link is not valid.")
    try:
        value = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise CsatLinkExpired("This survey link has expired (links are valid for 30 days).") from None
    except signing.BadSignature:
        raise CsatLinkInvalid("This survey link is not valid.") from None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("s"), int)
        or not isinstance(value.get("c"), str)
    ):
        raise CsatLinkInvalid("This survey link is not valid.")
    if conversation_uuid is not None and value["c"] != str(conversation_uuid):
        raise NotFound("Conversation not found.")  # as for any conversation the caller may not see
    survey = (
        CsatSurvey.objects.select_related("conversation__contact", "conversation__organization", "inbox")
        .filter(pk=value["s"], conversation__uuid=value["c"])
        .first()
    )
    if survey is None:
        raise CsatLinkInvalid("This survey link is not valid.")
    return survey
