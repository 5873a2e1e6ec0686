"""An honest estimate of a training's time left (issue 12): none before a first document is
processed ("estimating…", never "about 0 minutes left" at 0/10), then from the observed pace,
"less than a minute left" under a minute; the polled progress partial says the same."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chatbots.models import Training, TrainingStatus
from chatbots.services import training as training_services
from chatbots.services.training import training_time_left
from knowledge.models import TrainingStatus as DocumentTrainingStatus
from knowledge.services.ingestion import chunking_signature
from tests.chatbots.factories import ChatbotFactory
from tests.chatbots.test_ui_chatbots import plain_document, signed_in

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def training_at(done: int, seconds_left: float | None, total: int = 10) -> Training:
    completion = None if seconds_left is None else NOW + timedelta(seconds=seconds_left)
    return Training(
        status=TrainingStatus.RUNNING,
        documents_processed=done,
        total_documents=total,
        estimated_completion=completion,
    )


@pytest.mark.parametrize(
    ("done", "seconds_left", "text"),
    [
        (0, None, "estimating…"),
        (0, 0, "estimating…"),  # a stale guess at 0/10 is not shown
        (0, 600, "estimating…"),
        (1, None, "estimating…"),
        (1, 0, "less than a minute left"),
        (9, -30, "less than a minute left"),  # past the estimate on the last document
        (5, 59, "less than a minute left"),
        (5, 60, "about 1 min left"),
        (5, 61, "about 2 min left"),
        (3, 59 * 60, "about 59 min left"),
        (3, 3600, "about 1 h left"),
        (3, 3600 + 20 * 60, "about 1 h 20 min left"),
    ],
)
def test_the_words_of_the_estimate(done, seconds_left, text):
    assert training_time_left(training_at(done, seconds_left), now=NOW) == text


@pytest.fixture
def bot(org):
    return ChatbotFactory(organization=org, name="Trainee")


def indexed_documents(org, count):
    """Documents indexed already with the default chunking: the run attaches them without parsing."""
    signature = chunking_signature()
    return [
        plain_document(org, f"Manual {n}", training_status=DocumentTrainingStatus.TRAINED, chunking=signature)
        for n in range(count)
    ]


def test_no_estimate_before_a_first_document_then_the_observed_pace(org, bot, monkeypatch):
    documents = indexed_documents(org, 4)
    training = training_services.training_create(chatbot=bot, document_ids=[d.pk for d in documents])
    assert training.estimated_completion is None

    # The run's clock: 10 s per document; the estimates it stores after each one are recorded.
    ticks = itertools.count(0, 10)
    monkeypatch.setattr(training_services.time, "perf_counter", lambda: next(ticks))
    monkeypatch.setattr(training_services.timezone, "now", lambda: NOW)
    seen = []
    real_set = training_services._set

    def recording_set(record, **fields):
        real_set(record, **fields)
        if "documents_processed" in fields and record.status == TrainingStatus.RUNNING:
            seen.append((record.documents_processed, record.estimated_completion))

    monkeypatch.setattr(training_services, "_set", recording_set)

    training_services.training_run(training=Training.objects.get(pk=training.pk))

    assert seen == [
        (0, None),
        (1, NOW + timedelta(seconds=30)),
        (2, NOW + timedelta(seconds=20)),
        (3, NOW + timedelta(seconds=10)),
        (4, NOW),
    ]


def test_a_retried_training_estimates_again(org, bot):
    documents = indexed_documents(org, 2)
    training = training_services.training_create(chatbot=bot, document_ids=[d.pk for d in documents])
    Training.objects.filter(pk=training.pk).update(
        status=TrainingStatus.FAILED, documents_processed=1, estimated_completion=timezone.now()
    )

    training_services.training_operation_reopen(training.operation)

    training.refresh_from_db()
    assert (training.status, training.documents_processed, training.estimated_completion) == (
        TrainingStatus.PENDING,
        0,
        None,
    )


def status_partial(client, member, bot, training) -> str:
    url = reverse("chatbots:training-status", args=[bot.pk, training.training_id])
    return signed_in(client, member).get(url).content.decode()


def test_the_progress_partial_says_estimating_at_zero_of_ten(client, agent, org, bot):
    documents = [plain_document(org, f"Guide {n}") for n in range(10)]
    training = training_services.training_create(chatbot=bot, document_ids=[d.pk for d in documents])
    # What the old first guess left behind: a completion time already past, nothing processed.
    Training.objects.filter(pk=training.pk).update(
        status=TrainingStatus.RUNNING, estimated_completion=timezone.now() - timedelta(minutes=1)
    )

    partial = status_partial(client, agent, bot, training)

    assert "0</strong> of 10 documents processed" in partial
    assert "<span data-time-left>estimating…</span>" in partial
    assert "0 minutes" not in partial


def test_the_progress_partial_words_the_pace(client, agent, org, bot):
    documents = [plain_document(org, f"Guide {n}") for n in range(10)]
    training = training_services.training_create(chatbot=bot, document_ids=[d.pk for d in documents])
    Training.objects.filter(pk=training.pk).update(
        status=TrainingStatus.RUNNING,
        documents_processed=4,
        estimated_completion=timezone.now() + timedelta(minutes=7, seconds=30),
    )
    assert "<span data-time-left>about 8 min left</span>" in status_partial(client, agent, bot, training)

    Training.objects.filter(pk=training.pk).update(
        documents_processed=9, estimated_completion=timezone.now() + timedelta(seconds=20)
    )
    assert "<span data-time-left>less than a minute left</span>" in status_partial(
        client, agent, bot, training
    )


def test_a_queued_training_promises_no_time(client, agent, org, bot):
    documents = [plain_document(org, f"Guide {n}") for n in range(3)]
    training = training_services.training_create(chatbot=bot, document_ids=[d.pk for d in documents])

    partial = status_partial(client, agent, bot, training)

    assert "Queued: waiting for a worker" in partial and "done in about" not in partial
