"""Training jobs (Novumdesk ``documents/train``), run on the ``ai`` queue:

* ``rag``: (re)index the chosen documents with the requested chunking through the knowledge
  ingestion, one after the other, and attach them to the bot (a document already indexed with
  the same chunking signature, ``knowledge.services.ingestion.chunking_signature``, is attached
  without indexing it again); progress per document, with an
  estimated completion time from the pace so far.
* ``modelfile``: create a derived Ollama model (``/api/create``) named ``parley-<org>-<bot>`` from
  the bot's model with its system prompt and parameters (temperature, num_predict) baked in; the
  bot answers with it until one of those settings changes.

Both move ``pending → running → succeeded | failed`` (mirrored on an ``Operation``) and emit
``training.completed`` with the outcome."""

from __future__ import annotations

import logging
import math
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from chatbots.models import Chatbot, Training, TrainingStatus, TrainingType
from chatbots.services.chatbots import organization_documents, parse_document_ids
from chatbots.services.prompting import system_message
from helpdesk import events, ollama
from helpdesk.errors import BackendUnavailable, DomainError
from helpdesk.models import Membership, Operation
from helpdesk.services import operations as operation_services
from knowledge.chunking import check_chunking

logger = logging.getLogger(__name__)

TRAINING_KIND = "chatbot.training"


class TrainingError(DomainError):
    pass


def derived_model_name(chatbot: Chatbot) -> str:
    bot = slugify(chatbot.name)[:40].strip("-") or "bot"
    org = slugify(chatbot.organization.slug)[:60].strip("-") or f"org{chatbot.organization_id}"
    return f"parley-{org}-{bot}-{chatbot.pk}"


def _estimate(seconds: float):
    """When the run should end, ``seconds`` from now. Only ever from the observed pace: before a
    first document is processed there is no estimate (``None``; the UI says "estimating…")."""
    return timezone.now() + timedelta(seconds=max(seconds, 0.0))


def training_time_left(training: Training, now=None) -> str:
    """The words of a running indexing's estimate: "estimating…" until a document is processed,
    "less than a minute left" under a minute (or past the estimate on the last ones), then
    "about 3 min left" / "about 1 h 20 min left" (minutes rounded up)."""
    if training.documents_processed <= 0 or training.estimated_completion is None:
        return "estimating…"
    seconds = (training.estimated_completion - (now or timezone.now())).total_seconds()
    if seconds < 60:
        return "less than a minute left"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min left"
    hours, minutes = divmod(minutes, 60)
    return f"about {hours} h {minutes} min left" if minutes else f"about {hours} h left"


def _queue(training: Training) -> None:
    from chatbots import tasks  # tasks import services: import lazily
    from helpdesk import jobs

    jobs.enqueue_on_commit(
        tasks.run_training,
        str(training.training_id),
        str(training.operation_id),
        operation=training.operation,
    )


@transaction.atomic
def training_create(
    *,
    chatbot: Chatbot,
    training_type: str = TrainingType.RAG,
    document_ids=None,
    model: str | None = None,
    ollama_endpoint: str | None = None,
    chunk_size: int | None = None,
    overlap: int | None = None,
    created_by: Membership | None = None,
) -> Training:
    """Check the request and queue the job. ``rag`` needs documents of the organization (with
    ``train_ai`` on) and chunk settings within ``knowledge.chunking``'s limits; ``modelfile`` uses
    ``model`` as the base (default: the bot's model)."""
    organization = chatbot.organization
    if training_type not in TrainingType.values:
        raise TrainingError("training_type must be rag or modelfile.", field="training_type")
    check_chunking(chunk_size=chunk_size, overlap=overlap)
    if ollama_endpoint:
        wanted = ollama.resolve_endpoint(organization, ollama_endpoint, field="ollama_endpoint")
        current = ollama.resolve_endpoint(organization, chatbot.ollama_endpoint or None)
        if wanted != current:
            raise TrainingError(
                "Train on the chatbot's own Ollama endpoint (change the chatbot's endpoint first).",
                field="ollama_endpoint",
            )
    ids = parse_document_ids(document_ids, field="document_ids")
    base = ollama.validate_model_name(model) if (model or "").strip() else chatbot.model
    if training_type == TrainingType.RAG:
        if not ids:
            raise TrainingError("Choose the documents to train on.", field="document_ids")
        documents = organization_documents(organization=organization, ids=ids, field="document_ids")
        excluded = [d.pk for d in documents if not d.train_ai]
        if excluded:
            raise TrainingError(
                f"Documents {', '.join(map(str, excluded))} are excluded from AI training (train_ai is off).",
                field="document_ids",
            )
        total = len(documents)
    else:
        total = 0
    training = Training.objects.create(
        organization=organization,
        chatbot=chatbot,
        training_type=training_type,
        model=base if training_type == TrainingType.MODELFILE else (model or "").strip(),
        document_ids=ids,
        chunk_size=chunk_size,
        overlap=overlap,
        total_documents=total,
        estimated_completion=None,
        created_by=created_by,
    )
    training.operation = operation_services.operation_create(
        organization=organization,
        kind=TRAINING_KIND,
        total=total or 1,
        message="Queued",
        params={"training_id": str(training.training_id)},
        target_type="training",
        target_id=str(training.training_id),
        created_by=created_by,
    )
    training.save(update_fields=["operation", "updated_at"])
    _queue(training)
    return training


def _operation_training(operation: Operation) -> Training | None:
    return (
        Training.objects.select_related("organization", "operation")
        .filter(organization_id=operation.organization_id, training_id=operation.params.get("training_id"))
        .first()
    )


def training_operation_reopen(operation: Operation) -> None:
    """Before a failed training is queued again (``POST operations/{id}/retry``)."""
    training = _operation_training(operation)
    if training is None:
        raise TrainingError("The training of this operation no longer exists.", code="not_found")
    Training.objects.filter(pk=training.pk).update(
        status=TrainingStatus.PENDING,
        error="",
        documents_processed=0,
        finished_at=None,
        estimated_completion=None,
    )


def training_operation_failed(operation: Operation, reason: str) -> None:
    """A training given up (queue unreachable, retries exhausted, worker lost) fails with the
    reason and emits ``training.completed``."""
    training = _operation_training(operation)
    if training is not None and training.status not in (TrainingStatus.SUCCEEDED, TrainingStatus.FAILED):
        _finish(training, error=reason[:2000])


def _set(training: Training, **fields) -> None:
    fields["updated_at"] = timezone.now()
    Training.objects.filter(pk=training.pk).update(**fields)
    for name, value in fields.items():
        setattr(training, name, value)


def _finish(training: Training, *, error: str = "", result: dict | None = None) -> Training:
    status = TrainingStatus.FAILED if error else TrainingStatus.SUCCEEDED
    _set(
        training,
        status=status,
        error=error,
        result=result or {},
        finished_at=timezone.now(),
        estimated_completion=timezone.now(),
    )
    operation = training.operation
    if operation is not None:
        if error:
            operation_services.operation_fail(operation=operation, error=error)
        else:
            operation_services.operation_succeed(operation=operation, result=result or {}, message="Trained")
    events.emit(
        training.organization,
        "training.completed",
        {
            "training_id": str(training.training_id),
            "chatbot_id": training.chatbot_id,
            "training_type": training.training_type,
            "status": status,
            "documents_processed": training.documents_processed,
            "total_documents": training.total_documents,
            "error": error,
            **(result or {}),
        },
    )
    return training


def _run_rag(training: Training) -> Training:
    from knowledge.models import Document, DocumentStatus, TrainingStatus
    from knowledge.services.ingestion import chunking_signature, document_ingest

    documents = {
        d.pk: d
        for d in Document.objects.filter(organization=training.organization, pk__in=training.document_ids)
    }
    started, done, failures, chunks, unchanged = time.perf_counter(), 0, {}, 0, 0
    signature = chunking_signature(chunk_size=training.chunk_size, chunk_overlap=training.overlap)
    _set(
        training,
        documents_processed=0,
        total_documents=len(training.document_ids),
        estimated_completion=None,
    )
    for document_id in training.document_ids:
        document = documents.get(document_id)
        if document is None:
            failures[str(document_id)] = "The document was deleted."
        elif (
            document.status == DocumentStatus.PROCESSED
            and document.training_status == TrainingStatus.TRAINED
            and document.chunking == signature
        ):
            # Indexed already with the same chunking and model: attach it, do not parse and embed again.
            training.chatbot.product_documents.add(document)
            chunks += document.chunk_count
            unchanged += 1
        else:
            document = document_ingest(
                document=document, chunk_size=training.chunk_size, chunk_overlap=training.overlap
            )
            if document.status == DocumentStatus.PROCESSED:
                training.chatbot.product_documents.add(document)
                chunks += document.chunk_count
            else:
                failures[str(document_id)] = document.error or "Ingestion failed."
        done += 1
        pace = (time.perf_counter() - started) / done
        _set(
            training,
            documents_processed=done,
            estimated_completion=_estimate(pace * (len(training.document_ids) - done)),
        )
        if training.operation is not None:
            operation_services.operation_progress(
                operation=training.operation,
                done=done,
                message=f"{done}/{len(training.document_ids)} documents",
            )
    result = {
        "chunks": chunks,
        "failed_documents": failures,
        "attached_documents": done - len(failures),
        "unchanged_documents": unchanged,
    }
    error = ""
    if failures:
        error = (
            f"{len(failures)} of {len(training.document_ids)} documents could not be indexed: "
            + "; ".join(f"{doc}: {reason}" for doc, reason in failures.items())
        )
    return _finish(training, error=error[:2000], result=result)


def _run_modelfile(training: Training) -> Training:
    chatbot = training.chatbot
    organization = chatbot.organization
    name = derived_model_name(chatbot)
    system = system_message(
        assistant_name=chatbot.name,
        organization_name=organization.name,
        organization_message=organization.chat_system_message or "",
        bot_prompt=chatbot.system_prompt,
    )
    parameters = {"temperature": chatbot.temperature, "num_predict": chatbot.max_tokens}
    try:
        host = ollama.resolve_endpoint(organization, chatbot.ollama_endpoint or None)
        ollama.create(
            name, from_model=training.model or chatbot.model, system=system, parameters=parameters, host=host
        )
    except BackendUnavailable:
        raise  # Ollama is down: the task retries, and fails the training when it gives up
    except DomainError as exc:
        return _finish(training, error=exc.message)
    Chatbot.objects.filter(pk=chatbot.pk).update(derived_model_name=name, derived_model_at=timezone.now())
    _set(training, documents_processed=training.total_documents)
    return _finish(
        training, result={"derived_model_name": name, "base_model": training.model or chatbot.model}
    )


def training_run(*, training: Training) -> Training:
    """Run one training job (the Celery task calls this). Safe to run twice: a finished training
    is left alone, and indexing replaces a document's chunks."""
    if training.status in (TrainingStatus.SUCCEEDED, TrainingStatus.FAILED):
        return training
    _set(training, status=TrainingStatus.RUNNING, started_at=timezone.now(), error="")
    if training.operation is not None:
        operation_services.operation_start(operation=training.operation, total=training.total_documents or 1)
    try:
        if training.training_type == TrainingType.MODELFILE:
            return _run_modelfile(training)
        return _run_rag(training)
    except BackendUnavailable:
        raise  # retried by the task (a run again is harmless); given up, the training fails then
    except Exception as exc:  # record why on the training before the worker logs it
        logger.exception("training %s failed", training.training_id)
        _finish(training, error=f"Training failed: {exc}"[:2000])
        raise
