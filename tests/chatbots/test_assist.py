"""AI assist for agents: prompts (built-in and custom), completion, conversation summary with
sentiment, reply drafts from the knowledge base, category suggestion and summary feedback.
Ollama down → 503, unknown model → 502, except the reply draft which returns the passages."""

import pytest

from chatbots.models import AIFeedback, AIPrompt
from chatbots.services.assist import BUILTIN_PROMPTS
from helpdesk.services.accounts import organization_create
from tests.chatbots.conftest import chat_requests
from tests.chatbots.factories import make_kb_item
from tests.conversations.factories import make_conversation

pytestmark = pytest.mark.usefixtures("embedding_model")


@pytest.fixture
def conversation(org):
    return make_conversation(
        org,
        email="ada@example.com",
        subject="Widget Pro warranty",
        content="My Widget Pro broke after a year. How many years does the warranty last? I am quite upset.",
    )


def test_new_organizations_get_the_builtin_prompts(db):
    organization, _ = organization_create(
        name="Fresh", owner_email="fresh@example.com", owner_password="x" * 12
    )

    keys = set(AIPrompt.objects.filter(organization=organization).values_list("key", flat=True))

    assert keys == set(BUILTIN_PROMPTS)


def test_agents_list_prompts_including_builtins(agent_api, fake_ollama):
    body = agent_api.get("/api/v1/ai/prompts").json()

    assert {p["key"] for p in body["results"]} >= {
        "reply_friendly",
        "reply_professional",
        "shorten",
        "fix_grammar",
        "summarize",
    }
    assert all(p["is_builtin"] for p in body["results"])


def test_admins_manage_custom_prompts(admin_api, agent_api, fake_ollama):
    created = admin_api.post(
        "/api/v1/ai/prompts",
        {"key": "apologize", "title": "Apologize", "content": "Add a short apology."},
        format="json",
    )
    assert created.status_code == 201, created.content
    prompt_id = created.json()["id"]
    assert (
        admin_api.post(
            "/api/v1/ai/prompts", {"key": "apologize", "title": "Again", "content": "x"}, format="json"
        ).status_code
        == 409
    )
    assert (
        agent_api.post(
            "/api/v1/ai/prompts", {"key": "mine", "title": "Mine", "content": "x"}, format="json"
        ).status_code
        == 403
    )
    assert admin_api.patch(f"/api/v1/ai/prompts/{prompt_id}", {"title": "Say sorry"}, format="json").json()[
        "title"
    ] == ("Say sorry")
    builtin = AIPrompt.objects.get(key="shorten")
    assert admin_api.delete(f"/api/v1/ai/prompts/{builtin.pk}").status_code == 409
    assert admin_api.delete(f"/api/v1/ai/prompts/{prompt_id}").status_code == 204
    assert set(AIPrompt.objects.values_list("key", flat=True)) == set(BUILTIN_PROMPTS)


def test_another_organizations_prompt_is_404(other_org, admin_api, other_api, fake_ollama):
    other_api.get("/api/v1/ai/prompts")
    foreign = AIPrompt.objects.filter(organization=other_org).first()

    assert admin_api.get(f"/api/v1/ai/prompts/{foreign.pk}").status_code == 404
    assert admin_api.delete(f"/api/v1/ai/prompts/{foreign.pk}").status_code == 404


def test_completion_applies_the_prompt(agent_api, fake_ollama):
    response = agent_api.post(
        "/api/v1/ai/completion",
        {"prompt_key": "fix_grammar", "content": "your order have shipped"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["completion"] == "your order have shipped"  # the fake echoes the text it got
    (request,) = chat_requests(fake_ollama)
    assert "Fix spelling" in request["messages"][0]["content"]
    assert request["messages"][1]["content"] == "<text>\nyour order have shipped\n</text>"


def test_completion_with_unknown_prompt_is_400(agent_api, fake_ollama):
    response = agent_api.post("/api/v1/ai/completion", {"prompt_key": "nope", "content": "x"}, format="json")

    assert response.status_code == 400 and "prompt_key" in response.json()["fields"]


def test_assist_without_ollama_is_503(agent_api, conversation, ollama_down):
    completion = agent_api.post(
        "/api/v1/ai/completion", {"prompt_key": "shorten", "content": "x"}, format="json"
    )
    summary = agent_api.post(f"/api/v1/conversations/{conversation.uuid}/summarize")

    assert completion.status_code == 503 and completion.json()["code"] == "unavailable"
    assert summary.status_code == 503


def test_assist_with_an_unknown_model_is_502(org, agent_api, fake_ollama):
    org.ollama_model = "not-pulled"
    org.save()

    response = agent_api.post(
        "/api/v1/ai/completion", {"prompt_key": "shorten", "content": "x"}, format="json"
    )

    assert response.status_code == 502 and "not-pulled" in response.json()["error"]


def test_summarize_a_conversation(agent_api, conversation, fake_ollama):
    response = agent_api.post(f"/api/v1/conversations/{conversation.uuid}/summarize")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == str(conversation.uuid)
    assert body["summary"].startswith("Customer: My Widget Pro broke")
    assert body["sentiment"] in ("positive", "neutral", "negative")
    assert isinstance(body["sentiment_text_list"], list) and body["title"]
    (request,) = chat_requests(fake_ollama)
    assert request["format"]["required"] == ["summary", "sentiment", "sentiment_text_list", "title"]


def test_suggest_reply_drafts_from_the_knowledge_base(agent_api, conversation, knowledge, fake_ollama):
    body = agent_api.post(f"/api/v1/conversations/{conversation.uuid}/suggest-reply").json()

    assert body["mode"] == "llm" and "two years" in body["reply"] and "[" not in body["reply"]
    assert knowledge["warranty"].pk in {s["document_id"] for s in body["sources"] if s["cited"]}
    assert knowledge["other_org"].pk not in {s["document_id"] for s in body["sources"]}


def test_suggest_reply_with_ollama_down_returns_the_passages(agent_api, conversation, knowledge, ollama_down):
    response = agent_api.post(f"/api/v1/conversations/{conversation.uuid}/suggest-reply")

    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "retrieval_only" and body["reply"] == ""
    assert body["sources"][0]["document_id"] == knowledge["warranty"].pk


def test_suggest_category(org, agent_api, fake_ollama):
    make_kb_item(org, "VPN error 401", "Reset the VPN token in the portal.", category="Network/VPN")
    make_kb_item(org, "Printer jam", "Open the tray and remove the paper.", category="Hardware/Printers")

    response = agent_api.post(
        "/api/v1/ai/suggest-category",
        {"text": "VPN error 401. I cant connect to the VPN.", "srType": "1"},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["category"]["path"] == "Network/VPN" and 0 < body["category"]["similarity"] <= 1
    assert body["title"] and body["type"] == "1"


def test_feedback_on_a_summary(agent_api, conversation, fake_ollama):
    response = agent_api.post(
        "/api/v1/ai/feedback",
        {"conversation": str(conversation.uuid), "summary": "A summary.", "feedback": "Missed the refund."},
        format="json",
    )

    assert response.status_code == 201
    assert AIFeedback.objects.get().feedback == "Missed the refund."


def test_another_organizations_conversation_is_404(other_api, conversation, fake_ollama):
    assert other_api.post(f"/api/v1/conversations/{conversation.uuid}/summarize").status_code == 404
    assert other_api.post(f"/api/v1/conversations/{conversation.uuid}/suggest-reply").status_code == 404
    feedback = other_api.post(
        "/api/v1/ai/feedback", {"conversation": str(conversation.uuid), "feedback": "x"}, format="json"
    )
    assert feedback.status_code == 404
    assert chat_requests(fake_ollama) == [] and not AIFeedback.objects.exists()
