"""The embedding and vector-store adapters: Ollama embeddings go through the one Ollama adapter,
and a backend that is down raises a ``BackendUnavailable`` subclass, caught by class."""

import socket

import pytest

from helpdesk import ollama
from helpdesk.errors import BackendUnavailable
from knowledge import embeddings, vectorstore
from knowledge.models import Document
from tests.isolation import assert_error_shape
from tests.knowledge.conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def ollama_embeddings(settings):
    settings.EMBEDDING_BACKEND = "ollama"
    settings.EMBEDDING_MODEL = "nomic-embed-text"


def test_ollama_embeddings_go_through_the_ollama_adapter(ollama_embeddings, fake_ollama, monkeypatch):
    calls = []
    real_embed = ollama.embed

    def spy(texts, **kwargs):
        calls.append((list(texts), kwargs))
        return real_embed(texts, **kwargs)

    monkeypatch.setattr(ollama, "embed", spy)
    vectors = embeddings.embed_texts(["battery life", "shipping to Lisbon"])

    assert calls == [(["battery life", "shipping to Lisbon"], {"model": "nomic-embed-text"})]
    assert fake_ollama.paths() == ["/api/embed"]
    assert len(vectors) == 2
    assert all(abs(sum(value * value for value in vector) - 1.0) < 1e-6 for vector in vectors)


def test_ollama_embeddings_with_ollama_down_are_unavailable(ollama_embeddings, ollama_down):
    with pytest.raises(embeddings.EmbeddingUnavailable) as caught:
        embeddings.embed_query("battery life")
    assert isinstance(caught.value, BackendUnavailable)
    assert caught.value.status_code == 503
    assert "unreachable" in caught.value.message and "<" not in caught.value.message


def test_a_missing_ollama_embedding_model_is_unavailable_with_the_reason(
    ollama_embeddings, fake_ollama, settings
):
    settings.EMBEDDING_MODEL = "no-such-embedder"
    with pytest.raises(embeddings.EmbeddingUnavailable, match="has no model 'no-such-embedder'"):
        embeddings.embed_query("battery life")


@pytest.fixture
def take_chroma_down(settings, monkeypatch):
    """``take_chroma_down()``: from now on the vector store is a Chroma server on a closed port."""

    def take_down():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        settings.CHROMA_MODE = "http"
        settings.CHROMA_URL = f"http://127.0.0.1:{port}"
        settings.CHROMA_TIMEOUT = 2.0
        monkeypatch.setattr(vectorstore, "_client", None)
        monkeypatch.setattr(vectorstore, "_collections", {})

    return take_down


def test_an_unreachable_vector_store_is_a_backend_unavailable(org, take_chroma_down):
    take_chroma_down()
    with pytest.raises(vectorstore.VectorStoreUnavailable) as caught:
        vectorstore.count(org)
    assert isinstance(caught.value, BackendUnavailable)
    assert caught.value.status_code == 503


def test_a_collection_that_does_not_exist_yet_is_empty_not_an_error(org):
    vectorstore._collections.clear()
    assert vectorstore.count(org) == 0
    assert vectorstore.query(org, [0.1] * 384, 5, {"organization_id": org.pk}) == []
    assert vectorstore.ids(org) == []


def test_deleting_a_document_while_the_vector_store_is_down_is_503_and_keeps_it(
    admin_api, org, run_tasks, take_chroma_down
):
    with run_tasks():
        created = admin_api.post(
            "/api/v1/documents",
            {"file": upload("widget.txt", "The widget ships with a charger.")},
            format="multipart",
        )
    assert created.status_code == 201, created.content
    document_id = created.json()["id"]

    take_chroma_down()
    response = admin_api.delete(f"/api/v1/documents/{document_id}")

    body = assert_error_shape(response, 503, "unavailable")
    assert body["error"].startswith("The vector store is unreachable, so the document was not deleted")
    assert Document.objects.filter(pk=document_id).exists()
