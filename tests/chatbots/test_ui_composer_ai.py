"""AI in the conversation composer: suggest a reply from the knowledge base (sources shown to the
agent, not in the draft), rewrite the draft with an undo, summarize as a private note; with the
language model down, passages labelled as such or a clear refusal with the draft kept (never a
500, never made-up text); bad input, roles and the organization boundary."""

import pytest
from django.urls import reverse

from conversations.models import Message, MessageType
from tests.chatbots.conftest import chat_requests
from tests.conversations.factories import make_conversation

pytestmark = pytest.mark.usefixtures("embedding_model")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def conversation(org):
    return make_conversation(
        org, email="ada@example.com", subject="Widget Pro warranty",
        content="My Widget Pro broke after a year. How many years does the warranty last? I am quite upset.",
    )  # fmt: skip


def url(name, conversation):
    return reverse(f"chatbots:composer-{name}", args=[conversation.uuid])


def notes(conversation):
    return list(
        Message.objects.filter(
            conversation=conversation, private=True, type=MessageType.OUTGOING
        ).values_list("text_content", flat=True)
    )


def test_suggest_reply_drafts_from_the_knowledge_base_with_its_sources(
    ui_as, agent, conversation, knowledge, fake_ollama
):
    response = ui_as(agent).post(url("suggest", conversation), {"message": "Hi Ada,"}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    draft = body.split("data-composer-text", 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    assert "two years" in draft and "[1]" not in draft and "Warranty guide" not in draft
    assert (
        "Warranty guide" in body and f"/knowledge/documents/{knowledge['warranty'].pk}/" in body
    )  # for the agent
    assert "Globex" not in body  # another organization's document never shows
    assert 'name="previous_message" value="Hi Ada,"' in body and "Undo" in body
    assert not Message.objects.filter(conversation=conversation, private=False, sender_type="agent").exists()


def test_suggest_reply_with_ollama_down_drafts_the_passages_labelled(
    ui_as, agent, conversation, knowledge, ollama_down
):
    response = ui_as(agent).post(url("suggest", conversation), {"message": ""}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "language model is not reachable" in body and "best passages" in body
    assert "The Widget Pro warranty lasts two years" in body.split("</textarea>")[0]  # the passage, as found
    assert "Warranty guide" in body


def test_suggest_reply_without_matching_knowledge_keeps_the_draft(ui_as, agent, conversation, fake_ollama):
    response = ui_as(agent).post(url("suggest", conversation), {"message": "My own words"}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200 and "Nothing in the knowledge base matches" in body
    assert ">My own words</textarea>" in body and chat_requests(fake_ollama) == []


def test_rewrite_replaces_the_draft_and_undo_restores_it(ui_as, agent, conversation, fake_ollama):
    fake_ollama.reply_with = "Hello Ada! Your order has shipped."
    client = ui_as(agent)

    response = client.post(
        url("rewrite", conversation), {"message": "your order have shipped", "rewrite": "friendlier"}, **HTMX
    )

    body = response.content.decode()
    assert response.status_code == 200 and ">Hello Ada! Your order has shipped.</textarea>" in body
    assert 'name="previous_message" value="your order have shipped"' in body and "Undo rewrite" in body
    (request,) = chat_requests(fake_ollama)
    assert "warm, friendly tone" in request["messages"][0]["content"]
    undone = client.post(
        url("restore", conversation),
        {"message": "Hello Ada! Your order has shipped.", "previous_message": "your order have shipped"},
        **HTMX,
    )
    assert undone.status_code == 200 and ">your order have shipped</textarea>" in undone.content.decode()


def test_rewrite_refuses_bad_input_with_4xx(ui_as, agent, conversation, fake_ollama):
    client = ui_as(agent)

    unknown = client.post(url("rewrite", conversation), {"message": "text", "rewrite": "pirate"}, **HTMX)
    empty = client.post(url("rewrite", conversation), {"message": "  ", "rewrite": "shorter"}, **HTMX)

    assert unknown.status_code == 400 and "Choose one of" in unknown.content.decode()
    assert ">text</textarea>" in unknown.content.decode()
    assert empty.status_code == 400 and "no text to work on" in empty.content.decode()
    assert client.get(url("rewrite", conversation)).status_code == 405
    assert chat_requests(fake_ollama) == []


def test_rewrite_and_summarize_with_ollama_down_say_so_and_keep_the_draft(
    ui_as, agent, conversation, ollama_down
):
    client = ui_as(agent)

    rewrite = client.post(url("rewrite", conversation), {"message": "keep me", "rewrite": "shorter"}, **HTMX)
    summary = client.post(url("summarize", conversation), {"message": "keep me"}, **HTMX)
    page = client.post(url("rewrite", conversation), {"message": "keep me", "rewrite": "shorter"})  # no htmx

    for response in (rewrite, summary):
        body = response.content.decode()
        assert response.status_code == 200 and "language model is not reachable" in body
        assert ">keep me</textarea>" in body
    assert page.status_code == 503 and ">keep me</textarea>" in page.content.decode()
    assert notes(conversation) == []


def test_an_unknown_model_is_a_clear_502_page_not_a_500(ui_as, org, agent, conversation, fake_ollama):
    org.ollama_model = "not-pulled"
    org.save()

    response = ui_as(agent).post(url("rewrite", conversation), {"message": "x", "rewrite": "shorter"})

    assert response.status_code == 502 and "not-pulled" in response.content.decode()


def test_summarize_adds_a_private_note_and_keeps_the_draft(ui_as, agent, conversation, fake_ollama):
    response = ui_as(agent).post(url("summarize", conversation), {"message": "half a reply"}, **HTMX)

    assert response.status_code == 200 and ">half a reply</textarea>" in response.content.decode()
    (note,) = notes(conversation)
    assert (
        note.startswith("AI summary: Customer: My Widget Pro broke") and "Customer sentiment: neutral" in note
    )


def test_another_organizations_conversation_is_404(ui_as, other_admin, conversation, fake_ollama):
    client = ui_as(other_admin)

    for name in ("suggest", "rewrite", "summarize", "restore"):
        assert (
            client.post(url(name, conversation), {"message": "x", "rewrite": "shorter"}, **HTMX).status_code
            == 404
        )
    assert chat_requests(fake_ollama) == [] and notes(conversation) == []


def test_signed_out_is_refused(client, conversation, fake_ollama):
    response = client.post(url("summarize", conversation))

    assert response.status_code in (302, 403) and notes(conversation) == []


def test_the_composer_offers_the_ai_actions_and_their_shortcuts(ui_as, agent, conversation):
    body = ui_as(agent).get(reverse("conversations:conversation", args=[conversation.uuid])).content.decode()

    assert "Suggest reply" in body and 'data-shortcut="s"' in body and 'data-shortcut="m"' in body
    assert 'value="friendlier"' in body and 'value="shorter"' in body and 'value="grammar"' in body


def test_a_rich_html_draft_is_rewritten_as_its_text(ui_as, agent, conversation, fake_ollama):
    response = ui_as(agent).post(
        url("rewrite", conversation),
        {"message": "<p>your order <b>have</b> shipped</p>", "rewrite": "grammar"},
        **HTMX,
    )

    assert response.status_code == 200
    (request,) = chat_requests(fake_ollama)
    assert request["messages"][1]["content"] == "<text>\nyour order have shipped\n</text>"
    assert (
        'value="&lt;p&gt;your order &lt;b&gt;have&lt;/b&gt; shipped&lt;/p&gt;"' in response.content.decode()
    )


def test_a_post_without_the_csrf_token_is_refused(agent, conversation, fake_ollama):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent.user)

    response = client.post(url("summarize", conversation), {"message": "x"})

    assert response.status_code == 403 and b"CSRF" in response.content
    assert notes(conversation) == [] and chat_requests(fake_ollama) == []
