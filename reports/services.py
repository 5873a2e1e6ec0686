"""The one write the reports offer: "write the answer" to a group of unanswered questions. It goes
through the chatbots' answer monitor (``monitor_update``), which records a verified knowledge-base
item with the knowledge services and marks each answer of the group as verified by it, so the
group leaves the unanswered list and the bots answer from the item from now on."""

from __future__ import annotations

from django.db import transaction

from chatbots.models import ChatMessage, MessageRole
from chatbots.services.monitor import monitor_update
from helpdesk.models import Membership, Organization
from reports.errors import ReportError

MAX_ANSWERS = 50


@transaction.atomic
def unanswered_answer_write(
    *,
    organization: Organization,
    membership: Membership | None,
    answer_ids: list[int],
    question: str,
    answer: str,
):
    """Verify ``question``/``answer`` as a knowledge-base item for the organization's answers
    ``answer_ids`` (at most ``MAX_ANSWERS``). Returns the item."""
    ids = [int(value) for value in answer_ids][:MAX_ANSWERS]
    if not question.strip():
        raise ReportError("Write the question.", field="question")
    if not answer.strip():
        raise ReportError("Write the answer.", field="answer")
    answers = list(
        ChatMessage.objects.filter(
            organization=organization, role=MessageRole.ASSISTANT, pk__in=ids
        ).order_by("pk")
    )
    if not answers or len(answers) != len(set(ids)):
        raise ReportError("Unanswered question not found.", field="answer_ids", code="not_found")
    item = None
    for record in answers:
        record = monitor_update(
            message=record, membership=membership, question=question, answer=answer, verification_indicator=1
        )
        item = record.verified_item
    return item
