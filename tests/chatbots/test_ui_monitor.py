"""The answer monitor: filters, search, pagination, inline review (correct, mark read, verify),
admins only, one organization only, answers escaped."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from chatbots.models import ChatMessage
from knowledge.models import KnowledgeItem
from tests.chatbots.factories import ChatbotFactory
from tests.chatbots.test_ui_chatbots import XSS, answered, signed_in

MONITOR = "/chatbots/monitor/"


@pytest.fixture
def widget_bot(org):
    return ChatbotFactory(organization=org, name="Widget helper", confidence_threshold=0.35)


@pytest.fixture
def answers(widget_bot):
    return {
        "good": answered(
            widget_bot,
            "How long is the warranty?",
            "Two years [1].",
            confidence=0.9,
            rating=1,
            read=1,
            verified=1,
        ),
        "weak": answered(widget_bot, "Can I swim with it?", "It is splash proof [1].", confidence=0.42),
        "bad": answered(
            widget_bot,
            "What colour is it?",
            "Sorry, I don't know.",
            confidence=0.1,
            mode="fallback",
            rating=-1,
        ),
    }


def _record_url(message) -> str:
    return reverse("chatbots:monitor-record", args=[message.session.session_id, message.index])


def _questions(response) -> set[str]:
    return {record.question for record in response.context["records"]}


def test_empty_monitor_says_where_answers_come_from(client, admin, widget_bot):
    body = signed_in(client, admin).get(MONITOR).content.decode()
    assert "No answers to review yet" in body
    assert reverse("chatbots:playground", args=[widget_bot.pk]) in body


def test_monitor_lists_answers_with_their_scores(client, admin, answers):
    response = signed_in(client, admin).get(MONITOR)
    assert response.status_code == 200
    assert _questions(response) == {a.question for a in answers.values()}
    body = response.content.decode()
    assert "90%" in body and "Verified" in body and "Didn't know" in body


def test_quick_filters_and_search(client, admin, answers):
    signed_in(client, admin)
    assert _questions(client.get(MONITOR + "?show=low")) == {"Can I swim with it?", "What colour is it?"}
    assert _questions(client.get(MONITOR + "?show=thumbs_down")) == {"What colour is it?"}
    assert _questions(client.get(MONITOR + "?show=unverified")) == {
        "Can I swim with it?",
        "What colour is it?",
    }
    assert _questions(client.get(MONITOR + "?show=unread")) == {"Can I swim with it?", "What colour is it?"}
    assert _questions(client.get(MONITOR + "?q=splash")) == {"Can I swim with it?"}
    assert _questions(client.get(MONITOR + "?q=warranty&show=low")) == set()
    body = client.get(MONITOR + "?show=thumbs_down").content.decode()
    assert 'aria-current="true">Thumbs down' in body


def test_filter_by_chatbot_and_ignore_other_organizations_bots(client, admin, org, other_org, answers):
    gadget = ChatbotFactory(organization=org, name="Gadget helper")
    answered(gadget, "Gadget question?", "Gadget answer.")
    foreign = ChatbotFactory(organization=other_org, name="Globex bot")
    answered(foreign, "Globex question?", "Globex answer.")
    signed_in(client, admin)
    assert _questions(client.get(MONITOR + f"?chatbot={gadget.pk}")) == {"Gadget question?"}
    everything = _questions(client.get(MONITOR))
    assert "Globex question?" not in everything and "Gadget question?" in everything
    # another organization's bot id filters nothing in (and leaks nothing)
    assert "Globex question?" not in _questions(client.get(MONITOR + f"?chatbot={foreign.pk}"))


def test_pagination(client, admin, widget_bot):
    for number in range(23):
        answered(widget_bot, f"Question {number}?", f"Answer {number}.")
    signed_in(client, admin)
    first = client.get(MONITOR)
    assert len(first.context["records"]) == 20
    second = client.get(MONITOR + "?page=2")
    assert len(second.context["records"]) == 3
    assert "21–23 of 23" in second.content.decode()


def test_inline_review_form_and_cancel(client, admin, answers):
    signed_in(client, admin)
    url = _record_url(answers["weak"])
    form_row = client.get(url + "?edit=1", HTTP_HX_REQUEST="true").content.decode()
    assert form_row.startswith('<tr id="record-') and "<textarea" in form_row
    assert f'hx-post="{url}"' in form_row and "It is splash proof [1]." in form_row
    plain_row = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<textarea" not in plain_row and "Can I swim with it?" in plain_row


def test_correct_and_verify_an_answer_inline(client, admin, answers, widget_bot):
    message = answers["weak"]
    data = {
        "question": "Is it waterproof?",
        "answer": "It is splash proof, not waterproof.",
        "read": "on",
        "verified": "on",
    }
    response = signed_in(client, admin).post(_record_url(message), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Answer verified" in response["HX-Trigger"]
    assert "Verified" in response.content.decode() and "<textarea" not in response.content.decode()
    message.refresh_from_db()
    assert message.corrected_question == "Is it waterproof?"
    assert message.corrected_answer == "It is splash proof, not waterproof."
    assert message.read_indicator == 1 and message.verification_indicator == 1
    item = KnowledgeItem.objects.get(pk=message.verified_item_id)
    assert item.verified and item.title == "Is it waterproof?"
    assert item.content == "It is splash proof, not waterproof."
    assert item in widget_bot.verified_items.all()
    assert message.reviewed_by == admin


def test_an_untouched_answer_is_verified_as_it_was(client, admin, answers):
    message = answers["weak"]
    data = {"question": message.question, "answer": message.content, "read": "on", "verified": "on"}
    signed_in(client, admin).post(_record_url(message), data, HTTP_HX_REQUEST="true")
    message.refresh_from_db()
    assert message.corrected_question == "" and message.corrected_answer == ""
    assert message.verified_item.content == "It is splash proof."  # citations stripped by the service


def test_verifying_a_fallback_without_an_answer_shows_the_error_and_changes_nothing(client, admin, answers):
    message = answers["bad"]
    data = {"question": message.question, "answer": "", "read": "on", "verified": "on"}
    response = signed_in(client, admin).post(_record_url(message), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps the form back in with its error
    assert "write the correct answer" in response.content.decode()
    message.refresh_from_db()
    assert message.verification_indicator == 0 and message.read_indicator == 0
    assert not KnowledgeItem.objects.exists()


def test_review_without_javascript(client, admin, answers):
    message = answers["weak"]
    signed_in(client, admin)
    page = client.get(_record_url(message) + "?back=/chatbots/monitor/%3Fshow%3Dlow")
    assert page.status_code == 200 and "Review an answer" in page.content.decode()
    response = client.post(
        _record_url(message),
        {
            "question": message.question,
            "answer": message.content,
            "read": "on",
            "back": "/chatbots/monitor/?show=low",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/chatbots/monitor/?show=low"
    message.refresh_from_db()
    assert message.read_indicator == 1 and message.verification_indicator == 0
    evil = client.post(
        _record_url(message),
        {"question": message.question, "answer": message.content, "back": "https://evil.example/"},
    )
    assert evil["Location"] == MONITOR


def test_agents_cannot_see_or_review_answers(client, agent, answers):
    signed_in(client, agent)
    assert client.get(MONITOR).status_code == 403
    message = answers["weak"]
    response = client.post(_record_url(message), {"question": "x", "answer": "y", "verified": "on"})
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.verification_indicator == 0 and message.corrected_answer == ""


def test_another_organizations_answers_are_not_found(client, admin, other_org):
    foreign = answered(ChatbotFactory(organization=other_org, name="Globex bot"), "Secret?", "Secret answer.")
    signed_in(client, admin)
    assert client.get(_record_url(foreign), HTTP_HX_REQUEST="true").status_code == 404
    response = client.post(_record_url(foreign), {"question": "x", "answer": "y", "verified": "on"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.verification_indicator == 0
    question_url = reverse("chatbots:monitor-record", args=[foreign.session.session_id, 0])
    assert client.get(question_url).status_code == 404  # a question is not an answer
    assert client.get(reverse("chatbots:monitor-record", args=[uuid.uuid4(), 1])).status_code == 404


def test_questions_and_answers_are_escaped(client, admin, widget_bot):
    message = answered(widget_bot, XSS, XSS)
    signed_in(client, admin)
    for body in (
        client.get(MONITOR).content.decode(),
        client.get(_record_url(message) + "?edit=1", HTTP_HX_REQUEST="true").content.decode(),
    ):
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;" in body
    assert ChatMessage.objects.filter(content=XSS).exists()
