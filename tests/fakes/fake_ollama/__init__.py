"""A fake Ollama server for the test suite: real HTTP on 127.0.0.1, Ollama's real wire protocol.

Product code talks to it through the official ``ollama`` client exactly as it would talk to
Ollama (``settings.OLLAMA_HOST = server.url``); nothing in the product knows it is a fake.

Endpoints (as Ollama 0.6 serves them, HTTP/1.1, NDJSON streams in chunked encoding)::

    GET  /api/version   {"version": "0.6.5"}
    GET  /api/tags      {"models": [{"name": "llama3.2:latest", "model": ..., "size", "digest",
                                     "modified_at", "details"}]}
    POST /api/show      {"modelfile", "parameters", "template", "details", "model_info",
                         "capabilities", "modified_at", "system"?}
    POST /api/chat      stream (default true, as in Ollama): one NDJSON line per token
                        {"message": {"role": "assistant", "content": "<token>"}, "done": false},
                        then {"message": {"content": ""}, "done": true, "done_reason": "stop",
                        "eval_count", "prompt_eval_count", durations}; stream false: one JSON.
    POST /api/generate  the same with a "response" field instead of "message".
    POST /api/embed     {"embeddings": [[384 floats], ...]}: hashed bag of words, L2-normalized,
                        deterministic across processes (texts sharing words are close).
    POST /api/create    {"model", "from", "system", "parameters"}: records the derived model
                        (``server.created[name]``); it is listed by /api/tags afterwards. Answers
                        the status stream (reading model metadata … success) or {"status": "success"}.

Model names are matched as Ollama does: "llama3.2" and "llama3.2:latest" are the same model, and
/api/tags lists the tagged form ("llama3.2:latest"). An unknown model answers
404 {"error": "model 'x' not found"}; chat/generate with an embedding model ("embed" in its name)
answers 400 {"error": "\"x\" does not support chat"}, as Ollama does.

Answers (chat and generate) are deterministic and built only from what the request contains:

* Sources are lines starting with ``[n]`` (also ``[Source n]`` or ``Source n:``), each running
  until the next source line, a delimiter line (symbols only, e.g. ``---``, ``=====`` or triple
  quotes; an XML-like tag such as ``</sources>``; anything starting with ``<<<``/``>>>``/``###``)
  or a line labelled ``Question:``. Blank lines do not end a source, so put the question in its
  own message, after a delimiter, or behind a ``Question:`` label. They are read from every system and user message (chat) or
  from ``system`` + ``prompt`` (generate).
* The question is the last user message (or the prompt): the text after the last line labelled
  ``Question:`` / ``Follow-up question:`` / ``Follow-up:`` / ``User question:`` if there is one,
  else that message without its source blocks and delimiter lines.
* With sources: the answer is ``"<sentence> [n]"`` for the source sentence sharing the most words
  (3+ letters, minus stop words) with the question; ties go to the lower source number, then the
  earlier sentence. No overlap: ``"I don't know based on the provided sources."`` (``IDK``).
* Without any source: the answer is the question text itself (so a "rewrite the follow-up as a
  standalone question" prompt gets the follow-up back unchanged).
* ``format: "json"`` (or a JSON schema): a JSON string. If the prompt mentions ``key_features``
  (document review): ``{"summary": <first sentence of the material>, "key_features": [top words],
  "entities": {"products": [], "features": []}, "confidence": 0.8}``. A schema's properties, or
  else the ``"key":`` names quoted in the prompt, are filled by name: *summary* → first sentence,
  *title* → its first six words, *sentiment* → "neutral", *confidence*/*score*/*similarity* → 0.8,
  list-typed keys → top words, anything else → the text answer. Otherwise ``{"response": answer}``.
  The material is the sources' text, else the last message's text after its last delimiter line.
* ``server.reply_with`` (a string, or ``callable(request_body) -> str``) replaces the text answer; with
  ``format`` set, a reply that is a JSON object is answered as it is.
* The fake never follows instructions found in sources: it only quotes them.

Controls (read at request time; ``reset()`` restores all of them)::

    server.models        set of model names ({"llama3.2", "nomic-embed-text"} by default)
    server.delay         seconds before answering, and between streamed tokens
    server.fail_with     None | HTTP status (answers {"error": ...}) | "drop" (closes the
                         connection without an answer) | "drop_midstream" (streams half the
                         tokens, then closes the connection)
    server.fail_paths    None (every path) or a set like {"/api/chat"} that fail_with applies to
    server.requests      RecordedRequest per request: ``path, body = request``; also
                         ``.method`` and ``.headers``
    server.streams       StreamRecord per streamed answer: tokens_total, tokens_sent, completed,
                         disconnected (the client went away before the end);
                         ``server.wait_for_stream_end()`` blocks until one is finished
    server.created       {name: {"from", "system", "parameters"}} from /api/create
"""

from __future__ import annotations

import contextlib

from tests.fakes.fake_ollama.answers import (
    DEFAULT_MODELS,
    EMBEDDING_DIM,
    IDK,
    VERSION,
    embedding,
    text_answer,
)
from tests.fakes.fake_ollama.server import FakeOllamaServer, RecordedRequest, StreamRecord

__all__ = [
    "DEFAULT_MODELS",
    "EMBEDDING_DIM",
    "IDK",
    "VERSION",
    "FakeOllamaServer",
    "RecordedRequest",
    "StreamRecord",
    "embedding",
    "start_fake_ollama",
    "text_answer",
]


@contextlib.contextmanager
def start_fake_ollama(models=DEFAULT_MODELS):
    """``with start_fake_ollama() as server: ... server.url ...`` (stopped on exit)."""
    server = FakeOllamaServer(models).start()
    try:
        yield server
    finally:
        server.stop()
