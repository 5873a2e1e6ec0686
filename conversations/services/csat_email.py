"""The email channel's resolve message: when a conversation of an email inbox is resolved and
its inbox asks for satisfaction (an ``email`` survey), the contact is
mailed that it is resolved, with the survey's signed link. It is a system message of the thread
(agents see it was sent, with its delivery state and retry), mailed like a reply: our
Message-ID and the thread's headers, so an answer to it comes back to the conversation and
reopens it. The link itself is added when the mail is made (``survey_mail_parts``), so the
stored message (shown to agents, returned by the API) never carries the contact's token."""

from __future__ import annotations

from html import escape

from django.db import transaction

from conversations.models import Channel, CsatSurvey, Message, SenderType, StatusCategory
from conversations.services.csat import QUESTION, csat_link
from conversations.services.messages import message_create

RESOLVED_NOTICE = (
    "We have marked this conversation as resolved. If you still need help, reply to this email "
    "and the conversation opens again."
)
SURVEY_META = "csat_survey_id"
RATING_WORDS = {1: "Very poor", 2: "Poor", 3: "OK", 4: "Good", 5: "Great"}


def csat_resolve_mail(*, survey_id: int) -> Message | None:
    """Mail the resolve message of an email survey, once its resolution has committed (once: a
    message of the survey is looked up first). Nothing for an answered survey, a contact without
    an address, or a conversation reopened meanwhile."""
    survey = (
        CsatSurvey.objects.select_related(
            "conversation__inbox", "conversation__contact", "conversation__status"
        )
        .filter(pk=survey_id, channel=Channel.EMAIL)
        .first()
    )
    if survey is None or survey.answered_at is not None:
        return None
    conversation = survey.conversation
    if (
        not conversation.contact.email
        or conversation.merged_into_id
        or conversation.status.category != StatusCategory.RESOLVED
    ):
        return None
    with transaction.atomic():
        if Message.objects.filter(conversation=conversation, **{f"meta__{SURVEY_META}": survey.pk}).exists():
            return None
        message = message_create(
            conversation=conversation,
            content=RESOLVED_NOTICE,
            actor=None,
            sender_type=SenderType.SYSTEM,
            mailed=True,
        )
        message.meta = {**message.meta, SURVEY_META: survey.pk}
        Message.objects.filter(pk=message.pk).update(meta=message.meta)
    return message


def survey_mail_parts(message: Message) -> tuple[str, str] | None:
    """The text and HTML the mail of a resolve message adds: "How did we do?" with a link per
    rating and the survey's own link. None for any other message, or once the survey is answered."""
    survey_id = (message.meta or {}).get(SURVEY_META)
    if not survey_id:
        return None
    survey = (
        CsatSurvey.objects.select_related("conversation")
        .filter(pk=survey_id, conversation_id=message.conversation_id, answered_at__isnull=True)
        .first()
    )
    if survey is None:
        return None
    link = csat_link(survey)
    text = f"{QUESTION} Rate the conversation from 1 to 5:\n{link}"
    ratings = " · ".join(
        f'<a href="{escape(link)}?rating={value}">{value} {escape(word)}</a>'
        for value, word in sorted(RATING_WORDS.items(), reverse=True)
    )
    html = f'<p><strong>{escape(QUESTION)}</strong> {ratings}</p><p><a href="{escape(link)}">Rate the conversation</a></p>'
    return text, html
