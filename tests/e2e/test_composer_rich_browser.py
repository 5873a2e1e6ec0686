"""The rich composer in headless Chromium: bold, lists and links typed with the toolbar and the
keyboard end in the thread as the server's sanitized HTML; HTML forced into the editor loses its
scripts, handlers and javascript: links on the server; a pasted image becomes an attachment of
the message (through the composer's file input, checked by content on the server); without
JavaScript the plain textarea still sends. Screenshots at 1360 and 390 px."""

import re

import pytest
from playwright.sync_api import expect

from conversations.models import Attachment, Message, MessageType
from tests.conversations.factories import make_conversation
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.browser

REL = "noopener nofollow ugc"


@pytest.fixture
def conversation(e2e_admin):
    return make_conversation(
        e2e_admin.organization,
        email="tom.baker@example.com",
        first_name="Tom",
        last_name="Baker",
        subject="Where is my parcel?",
        content="Hi, my parcel has not arrived. The tracking page is https://track.example.com/TB-1234",
    )


def open_conversation(page, live_server, e2e_admin, conversation):
    login(page, live_server, e2e_admin.user.email)
    page.goto(f"{live_server.url}/inbox/c/{conversation.uuid}/")
    editor = page.locator("[data-rich-editor]")
    expect(editor).to_be_visible()
    expect(page.locator("textarea[data-composer-text]")).to_be_hidden()
    return editor


def last_reply(conversation) -> Message:
    return Message.objects.filter(conversation=conversation, type=MessageType.OUTGOING).latest("created_at")


# Paste a file into the editor the way Chromium delivers a copied image (a ClipboardEvent whose
# clipboardData holds the file): a real PNG drawn on a canvas, or bytes that only claim to be one.
PASTE = """async (kind) => {
  let body = ["MZ this is not a picture"];
  if (kind === "png") {
    const canvas = document.createElement("canvas");
    canvas.width = 40; canvas.height = 30;
    const context = canvas.getContext("2d");
    context.fillStyle = "#2563eb"; context.fillRect(0, 0, 40, 30);
    body = [await new Promise((resolve) => canvas.toBlob(resolve, "image/png"))];
  }
  const data = new DataTransfer();
  data.items.add(new File(body, "image.png", { type: "image/png" }));
  document.querySelector("[data-rich-editor]").dispatchEvent(
    new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
}"""


def type_formatted(page, shortcut: str, text: str) -> None:
    """Turn a format on with its shortcut, type, and turn it off again."""
    page.keyboard.press(shortcut)
    page.keyboard.type(text)
    page.keyboard.press(shortcut)


def paste_file(page, kind: str) -> None:
    page.evaluate(PASTE, kind)


def test_formatting_ends_as_sanitized_html_in_the_thread(
    page, live_server, e2e_admin, conversation, page_errors
):
    editor = open_conversation(page, live_server, e2e_admin, conversation)

    # the contact's bare address is a link that opens in a new tab
    incoming = page.locator(".msg", has_text="tracking page").get_by_role(
        "link", name="https://track.example.com/TB-1234"
    )
    expect(incoming).to_have_attribute("rel", REL)
    expect(incoming).to_have_attribute("target", "_blank")

    editor.click()
    page.keyboard.type("Hi Tom, it is ")
    type_formatted(page, "Control+b", "on its way")
    page.keyboard.type(". Next steps:")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Bulleted list").click()
    expect(page.get_by_role("button", name="Bulleted list")).to_have_attribute("aria-pressed", "true")
    page.keyboard.type("wait for the courier")
    page.keyboard.press("Enter")
    page.keyboard.type("check the ")
    type_formatted(page, "Control+i", "tracking")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # leaves the list
    page.keyboard.type("Our guide")
    for _ in range(5):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+k")
    link_field = page.get_by_label("Link address")
    expect(link_field).to_be_focused()
    link_field.fill("help.example.com/parcels")
    link_field.press("Enter")
    expect(editor.get_by_role("link", name="guide")).to_have_attribute(
        "href", "https://help.example.com/parcels"
    )
    editor.press("End")
    page.keyboard.type(" and ")
    page.keyboard.press("Control+e")
    page.keyboard.type("TB-1234")
    screenshot(page, "composer-rich-formatting", full_page=False)
    editor.press("Control+Enter")

    thread = page.locator(".msg--out").last
    expect(thread.locator("b", has_text="on its way")).to_be_visible()
    expect(thread.locator("ul > li")).to_have_count(2)
    expect(thread.locator("ul > li i", has_text="tracking")).to_be_visible()
    expect(thread.locator("code", has_text="TB-1234")).to_be_visible()
    guide = thread.get_by_role("link", name="guide")
    expect(guide).to_have_attribute("href", "https://help.example.com/parcels")
    expect(guide).to_have_attribute("rel", REL)
    expect(guide).to_have_attribute("target", "_blank")
    expect(page.locator("[data-rich-editor]")).to_have_text("")

    stored = last_reply(conversation)
    assert stored.content_type == "html"
    assert "<b>on its way</b>" in stored.content
    assert re.search(
        r"<ul><li>wait for the courier</li><li>check the <i>tracking</i></li></ul>", stored.content
    )
    assert "style=" not in stored.content and "<span" not in stored.content and "\u200b" not in stored.content
    assert stored.text_content.startswith("Hi Tom, it is on its way. Next steps:")
    assert page_errors == []


def test_html_forced_into_the_editor_is_sanitized_by_the_server(
    page, live_server, e2e_admin, conversation, page_errors
):
    editor = open_conversation(page, live_server, e2e_admin, conversation)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # what a tampered editor could send: set the form's field directly, past the editor's cleaning
    page.evaluate(
        """() => {
        const field = document.querySelector("textarea[data-composer-text]");
        Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(field,
          '<p onclick="alert(1)">Safe <b style="color:red">text</b></p><script>alert(2)</script>' +
          '<img src="x" onerror="alert(3)"><a href="javascript:alert(4)">click</a>' +
          '<style>body{display:none}</style><iframe src="https://evil.example"></iframe>');
        field.form.requestSubmit();
    }"""
    )

    thread = page.locator(".msg--out").last
    expect(thread).to_contain_text("Safe text")
    stored = last_reply(conversation)
    for bad in ("onclick", "<script", "onerror", "javascript:", "<style", "<iframe", "style="):
        assert bad not in stored.content, stored.content
    assert "<b>text</b>" in stored.content
    expect(thread.get_by_text("click")).not_to_have_attribute("href", re.compile("javascript"))
    assert dialogs == [] and page_errors == []
    expect(editor).to_be_visible()


def test_a_pasted_image_becomes_an_attachment_of_the_message(
    page, live_server, e2e_admin, conversation, page_errors
):
    editor = open_conversation(page, live_server, e2e_admin, conversation)
    editor.click()
    page.keyboard.type("Here is the label:")

    paste_file(page, "png")  # a real PNG, drawn on a canvas, as a copied screenshot arrives

    chip = page.locator("[data-attach-names] .file-chip")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text(re.compile(r"pasted-.*\.png"))
    expect(editor).to_have_text("Here is the label:")  # the image is not put into the text
    editor.press("Control+Enter")

    thread = page.locator(".msg--out").last
    expect(thread).to_contain_text("Here is the label:")
    expect(thread.locator(".msg__image img")).to_be_visible()
    stored = last_reply(conversation)
    [attachment] = Attachment.objects.filter(message=stored)
    assert attachment.content_type == "image/png" and attachment.filename.endswith(".png")
    assert "<img" not in stored.content
    assert page_errors == []


def test_a_pasted_file_that_is_not_an_image_is_refused_by_the_server(
    page, live_server, e2e_admin, conversation, page_errors
):
    """The name and type the browser claims do not decide: the server reads the bytes."""
    editor = open_conversation(page, live_server, e2e_admin, conversation)
    editor.click()
    page.keyboard.type("Screenshot attached")
    paste_file(page, "not-an-image")
    expect(page.locator("[data-attach-names] .file-chip")).to_have_count(1)
    editor.press("Control+Enter")

    expect(page.locator(".composer__error")).to_be_visible()
    assert not Message.objects.filter(conversation=conversation, type=MessageType.OUTGOING).exists()
    expect(page.locator("[data-rich-editor]")).to_contain_text("Screenshot attached")  # kept as written
    assert page_errors == []


def test_without_javascript_the_plain_textarea_sends(browser, live_server, e2e_admin, conversation):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1360, "height": 860})
    try:
        page = context.new_page()
        login(page, live_server, e2e_admin.user.email)
        page.goto(f"{live_server.url}/inbox/c/{conversation.uuid}/")
        expect(page.locator("[data-rich-editor]")).to_have_count(0)
        page.locator("textarea[data-composer-text]").fill(
            "Plain text still works: 2 < 3 & see https://example.com"
        )
        page.get_by_role("button", name="Send reply").click()
        expect(page.locator(".msg--out").last).to_contain_text("Plain text still works: 2 < 3")
    finally:
        context.close()
    stored = last_reply(conversation)
    assert stored.content_type == "text" and "2 &lt; 3 &amp;" in stored.content
    assert f'rel="{REL}"' in stored.content


def test_the_composer_on_a_phone_fits_and_looks_like_the_product(
    page, live_server, e2e_admin, conversation, page_errors
):
    page.set_viewport_size({"width": 390, "height": 844})
    editor = open_conversation(page, live_server, e2e_admin, conversation)
    editor.click()
    page.keyboard.type("Hello ")
    page.keyboard.press("Control+b")
    page.keyboard.type("Tom")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    toolbar = page.get_by_role("toolbar", name="Formatting")
    box, composer = toolbar.bounding_box(), page.locator("#cv-composer").bounding_box()
    assert box["x"] >= composer["x"] and box["x"] + box["width"] <= composer["x"] + composer["width"] + 1
    screenshot(page, "composer-rich-phone", full_page=False)

    # everything deleted: the editor is empty again and shows its placeholder
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    assert editor.evaluate("e => e.innerHTML") == ""
    assert page.locator("textarea[data-composer-text]").input_value() == ""
    assert page_errors == []
