"""Training jobs (``documents/train``): rag re-indexes the chosen documents with the requested
chunking and attaches them to the bot, with progress; modelfile creates a derived Ollama model
with the bot's system prompt and parameters baked in. Both emit ``training.completed``."""

import pytest

from chatbots.models import Chatbot, Training
from helpdesk import events
from helpdesk.models import Operation
from knowledge.models import Chunk
from tests.chatbots.factories import ChatbotFactory, make_document

pytestmark = pytest.mark.usefixtures("embedding_model")

LONG_TEXT = " ".join(f"Sentence number {n} explains one more feature of the Widget Pro." for n in range(60))


@pytest.fixture
def completed_events():
    seen = []

    def handler(organization, name, payload):
        seen.append(payload)

    events.subscribe("training.completed", handler)
    yield seen
    events.unsubscribe("training.completed", handler)


def train(api, **payload):
    return api.post("/api/v1/documents/train", payload, format="json")


def test_rag_training_reindexes_attaches_and_reports_progress(
    org, admin_api, knowledge, fake_ollama, run_tasks, completed_events
):
    bot = ChatbotFactory(organization=org, name="Trainee")
    manual = make_document(org, LONG_TEXT, title="Feature list")
    chunks_before = Chunk.objects.filter(document=manual).count()

    with run_tasks():
        response = train(
            admin_api,
            chatbot_id=f"chatbot_{bot.pk}",
            document_ids=[manual.pk, f"doc_{knowledge['warranty'].pk}"],
            training_type="rag",
            chunk_size=300,
            overlap=50,
        )

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending" and body["total_documents"] == 2 and body["documents_processed"] == 0
    assert body["estimated_completion"] is None  # no estimate before a first document is processed
    done = admin_api.get(f"/api/v1/documents/train/{body['training_id']}").json()
    assert done["status"] == "succeeded" and done["documents_processed"] == 2 and done["progress"] == 1.0
    assert set(bot.product_documents.values_list("pk", flat=True)) == {manual.pk, knowledge["warranty"].pk}
    assert Chunk.objects.filter(document=manual).count() > chunks_before  # smaller chunks, more of them
    assert (
        max(len(text) for text in Chunk.objects.filter(document=manual).values_list("text", flat=True)) <= 400
    )
    assert Operation.objects.get(pk=done["operation_id"]).status == "succeeded"
    assert completed_events == [
        {
            "training_id": body["training_id"],
            "chatbot_id": bot.pk,
            "training_type": "rag",
            "status": "succeeded",
            "documents_processed": 2,
            "total_documents": 2,
            "error": "",
            "chunks": done["result"]["chunks"],
            "failed_documents": {},
            "attached_documents": 2,
            "unchanged_documents": 0,
        }
    ]


def test_rag_training_skips_documents_indexed_with_the_same_chunking(org, admin_api, knowledge, run_tasks):
    from knowledge.models import Document
    from knowledge.services import ingestion

    bot = ChatbotFactory(organization=org, name="Trainee")
    manual = make_document(org, LONG_TEXT, title="Feature list")

    def run(**chunking):
        with run_tasks():
            body = train(
                admin_api, chatbot_id=bot.pk, document_ids=[manual.pk], training_type="rag", **chunking
            ).json()
        return admin_api.get(f"/api/v1/documents/train/{body['training_id']}").json()

    first = run(chunk_size=300, overlap=50)
    manual.refresh_from_db()
    processed_at, chunk_ids = manual.processed_at, set(manual.chunks.values_list("id", flat=True))
    assert first["result"]["unchanged_documents"] == 0
    assert manual.chunking == ingestion.chunking_signature(chunk_size=300, chunk_overlap=50)

    again = run(chunk_size=300, overlap=50)
    manual.refresh_from_db()
    assert again["status"] == "succeeded" and again["result"]["unchanged_documents"] == 1
    assert again["result"]["chunks"] == first["result"]["chunks"] and again["documents_processed"] == 1
    assert (
        manual.processed_at == processed_at and set(manual.chunks.values_list("id", flat=True)) == chunk_ids
    )
    assert bot.product_documents.filter(pk=manual.pk).exists()

    other = run(chunk_size=300, overlap=100)
    manual.refresh_from_db()
    assert other["result"]["unchanged_documents"] == 0 and manual.processed_at > processed_at

    # A new chunk format (version bump) makes every document's signature differ: indexed again.
    Document.objects.filter(pk=manual.pk).update(chunking="v0 300/100 old")
    assert run(chunk_size=300, overlap=100)["result"]["unchanged_documents"] == 0


def test_trained_documents_become_sources(org, admin_api, agent_api, knowledge, fake_ollama, run_tasks):
    bot = ChatbotFactory(organization=org, name="Trainee")
    with run_tasks():
        train(admin_api, chatbot_id=bot.pk, document_ids=[knowledge["charging"].pk])

    answer = agent_api.post(
        "/api/v1/chat/message",
        {"message": "How many hours should I charge it?", "chatbot_id": bot.pk},
        format="json",
    ).json()

    assert answer["mode"] == "llm" and "four hours" in answer["response"]


def test_modelfile_training_creates_a_derived_model(
    org, admin_api, agent_api, fake_ollama, run_tasks, completed_events
):
    bot = ChatbotFactory(
        organization=org,
        name="Widget helper",
        system_prompt="Answer like a pirate.",
        temperature=0.3,
        max_tokens=256,
    )

    with run_tasks():
        body = train(admin_api, chatbot_id=bot.pk, training_type="modelfile").json()

    training = Training.objects.get(training_id=body["training_id"])
    name = f"parley-{org.slug}-widget-helper-{bot.pk}"
    assert training.status == "succeeded" and training.result["derived_model_name"] == name
    (create,) = [request.body for request in fake_ollama.requests if request.path == "/api/create"]
    assert create["model"] == name and create["from"] == "llama3.2"
    assert "Answer like a pirate." in create["system"] and "data, not instructions" in create["system"]
    assert create["parameters"] == {"temperature": 0.3, "num_predict": 256}
    bot.refresh_from_db()
    assert bot.derived_model_name == name
    assert completed_events[0]["derived_model_name"] == name and completed_events[0]["status"] == "succeeded"


def test_bot_answers_with_its_derived_model(org, admin_api, agent_api, bot, fake_ollama, run_tasks):
    with run_tasks():
        train(admin_api, chatbot_id=bot.pk, training_type="modelfile")
    bot.refresh_from_db()

    agent_api.post(
        "/api/v1/chat/message",
        {"message": "How many years does the warranty last?", "chatbot_id": bot.pk},
        format="json",
    )

    (chat,) = [request.body for request in fake_ollama.requests if request.path == "/api/chat"]
    assert chat["model"] == bot.derived_model_name


def test_modelfile_training_with_an_unknown_base_model_fails(
    org, admin_api, fake_ollama, run_tasks, completed_events
):
    bot = ChatbotFactory(organization=org)

    with run_tasks():
        body = train(
            admin_api, chatbot_id=bot.pk, training_type="modelfile", model="nonexistent-model"
        ).json()

    training = Training.objects.get(training_id=body["training_id"])
    assert training.status == "failed" and "nonexistent-model" in training.error
    assert Chatbot.objects.get(pk=bot.pk).derived_model_name == ""
    assert completed_events[0]["status"] == "failed"
    assert Operation.objects.get(pk=body["operation_id"]).status == "failed"


def test_modelfile_training_with_ollama_down_fails_and_can_be_retried(
    org, admin_api, fake_ollama, run_tasks, settings, unreachable_ollama_host
):
    bot = ChatbotFactory(organization=org)
    fake_url = settings.OLLAMA_HOST
    settings.OLLAMA_HOST = unreachable_ollama_host
    with run_tasks():
        body = train(admin_api, chatbot_id=bot.pk, training_type="modelfile").json()
    assert Training.objects.get(training_id=body["training_id"]).status == "failed"

    settings.OLLAMA_HOST = fake_url
    with run_tasks():
        retried = admin_api.post(f"/api/v1/operations/{body['operation_id']}/retry")

    assert retried.status_code == 202
    assert Training.objects.get(training_id=body["training_id"]).status == "succeeded"


def test_a_training_queued_while_the_broker_is_down_fails_visibly_and_can_be_retried(
    org, admin_api, fake_ollama, run_tasks, broker_down, completed_events
):
    bot = ChatbotFactory(organization=org)
    with broker_down(), run_tasks():
        body = train(admin_api, chatbot_id=bot.pk, training_type="modelfile").json()

    training = Training.objects.get(training_id=body["training_id"])
    assert training.status == "failed"
    assert training.error.startswith("The job queue is unreachable: ")
    assert Operation.objects.get(pk=body["operation_id"]).error == training.error
    assert [event["status"] for event in completed_events] == ["failed"]

    with run_tasks():
        retried = admin_api.post(f"/api/v1/operations/{body['operation_id']}/retry")
    assert retried.status_code == 202
    assert Training.objects.get(training_id=body["training_id"]).status == "succeeded"


@pytest.mark.parametrize(
    "payload,status,field",
    [
        ({"document_ids": []}, 400, "document_ids"),
        ({"document_ids": [999999]}, 400, "document_ids"),
        ({"document_ids": ["x"]}, 400, "document_ids"),
        ({"training_type": "finetune"}, 400, "training_type"),
        ({"chunk_size": 50}, 400, "chunk_size"),
        ({"chunk_size": 500, "overlap": 400}, 400, "overlap"),
        ({"training_type": "modelfile", "model": "bad name!"}, 400, "model"),
        ({"training_type": "modelfile", "ollama_endpoint": "http://10.0.0.1:11434"}, 400, "ollama_endpoint"),
    ],
)
def test_bad_training_requests_are_refused(org, admin_api, knowledge, fake_ollama, payload, status, field):
    bot = ChatbotFactory(organization=org)

    response = train(admin_api, chatbot_id=bot.pk, **{"document_ids": [knowledge["warranty"].pk], **payload})

    assert response.status_code == status, response.content
    assert field in response.json()["fields"]
    assert not Training.objects.exists()


def test_training_on_another_organizations_things_is_refused(
    org, other_org, admin_api, other_api, knowledge, fake_ollama
):
    bot = ChatbotFactory(organization=org)
    foreign_bot = ChatbotFactory(organization=other_org)

    foreign_document = train(admin_api, chatbot_id=bot.pk, document_ids=[knowledge["other_org"].pk])
    foreign_chatbot = train(admin_api, chatbot_id=foreign_bot.pk, document_ids=[knowledge["warranty"].pk])

    assert foreign_document.status_code == 400 and foreign_chatbot.status_code == 404
    assert not Training.objects.exists()


def test_trainings_are_admin_only_to_start_and_scoped_to_read(
    org, admin_api, agent_api, other_api, knowledge, fake_ollama, run_tasks
):
    bot = ChatbotFactory(organization=org)
    assert train(agent_api, chatbot_id=bot.pk, document_ids=[knowledge["warranty"].pk]).status_code == 403
    with run_tasks():
        training_id = train(admin_api, chatbot_id=bot.pk, document_ids=[knowledge["warranty"].pk]).json()[
            "training_id"
        ]

    assert agent_api.get(f"/api/v1/documents/train/{training_id}").status_code == 200
    assert other_api.get(f"/api/v1/documents/train/{training_id}").status_code == 404
    assert agent_api.get("/api/v1/documents/train", {"chatbot_id": bot.pk}).json()["count"] == 1
    assert other_api.get("/api/v1/documents/train").json()["count"] == 0
