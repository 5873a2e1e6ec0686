"""One chunking check (``knowledge.chunking``) behind the training form, the training API, the
document reingest API and the services: the same settings are refused with the same message on
the same public field (``chunk_size``, ``overlap``), and accepted settings are stored as given."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from chatbots.models import Training
from chatbots.services import training as training_services
from helpdesk.models import Operation
from knowledge.chunking import ChunkingError, check_chunking
from knowledge.services import documents as document_services
from tests.chatbots.factories import ChatbotFactory
from tests.chatbots.test_ui_chatbots import plain_document

REFUSED = [
    ({"chunk_size": 99, "overlap": 0}, "chunk_size", "chunk_size must be between 100 and 8000 characters."),
    ({"chunk_size": 8001, "overlap": 0}, "chunk_size", "chunk_size must be between 100 and 8000 characters."),
    (
        {"chunk_size": 400, "overlap": 201},
        "overlap",
        "overlap must be between 0 and 200 characters (half the chunk size).",
    ),
    (
        {"chunk_size": 400, "overlap": -1},
        "overlap",
        "overlap must be between 0 and 200 characters (half the chunk size).",
    ),
]


def _messages(errors, field) -> str:
    return " ".join(str(message) for message in errors[field])


@pytest.mark.parametrize(("values", "field", "message"), REFUSED)
def test_every_entry_refuses_the_same_chunk_settings(values, field, message, ui_as, admin, admin_api, org):
    bot = ChatbotFactory(organization=org)
    manual = plain_document(org, "Manual")

    form = ui_as(admin).post(
        reverse("chatbots:training", args=[bot.pk]),
        {"training_type": "rag", "documents": [str(manual.pk)], **{k: str(v) for k, v in values.items()}},
    )
    train = admin_api.post(
        "/api/v1/documents/train",
        {"chatbot_id": bot.pk, "document_ids": [manual.pk], **values},
        format="json",
    )
    reingest = admin_api.post(f"/api/v1/documents/{manual.pk}/reingest", values, format="json")

    assert form.status_code == 400
    assert message in _messages(form.context["rag_form"].errors, field)
    for response in (train, reingest):
        assert response.status_code == 400, response.content
        assert message in _messages(response.json()["fields"], field)
    assert not Training.objects.exists()
    assert not Operation.objects.exists()


@pytest.mark.parametrize(("values", "field", "message"), REFUSED)
def test_the_services_refuse_them_too(values, field, message, org):
    bot = ChatbotFactory(organization=org)
    manual = plain_document(org, "Manual")
    for call in (
        lambda: training_services.training_create(chatbot=bot, document_ids=[manual.pk], **values),
        lambda: document_services.document_reingest(document=manual, **values),
    ):
        with pytest.raises(ChunkingError) as refused:
            call()
        assert (refused.value.field, refused.value.message) == (field, message)


@override_settings(KNOWLEDGE_CHUNK_SIZE=600)
def test_without_a_chunk_size_the_overlap_limit_is_half_the_servers():
    check_chunking(chunk_size=None, overlap=300)
    with pytest.raises(ChunkingError, match="between 0 and 300"):
        check_chunking(chunk_size=None, overlap=301)


def test_accepted_settings_are_stored_the_same_by_form_and_api(ui_as, admin, admin_api, org):
    bot = ChatbotFactory(organization=org)
    manual = plain_document(org, "Manual")
    form = ui_as(admin).post(
        reverse("chatbots:training", args=[bot.pk]),
        {"training_type": "rag", "documents": [str(manual.pk)], "chunk_size": "400", "overlap": "200"},
    )
    assert form.status_code in (200, 302)
    Training.objects.update(status="failed")  # let the next one start
    train = admin_api.post(
        "/api/v1/documents/train",
        {"chatbot_id": bot.pk, "document_ids": [manual.pk], "chunk_size": 400, "overlap": 200},
        format="json",
    )
    assert train.status_code == 202, train.content
    assert list(Training.objects.values_list("chunk_size", "overlap")) == [(400, 200), (400, 200)]
