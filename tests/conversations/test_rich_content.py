"""The rich composer's HTML is only a proposal: the server keeps what its sanitizer allows. Links
(written or bare addresses) open in a new tab with rel="noopener nofollow ugc", for agents'
and contacts' messages alike, and an email reply carries the HTML with a text alternative."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from conversations.content import html_to_email_text, sanitize
from conversations.models import Channel, MessageStatus, SenderType
from conversations.services.messages import message_create, message_deliver
from tests.conversations.factories import InboxFactory, make_conversation

REL = {"noopener", "nofollow", "ugc"}


def links(content: str) -> list:
    return BeautifulSoup(content, "html.parser").find_all("a")


# --- what the rich editor produces is kept ---------------------------------------------------------


def test_the_editors_formatting_survives():
    editor = (
        "<p><b>Bold</b> <strong>strong</strong> <i>italic</i> <em>em</em> <code>x = 1</code></p>"
        "<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol><pre>line 1\nline 2</pre>"
        '<p><a href="https://docs.example.com/guide">the guide</a></p>'
    )

    content, text, kind = sanitize(editor)

    assert kind == "html"
    for tag in (
        "<b>Bold</b>",
        "<strong>strong</strong>",
        "<i>italic</i>",
        "<em>em</em>",
        "<code>x = 1</code>",
    ):
        assert tag in content
    assert "<ul><li>one</li><li>two</li></ul>" in content and "<ol><li>first</li></ol>" in content
    assert "<pre>line 1\nline 2</pre>" in content
    [link] = links(content)
    assert link["href"] == "https://docs.example.com/guide" and link["target"] == "_blank"
    assert set(link["rel"]) == REL
    assert text.splitlines()[0] == "Bold strong italic em x = 1"


# --- XSS attempts through the editor's HTML -----------------------------------------------------------


@pytest.mark.parametrize(
    "attack",
    [
        "<p>hi<script>alert(1)</script></p>",
        "<p>hi<SCRIPT SRC=//evil.test/x.js></SCRIPT></p>",
        '<p onclick="alert(1)" onmouseover="alert(1)">hi</p>',
        '<img src="x" onerror="alert(1)">hi',
        '<a href="javascript:alert(1)">hi</a>',
        '<a href="JaVaScRiPt&colon;alert(1)">hi</a>',
        '<a href="  javascript:alert(1)">hi</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">hi</a>',
        '<a href="vbscript:msgbox(1)">hi</a>',
        '<p style="background:url(javascript:alert(1))">hi</p>',
        "<style>p { color: red }</style><p>hi</p>",
        '<span style="position:fixed;inset:0">hi</span>',
        '<iframe src="https://evil.test"></iframe><p>hi</p>',
        '<svg onload="alert(1)"><p>hi</p></svg>',
        '<form action="https://evil.test"><input name="q"><button>hi</button></form>',
        "<p><math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>hi</p>",
        '<div contenteditable="true" class="btn" id="cv-composer" data-x="1">hi</div>',
        '<object data="x.swf"></object><embed src="x.swf"><p>hi</p>',
    ],
)
def test_xss_attempts_are_removed(attack):
    content, _, _ = sanitize(attack)
    soup = BeautifulSoup(content, "html.parser")

    assert "hi" in soup.get_text()
    for tag in soup.find_all(True):
        assert tag.name not in {
            "script",
            "style",
            "iframe",
            "svg",
            "math",
            "form",
            "input",
            "object",
            "embed",
        }
        for name in tag.attrs:
            assert not name.startswith("on") and name not in {"style", "class", "id", "contenteditable"}
            assert not name.startswith("data-")
    for link in soup.find_all("a"):
        assert link.get("href") is None or link["href"].startswith(("http://", "https://", "mailto:"))
    for image in soup.find_all("img"):
        assert image.get("src", "") in {"", "x"}


def test_text_that_looks_like_markup_is_shown_as_text():
    content, text, kind = sanitize('2 < 3 and "quotes" & ampersands')

    assert kind == "text"
    assert (
        content == "2 &lt; 3 and &quot;quotes&quot; &amp; ampersands"
        and text == '2 < 3 and "quotes" & ampersands'
    )


# --- links --------------------------------------------------------------------------------------------


def test_bare_addresses_in_text_become_safe_links():
    content, text, _ = sanitize(
        "See https://example.com/a?b=1&c=2. Or www.example.org/help, (https://w.test/x_(y))."
    )

    found = links(content)
    assert [link["href"] for link in found] == [
        "https://example.com/a?b=1&c=2",
        "https://www.example.org/help",
        "https://w.test/x_(y)",
    ]
    assert all(link["target"] == "_blank" and set(link["rel"]) == REL for link in found)
    assert text.startswith("See https://example.com/a?b=1&c=2.")


def test_bare_addresses_in_html_become_links_but_not_inside_code_or_links():
    content, _, _ = sanitize(
        '<p>Docs: https://docs.test/a <a href="https://x.test" rel="opener" target="_self">https://x.test</a></p>'
        "<pre>curl https://api.test/v1</pre><p><code>https://code.test</code></p>"
    )

    assert [link["href"] for link in links(content)] == ["https://docs.test/a", "https://x.test"]
    assert all(set(link["rel"]) == REL and link["target"] == "_blank" for link in links(content))
    assert "<pre>curl https://api.test/v1</pre>" in content


@pytest.mark.parametrize("sender_type", [SenderType.AGENT, SenderType.CONTACT])
def test_messages_of_agents_and_contacts_carry_the_link_rel(org, admin, sender_type):
    conversation = make_conversation(org)

    message = message_create(
        conversation=conversation,
        content='<p>Read <a href="https://help.test/a" onclick="x()">this</a> or https://help.test/b</p>',
        actor=admin if sender_type == SenderType.AGENT else None,
        sender_type=sender_type,
    )

    found = links(message.content)
    assert [link["href"] for link in found] == ["https://help.test/a", "https://help.test/b"]
    assert all(set(link["rel"]) == REL and link["target"] == "_blank" for link in found)
    assert "onclick" not in message.content


def test_a_contacts_plain_text_message_links_its_addresses(org):
    conversation = make_conversation(org, content="My invoice: https://billing.test/inv/42\nThanks")

    first = conversation.messages.get(sender_type=SenderType.CONTACT)

    [link] = links(first.content)
    assert link["href"] == "https://billing.test/inv/42" and set(link["rel"]) == REL
    assert "<br>Thanks" in first.content


# --- the email channel ------------------------------------------------------------------------------


def test_an_email_reply_sends_the_html_and_a_text_alternative(org, admin, mailoutbox):
    inbox = InboxFactory(organization=org, channel=Channel.EMAIL, email="support@acme.test")
    conversation = make_conversation(org, inbox=inbox, email="ada@customer.test")

    reply = message_create(
        conversation=conversation,
        content=(
            "<p>Hello <b>Ada</b>,</p><ul><li>open <a href='https://acme.test/settings'>Settings</a></li>"
            "<li>see https://acme.test/faq</li></ul><ol><li>save</li></ol>"
        ),
        actor=admin,
    )
    assert message_deliver(message_id=reply.pk).status == MessageStatus.SENT

    [sent] = mailoutbox
    [(html, mimetype)] = sent.alternatives
    assert mimetype == "text/html" and "<b>Ada</b>" in html
    assert all(set(link["rel"]) == REL for link in links(html))
    assert sent.body.splitlines()[:4] == [
        "Hello Ada,",
        "- open Settings (https://acme.test/settings)",
        "- see https://acme.test/faq",
        "1. save",
    ]


def test_the_email_text_of_a_mailto_link_names_the_address_once():
    assert html_to_email_text('<p><a href="mailto:help@acme.test">help@acme.test</a></p>') == "help@acme.test"
