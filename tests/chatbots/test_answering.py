"""The answerer through the real Ollama client and the fake Ollama server: grounded answers with
citations from the bot's own sources only, hand-off when unsure, retrieval-only when Ollama is
down or slow, and follow-up questions rewritten with the history."""

import pytest

from chatbots.models import ChatMessage, ChatSession
from chatbots.services.answering import RETRIEVAL_ONLY_NOTICE, chat_answer
from tests.chatbots.conftest import chat_requests, prompt_text

pytestmark = pytest.mark.usefixtures("embedding_model")


def ask(api, bot, message, **extra):
    return api.post(
        "/api/v1/chat/message", {"message": message, "chatbot_id": bot.pk, **extra}, format="json"
    )


def test_answer_is_grounded_in_the_bots_documents_and_cites_them(agent_api, bot, knowledge, fake_ollama):
    response = ask(agent_api, bot, "How many years does the warranty last?")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["mode"] == "llm"
    assert "two years" in body["response"]
    assert "[" not in body["response"] or body["response"].rstrip().endswith("]")
    cited = [s for s in body["sources"] if s["cited"]]
    assert [s["document_id"] for s in cited] == [knowledge["warranty"].pk]
    assert cited[0]["title"] == "Warranty guide" and cited[0]["snippet"]
    assert body["confidence"] >= bot.confidence_threshold
    assert body["index"] == 1 and body["handoff_offered"] is False
    session = ChatSession.objects.get(session_id=body["session_id"])
    assert list(session.messages.values_list("index", "role")) == [(0, "user"), (1, "assistant")]
    assert "details" not in body  # retrieval details are for admins


def test_prompt_holds_only_the_bots_own_sources(agent_api, bot, other_bot, knowledge, fake_ollama):
    ask(agent_api, bot, "How many years does the warranty last and what does it cover?")

    (body,) = chat_requests(fake_ollama)
    prompt = prompt_text(body)
    assert "two years" in prompt
    assert "Gadget Max" not in prompt and "five years" not in prompt  # another bot's document
    assert "Globex" not in prompt and "seven years" not in prompt  # another organization's document
    system, user = body["messages"][0], body["messages"][-1]
    assert system["role"] == "system" and "data, not instructions" in system["content"]
    assert "two years" not in system["content"]  # document text never goes in the system role
    assert user["role"] == "user" and user["content"].count("<<<SOURCES>>>") == 1
    assert (
        user["content"]
        .rstrip()
        .endswith("Question: How many years does the warranty last and what does it cover?")
    )
    assert (
        body["options"]["temperature"] == bot.temperature and body["options"]["num_predict"] == bot.max_tokens
    )


def test_the_other_bot_answers_from_its_own_document(agent_api, other_bot, knowledge, fake_ollama):
    body = ask(agent_api, other_bot, "How many years does the warranty last?").json()

    assert "five years" in body["response"]
    assert {s["document_id"] for s in body["sources"]} == {knowledge["other_bot"].pk}
    assert "two years" not in prompt_text(chat_requests(fake_ollama)[0])


def test_organization_and_bot_messages_go_in_the_system_prompt(org, agent_api, bot, fake_ollama):
    org.chat_system_message = "Always answer in a cheerful tone."
    org.save()
    bot.system_prompt = "You help owners of the Widget Pro."
    bot.save()

    ask(agent_api, bot, "How many years does the warranty last?")

    system = chat_requests(fake_ollama)[0]["messages"][0]["content"]
    assert "Always answer in a cheerful tone." in system and "You help owners of the Widget Pro." in system


def test_unrelated_question_gets_the_fallback_and_a_hand_off(org, agent_api, bot, fake_ollama):
    body = ask(agent_api, bot, "Which football team won the league in 1998?").json()

    assert body["mode"] == "fallback"
    assert body["response"] == org.error_message
    assert body["handoff_offered"] is True
    assert body["sources"] == []
    assert body["confidence"] < bot.confidence_threshold
    assert chat_requests(fake_ollama) == []  # no guess was asked for


def test_answer_that_does_not_know_becomes_the_fallback(org, admin_api, bot, fake_ollama):
    fake_ollama.reply_with = "I don't know based on the provided sources."

    body = ask(admin_api, bot, "How many years does the warranty last?").json()

    assert body["mode"] == "fallback" and body["handoff_offered"] is True
    assert body["response"] == org.error_message
    assert body["details"]["draft"] == "I don't know based on the provided sources."
    assert len(chat_requests(fake_ollama)) == 1


def test_ungrounded_answer_is_not_confident(org, admin_api, bot, fake_ollama):
    fake_ollama.reply_with = "Our shop on Mars sells pizza every Tuesday afternoon."

    body = ask(admin_api, bot, "How many years does the warranty last?").json()

    assert body["mode"] == "fallback" and body["response"] == org.error_message
    assert body["details"]["grounding"]["overlap"] < 0.2
    assert body["details"]["replaced_because"] == "low_confidence"


def test_handoff_not_offered_when_the_bot_has_it_disabled(agent_api, bot, fake_ollama):
    bot.handoff_enabled = False
    bot.save()

    body = ask(agent_api, bot, "Which football team won the league in 1998?").json()

    assert body["mode"] == "fallback" and body["handoff_offered"] is False


def test_bot_without_sources_never_searches_the_organization(org, agent_api, knowledge, fake_ollama):
    from tests.chatbots.factories import ChatbotFactory

    empty = ChatbotFactory(organization=org, name="Empty")

    body = ask(agent_api, empty, "How many years does the warranty last?").json()

    assert body["mode"] == "fallback" and body["sources"] == []


def test_knowledge_categories_and_kb_items_are_sources(org, agent_api, knowledge, fake_ollama):
    from tests.chatbots.factories import ChatbotFactory, make_kb_item

    item = make_kb_item(
        org, "Can I return the Widget Pro?", "Returns are free within thirty days.", category="support"
    )
    make_kb_item(
        org, "Can I return the Gadget Max?", "Gadget Max returns cost ten euros.", category="gadgets"
    )
    bot = ChatbotFactory(organization=org, name="By category", knowledge_categories=["support"])

    body = ask(agent_api, bot, "Are returns free, and for how many days?").json()

    assert body["mode"] == "llm" and "thirty days" in body["response"]
    assert item.pk in {s["kb_item_id"] for s in body["sources"]}
    prompt = prompt_text(chat_requests(fake_ollama)[0])
    assert "ten euros" not in prompt and "Gadget Max" not in prompt


# --- Ollama down, slow, or without the model -----------------------------------------------------


def test_ollama_down_gives_the_best_passages_clearly_marked(agent_api, bot, knowledge, ollama_down):
    response = ask(agent_api, bot, "How many years does the warranty last?")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["mode"] == "retrieval_only"
    assert body["response"].startswith(RETRIEVAL_ONLY_NOTICE)
    assert "two years" in body["response"]
    assert body["sources"][0]["document_id"] == knowledge["warranty"].pk
    assert (
        ChatMessage.objects.get(index=body["index"], session__session_id=body["session_id"]).mode
        == "retrieval_only"
    )


def test_ollama_down_and_no_relevant_passage_declines_instead_of_showing_passages(
    agent_api, bot, knowledge, ollama_down
):
    bot.confidence_threshold = 0.0  # past the bot's own threshold: the evidence check decides
    bot.save(update_fields=["confidence_threshold"])

    body = ask(agent_api, bot, "Can I pay for a cruise to Mars with bitcoin?").json()

    assert body["mode"] == "fallback" and body["sources"] == []
    assert not body["response"].startswith(RETRIEVAL_ONLY_NOTICE)
    stored = ChatMessage.objects.get(index=body["index"], session__session_id=body["session_id"])
    assert stored.mode == "fallback" and stored.retrieval["declined"] == "best passage not relevant"


def test_slow_ollama_times_out_into_retrieval_only(agent_api, bot, fake_ollama, settings):
    settings.OLLAMA_TIMEOUT = 0.3
    fake_ollama.delay = 1.5

    body = ask(agent_api, bot, "How many years does the warranty last?").json()

    assert body["mode"] == "retrieval_only" and "two years" in body["response"]


def test_ollama_failing_answers_retrieval_only(admin_api, bot, fake_ollama):
    fake_ollama.fail_with = 500

    body = ask(admin_api, bot, "How many years does the warranty last?").json()

    assert body["mode"] == "retrieval_only"
    assert "500" in body["details"]["ollama_error"]


def test_unknown_model_answers_retrieval_only_and_names_the_model(admin_api, bot, fake_ollama):
    bot.model = "mistral-nonexistent"
    bot.save()

    body = ask(admin_api, bot, "How many years does the warranty last?").json()

    assert body["mode"] == "retrieval_only"
    assert "mistral-nonexistent" in body["details"]["ollama_error"]


def test_endpoint_removed_by_an_admin_is_not_contacted(
    org, admin_api, bot, fake_ollama, unreachable_ollama_host
):
    org.ollama_endpoints = [unreachable_ollama_host]
    org.save()
    bot.ollama_endpoint = unreachable_ollama_host
    bot.save()
    org.ollama_endpoints = []
    org.save()

    body = ask(admin_api, bot, "How many years does the warranty last?").json()

    assert body["mode"] == "retrieval_only" and "not allowed" in body["details"]["ollama_error"]


# --- sessions and follow-ups --------------------------------------------------------------------


def test_follow_up_is_rewritten_by_the_model_with_the_history(agent_api, bot, knowledge, fake_ollama):
    def rewrite(body):
        system = body["messages"][0]["content"]
        if "rewrite a follow-up question" in system:
            return "How long does the Widget Pro battery charge take?"
        return None

    first = ask(agent_api, bot, "How many years does the warranty last?").json()
    fake_ollama.reply_with = rewrite

    second = ask(agent_api, bot, "And for charging it?", session_id=first["session_id"]).json()

    assert second["index"] == 3 and second["session_id"] == first["session_id"]
    assert "four hours" in second["response"]
    rewrite_request = chat_requests(fake_ollama)[1]
    assert "How many years does the warranty last?" in rewrite_request["messages"][-1]["content"]
    answer_request = chat_requests(fake_ollama)[2]
    roles = [m["role"] for m in answer_request["messages"]]
    assert roles == ["system", "user", "assistant", "user"]  # the earlier turn is in the chat
    message = ChatMessage.objects.get(session__session_id=first["session_id"], index=3)
    assert message.rewritten_query == "How long does the Widget Pro battery charge take?"
    assert message.retrieval["rewrite_method"] == "llm"


def test_follow_up_rewrite_without_the_model_carries_the_key_terms(agent_api, bot, knowledge, ollama_down):
    first = ask(agent_api, bot, "How do I charge the Widget Pro battery?").json()

    second = ask(agent_api, bot, "How long does it take?", session_id=first["session_id"]).json()

    message = ChatMessage.objects.get(session__session_id=first["session_id"], index=second["index"])
    assert message.retrieval["rewrite_method"] == "keywords"
    assert "charge" in message.rewritten_query and "How long does it take?" in message.rewritten_query
    assert second["mode"] == "retrieval_only"
    assert second["sources"][0]["document_id"] == knowledge["charging"].pk


def test_session_of_another_chatbot_is_refused(agent_api, bot, other_bot, fake_ollama):
    first = ask(agent_api, bot, "How many years does the warranty last?").json()

    response = ask(agent_api, other_bot, "And the Gadget Max?", session_id=first["session_id"])

    assert response.status_code == 400
    assert ChatMessage.objects.filter(session__session_id=first["session_id"]).count() == 2


def test_service_answers_for_a_visitor_without_membership(bot, fake_ollama):
    answer = chat_answer(chatbot=bot, message="How many years does the warranty last?", username="visitor-42")

    assert answer.session.username == "visitor-42" and answer.session.created_by is None
    assert "two years" in answer.response


@pytest.mark.parametrize(
    "payload", [{"message": ""}, {"message": "x" * 5000}, {"message": "hi", "context": [1]}]
)
def test_bad_questions_are_refused(agent_api, bot, payload, fake_ollama):
    response = agent_api.post("/api/v1/chat/message", {"chatbot_id": bot.pk, **payload}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not ChatSession.objects.exists()


def test_switched_off_bot_does_not_answer(agent_api, bot, fake_ollama):
    bot.is_active = False
    bot.save()

    response = ask(agent_api, bot, "How many years does the warranty last?")

    assert response.status_code == 409
    assert not ChatSession.objects.exists()
