"""Fixtures of the chatbots tests: the real embedding model (loaded once), a clean vector store
after each test, the fake Ollama server (``fake_ollama`` from tests/ollama_fixtures.py), and a
small product knowledge base with a bot that owns part of it."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from knowledge import embeddings, keyword, vectorstore
from tests.chatbots.factories import ChatbotFactory, make_document

WARRANTY = (
    "The Widget Pro warranty lasts two years from the date of purchase. "
    "The warranty covers defects in materials and workmanship.\n\n"
    "Batteries are covered for one year."
)
CHARGING = (
    "Charge the Widget Pro for four hours before the first use. "
    "A full charge of the battery gives ten hours of music playback."
)
# Same subject as the bot's documents, so only the scope can keep them out of its prompts.
OTHER_BOT_TEXT = (
    "The Gadget Max warranty lasts five years from the date of purchase and covers accidental damage."
)
OTHER_ORG_TEXT = "The Widget Pro warranty lasts seven years at Globex stores only."


@pytest.fixture(scope="session")
def embedding_model():
    embeddings.warm_up()
    return embeddings.embedding_model_name()


@pytest.fixture(autouse=True)
def clean_knowledge_state():
    yield
    if vectorstore._client is not None:
        client = vectorstore.client()
        for collection in client.list_collections():
            client.delete_collection(getattr(collection, "name", collection))
    vectorstore._collections.clear()
    keyword.forget()
    cache.clear()


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """``with run_tasks():`` runs what was queued after commit (eager Celery tasks, events)."""

    def runner():
        return django_capture_on_commit_callbacks(execute=True)

    return runner


@pytest.fixture
def knowledge(org, other_org, embedding_model):
    """The org's warranty and charging documents, a document of another bot of the org, and a
    document of another organization."""
    return {
        "warranty": make_document(org, WARRANTY, title="Warranty guide", category="support"),
        "charging": make_document(org, CHARGING, title="Charging guide", category="support"),
        "other_bot": make_document(org, OTHER_BOT_TEXT, title="Gadget Max guide", category="gadgets"),
        "other_org": make_document(other_org, OTHER_ORG_TEXT, title="Globex warranty", category="support"),
    }


@pytest.fixture
def bot(org, knowledge):
    return ChatbotFactory(
        organization=org,
        name="Widget helper",
        documents=[knowledge["warranty"], knowledge["charging"]],
    )


@pytest.fixture
def other_bot(org, knowledge):
    return ChatbotFactory(organization=org, name="Gadget helper", documents=[knowledge["other_bot"]])


def chat_requests(fake) -> list[dict]:
    """Bodies of the /api/chat requests the fake Ollama received."""
    return [request.body for request in fake.requests if request.path == "/api/chat"]


def prompt_text(body: dict) -> str:
    return "\n".join(str(message.get("content") or "") for message in body.get("messages") or [])


def sse_events(response) -> list[tuple[str, dict]]:
    """Parse a text/event-stream response into (event, data) pairs."""
    raw = b"".join(response.streaming_content).decode()
    events = []
    for block in raw.split("\n\n"):
        if not block.strip():
            continue
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


@pytest.fixture
def web_inbox(org, bot):
    """A ``web`` inbox whose conversations ``bot`` answers."""
    from chatbots.services.inbox_bots import inbox_bot_set
    from tests.conversations.factories import InboxFactory

    inbox = InboxFactory(organization=org, channel="web")
    inbox_bot_set(organization=org, inbox=inbox, chatbot=bot, is_active=True)
    return inbox
