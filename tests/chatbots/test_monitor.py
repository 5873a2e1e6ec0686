"""Answer monitoring: admins query answers (rating, verification, text, low confidence), mark
them read, correct and verify them. A verified answer becomes a verified KB item of the bot that
its retrieval ranks first, so the next asker gets it."""

import pytest

from chatbots.models import ChatMessage
from knowledge.models import KnowledgeItem

pytestmark = pytest.mark.usefixtures("embedding_model")


def ask(api, bot, message, session_id=None):
    payload = {"message": message, "chatbot_id": bot.pk}
    if session_id:
        payload["session_id"] = session_id
    return api.post("/api/v1/chat/message", payload, format="json").json()


def query(api, **payload):
    response = api.post("/api/v1/monitor/query", payload, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_monitor_lists_question_answer_pairs_with_filters(admin_api, agent_api, bot, fake_ollama):
    good = ask(agent_api, bot, "How many years does the warranty last?")
    bad = ask(agent_api, bot, "How many hours should I charge it?")
    ask(agent_api, bot, "Which football team won the league in 1998?")
    agent_api.post(
        "/api/v1/chat/rate", {"session_id": bad["session_id"], "index": 1, "rate": -1}, format="json"
    )

    everything = query(admin_api)
    thumbs_down = query(admin_api, rating=-1)
    unsure = query(admin_api, max_confidence=0.3)
    text = query(admin_api, text="warranty")
    ordered = query(admin_api, order=[["qualityRate", "ASC"]], limit=1)

    assert everything["status"] == "ok" and everything["total"] == 3 and everything["limit"] == 100
    record = next(r for r in everything["records"] if r["session_id"] == good["session_id"])
    assert record["question"] == "How many years does the warranty last?"
    assert record["answer"] == good["response"] and record["confidence"] == good["confidence"]
    assert record["sources"] and record["rating"] == 0 and record["read_indicator"] == 0
    assert [r["session_id"] for r in thumbs_down["records"]] == [bad["session_id"]]
    assert [r["mode"] for r in unsure["records"]] == ["fallback"]
    assert [r["session_id"] for r in text["records"]] == [good["session_id"]]
    assert ordered["total"] == 3 and [r["rating"] for r in ordered["records"]] == [-1]


def test_monitor_is_for_admins(agent_api, bot, fake_ollama):
    answer = ask(agent_api, bot, "How many years does the warranty last?")

    assert agent_api.post("/api/v1/monitor/query", {}, format="json").status_code == 403
    response = agent_api.put(
        f"/api/v1/monitor/{answer['session_id']}/1", {"read_indicator": 1}, format="json"
    )
    assert response.status_code == 403
    assert ChatMessage.objects.get(index=1).read_indicator == 0


def test_mark_read_and_correct(admin_api, agent_api, bot, fake_ollama):
    answer = ask(agent_api, bot, "How many years does the warranty last?")

    response = admin_api.put(
        f"/api/v1/monitor/{answer['session_id']}/1",
        {"readIndicator": 1, "answer": "Two years, batteries one year."},
        format="json",
    )

    assert response.status_code == 200
    record = response.json()["record"]
    assert record["read_indicator"] == 1 and record["corrected_answer"] == "Two years, batteries one year."
    assert record["verification_indicator"] == 0 and not KnowledgeItem.objects.exists()
    assert query(admin_api, read_indicator=0)["total"] == 0


def test_verified_correction_is_ranked_first_next_time(
    org, admin_api, agent_api, bot, knowledge, fake_ollama, run_tasks
):
    question = "How many years does the warranty last?"
    first = ask(agent_api, bot, question)
    agent_api.post(
        "/api/v1/chat/rate", {"session_id": first["session_id"], "index": 1, "rate": -1}, format="json"
    )
    to_review = query(admin_api, rating=-1, verification_indicator=0)["records"][0]

    with run_tasks():  # the KB item is indexed after commit
        response = admin_api.put(
            f"/api/v1/monitor/{to_review['session_id']}/{to_review['index']}",
            {
                "answer": "The warranty lasts three years since the 2025 extension.",
                "verificationIndicator": 1,
            },
            format="json",
        )

    assert response.status_code == 200, response.content
    item = KnowledgeItem.objects.get()
    assert item.verified and item.title == question and item.source == "monitor"
    assert item.content == "The warranty lasts three years since the 2025 extension."
    assert list(bot.verified_items.all()) == [item]
    assert response.json()["record"]["verified_item_id"] == item.pk

    again = ask(agent_api, bot, question)

    assert again["sources"][0]["kb_item_id"] == item.pk and again["sources"][0]["verified"] is True
    assert "three years" in again["response"]
    assert query(admin_api, verification_indicator=1)["total"] == 1


def test_verified_answer_of_one_bot_is_not_a_source_of_another(
    org, admin_api, agent_api, bot, other_bot, fake_ollama, run_tasks
):
    first = ask(agent_api, bot, "How many years does the warranty last?")
    with run_tasks():
        admin_api.put(
            f"/api/v1/monitor/{first['session_id']}/1",
            {"answer": "Three years since the 2025 extension.", "verification_indicator": 1},
            format="json",
        )

    other = ask(agent_api, other_bot, "How many years does the warranty last?")

    assert all(source["kb_item_id"] is None for source in other["sources"])
    assert "2025 extension" not in other["response"]


def test_unverifying_removes_the_item_from_the_bot(admin_api, agent_api, bot, fake_ollama, run_tasks):
    first = ask(agent_api, bot, "How many years does the warranty last?")
    url = f"/api/v1/monitor/{first['session_id']}/1"
    with run_tasks():
        admin_api.put(url, {"verification_indicator": 1}, format="json")
    assert bot.verified_items.count() == 1

    admin_api.put(url, {"verification_indicator": 0}, format="json")

    assert bot.verified_items.count() == 0
    assert ChatMessage.objects.get(index=1).verified_item is None


def test_fallback_answer_needs_a_correction_before_verification(admin_api, agent_api, bot, fake_ollama):
    answer = ask(agent_api, bot, "Which football team won the league in 1998?")

    response = admin_api.put(
        f"/api/v1/monitor/{answer['session_id']}/1", {"verification_indicator": 1}, format="json"
    )

    assert response.status_code == 400 and "answer" in response.json()["fields"]
    assert not KnowledgeItem.objects.exists()
    assert ChatMessage.objects.get(index=1).verification_indicator == 0


@pytest.mark.parametrize("payload", [{"read_indicator": -1}, {"verification_indicator": "yes"}, {"limit": 0}])
def test_bad_monitor_input_is_400(admin_api, agent_api, bot, fake_ollama, payload):
    answer = ask(agent_api, bot, "How many years does the warranty last?")

    put = admin_api.put(f"/api/v1/monitor/{answer['session_id']}/1", payload, format="json")
    post = admin_api.post("/api/v1/monitor/query", payload, format="json")

    assert put.status_code == 400 or post.status_code == 400
    assert ChatMessage.objects.get(index=1).read_indicator == 0


def test_monitor_of_a_question_index_is_404(admin_api, agent_api, bot, fake_ollama):
    answer = ask(agent_api, bot, "How many years does the warranty last?")

    assert admin_api.put(f"/api/v1/monitor/{answer['session_id']}/0", {}, format="json").status_code == 404
    assert admin_api.put(f"/api/v1/monitor/{answer['session_id']}/7", {}, format="json").status_code == 404


def test_monitor_query_count_does_not_grow(admin_api, bot, fake_ollama):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chatbots.services.answering import chat_answer

    chat_answer(chatbot=bot, message="How many years does the warranty last?", username="visitor")
    query(admin_api)  # the key's first use records last_used_at
    with CaptureQueriesContext(connection) as few:
        query(admin_api)
    for _ in range(4):
        chat_answer(chatbot=bot, message="How many years does the warranty last?", username="visitor")
    with CaptureQueriesContext(connection) as many:
        body = query(admin_api)

    assert body["total"] == 5
    assert len(many.captured_queries) == len(few.captured_queries)
