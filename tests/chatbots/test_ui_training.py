"""The training page: starting ``rag`` and ``modelfile`` trainings, live progress (htmx polling),
failure reasons and retry; admins only for changes, one organization and one bot at a time."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from chatbots.models import Training, TrainingStatus, TrainingType
from chatbots.services import training as training_services
from helpdesk.models.operation import OperationStatus
from helpdesk.services import operations as operation_services
from knowledge.models import DocumentStatus
from tests.chatbots.factories import ChatbotFactory, make_document
from tests.chatbots.test_ui_chatbots import plain_document, signed_in


@pytest.fixture
def widget_bot(org):
    return ChatbotFactory(organization=org, name="Widget helper")


def _url(bot, *parts) -> str:
    return (
        reverse("chatbots:training", args=[bot.pk])
        if not parts
        else reverse(parts[0], args=[bot.pk, *parts[1:]])
    )


def _failed_training(bot, document, membership=None) -> Training:
    training = training_services.training_create(
        chatbot=bot, document_ids=[document.pk], created_by=membership
    )
    Training.objects.filter(pk=training.pk).update(
        status=TrainingStatus.FAILED, error="1 of 1 documents could not be indexed: 4: no extractable text"
    )
    operation_services.operation_fail(operation=training.operation, error="no extractable text")
    return Training.objects.get(pk=training.pk)


def test_empty_training_page_explains_both_kinds(client, admin, widget_bot, org):
    plain_document(org, "Manual")
    response = signed_in(client, admin).get(_url(widget_bot))
    assert response.status_code == 200
    body = response.content.decode()
    assert "No trainings yet" in body
    assert "Start indexing" in body and "Build model" in body
    assert "Manual" in body


def test_no_documents_points_to_knowledge(client, admin, widget_bot):
    body = signed_in(client, admin).get(_url(widget_bot)).content.decode()
    assert "Upload documents in Knowledge" in body and reverse("knowledge:upload") in body


def test_start_a_rag_training(client, admin, widget_bot, org):
    manual = plain_document(org, "Manual")
    data = {"training_type": "rag", "documents": [str(manual.pk)], "chunk_size": "600", "overlap": "100"}
    response = signed_in(client, admin).post(_url(widget_bot), data)
    assert response.status_code == 302
    training = Training.objects.get(chatbot=widget_bot)
    assert training.training_type == TrainingType.RAG and training.status == TrainingStatus.PENDING
    assert training.document_ids == [manual.pk]
    assert (training.chunk_size, training.overlap) == (600, 100)
    assert training.created_by == admin
    body = client.get(_url(widget_bot)).content.decode()
    # the unfinished training polls its own partial
    status_url = _url(widget_bot, "chatbots:training-status", training.training_id)
    assert f'hx-get="{status_url}"' in body and 'hx-trigger="every 1500ms"' in body
    assert "Queued: waiting for a worker" in body


def test_start_a_modelfile_training(client, admin, widget_bot):
    response = signed_in(client, admin).post(_url(widget_bot), {"training_type": "modelfile", "model": ""})
    assert response.status_code == 302
    training = Training.objects.get(chatbot=widget_bot)
    assert training.training_type == TrainingType.MODELFILE and training.model == "llama3.2"


def test_training_errors_are_shown_inline_and_nothing_starts(client, admin, widget_bot, org, other_org):
    manual = plain_document(org, "Manual")
    foreign = plain_document(other_org, "Globex manual")
    signed_in(client, admin)
    response = client.post(
        _url(widget_bot), {"training_type": "rag", "documents": [], "chunk_size": "50", "overlap": "10"}
    )
    assert response.status_code == 400
    assert set(response.context["rag_form"].errors) == {"documents", "chunk_size"}
    response = client.post(
        _url(widget_bot),
        {"training_type": "rag", "documents": [str(manual.pk)], "chunk_size": "400", "overlap": "300"},
    )
    assert (
        response.status_code == 400
        and "between 0 and 200 characters (half the chunk size)" in response.content.decode()
    )
    response = client.post(
        _url(widget_bot),
        {"training_type": "rag", "documents": [str(foreign.pk)], "chunk_size": "400", "overlap": "0"},
    )
    assert response.status_code == 400 and response.context["rag_form"].errors["documents"]
    response = client.post(_url(widget_bot), {"training_type": "modelfile", "model": "no such model!"})
    assert response.status_code == 400 and response.context["modelfile_form"].errors["model"]
    assert not Training.objects.exists()


def test_a_real_training_runs_and_reports_its_result(
    client, admin, widget_bot, org, run_tasks, embedding_model
):
    manual = make_document(org, "Widget Pro manual.\n\nCharge it for four hours.", title="Widget manual")
    signed_in(client, admin)
    with run_tasks():
        client.post(
            _url(widget_bot),
            {"training_type": "rag", "documents": [str(manual.pk)], "chunk_size": "300", "overlap": "50"},
        )
    training = Training.objects.get(chatbot=widget_bot)
    assert training.status == TrainingStatus.SUCCEEDED, training.error
    assert list(widget_bot.product_documents.all()) == [manual]
    partial = client.get(_url(widget_bot, "chatbots:training-status", training.training_id)).content.decode()
    assert "1 of 1 documents indexed" in partial
    assert "hx-get" not in partial  # finished: no more polling


def test_progress_of_a_running_training(client, agent, widget_bot, org):
    documents = [plain_document(org, f"Manual {n}") for n in range(4)]
    training = training_services.training_create(chatbot=widget_bot, document_ids=[d.pk for d in documents])
    Training.objects.filter(pk=training.pk).update(status=TrainingStatus.RUNNING, documents_processed=3)
    partial = (
        signed_in(client, agent)
        .get(_url(widget_bot, "chatbots:training-status", training.training_id))
        .content.decode()
    )
    assert '<progress value="3" max="4"' in partial
    assert "of 4 documents processed" in partial and "left" in partial


def test_a_failed_training_shows_why_and_can_be_retried(client, admin, widget_bot, org):
    manual = plain_document(org, "Scanned manual", status=DocumentStatus.FAILED)
    training = _failed_training(widget_bot, manual)
    signed_in(client, admin)
    body = client.get(_url(widget_bot)).content.decode()
    assert "no extractable text" in body and "Retry" in body
    retry_url = _url(widget_bot, "chatbots:training-retry", training.training_id)
    response = client.post(retry_url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Training queued again." in response["HX-Trigger"]
    training.refresh_from_db()
    training.operation.refresh_from_db()
    assert training.status == TrainingStatus.PENDING and training.error == ""
    assert training.operation.status == OperationStatus.PENDING
    assert "Queued: waiting for a worker" in response.content.decode()


def test_agents_follow_trainings_but_cannot_start_or_retry_them(client, agent, widget_bot, org):
    manual = plain_document(org, "Manual")
    training = _failed_training(widget_bot, manual)
    signed_in(client, agent)
    body = client.get(_url(widget_bot)).content.decode()
    assert "Only admins can start trainings" in body and "Start indexing" not in body
    response = client.post(
        _url(widget_bot),
        {"training_type": "rag", "documents": [str(manual.pk)], "chunk_size": "400", "overlap": "0"},
    )
    assert response.status_code == 403
    assert client.post(_url(widget_bot, "chatbots:training-retry", training.training_id)).status_code == 403
    assert Training.objects.count() == 1
    training.refresh_from_db()
    assert training.status == TrainingStatus.FAILED


def test_trainings_of_other_bots_and_organizations_are_not_found(client, admin, widget_bot, org, other_org):
    other_bot = ChatbotFactory(organization=org, name="Gadget helper")
    foreign_bot = ChatbotFactory(organization=other_org, name="Globex bot")
    other = training_services.training_create(chatbot=other_bot, training_type="modelfile")
    foreign = training_services.training_create(chatbot=foreign_bot, training_type="modelfile")
    signed_in(client, admin)
    assert client.get(_url(widget_bot, "chatbots:training-status", other.training_id)).status_code == 404
    assert client.get(_url(widget_bot, "chatbots:training-status", foreign.training_id)).status_code == 404
    assert client.get(_url(foreign_bot, "chatbots:training-status", foreign.training_id)).status_code == 404
    assert client.get(_url(widget_bot, "chatbots:training-status", uuid.uuid4())).status_code == 404
    assert client.post(_url(foreign_bot, "chatbots:training-retry", foreign.training_id)).status_code == 404
    body = client.get(_url(widget_bot)).content.decode()
    assert str(other.training_id) not in body
