"""End to end in headless Chromium: drop two files on the upload zone, watch a document go from
queued to processed in the list without reloading (htmx polling), see an open document page
reload itself when its passages are ready, and find the text with the knowledge search; then
failures, the review banner, a crawl and Q&A imports. Screenshots of each page land in var/screenshots/ for a human to look at."""

from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from knowledge import embeddings, keyword, services, tasks, vectorstore
from knowledge.models import Document
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def knowledge_ready():
    """The embedding model loaded before the browser starts waiting; the vector store emptied after."""
    embeddings.warm_up()
    yield
    if vectorstore._client is not None:
        client = vectorstore.client()
        for collection in client.list_collections():
            client.delete_collection(getattr(collection, "name", collection))
    vectorstore._collections.clear()
    keyword.forget()


GUIDE = """# Widget Pro setup guide

## Pairing

Hold the blue button for five seconds until the light blinks twice. The Widget Pro then shows
up in the companion app under Devices.

## Battery

Charge the battery for four hours before first use. A full charge lasts about nine days.

## Warranty

The Widget Pro warranty lasts two years from the date of purchase and covers manufacturing defects.
"""


BILLING = "Billing\n\nInvoices are sent on the first day of each month. Pay by card or bank transfer.\n"


def drop_files(page, selector: str, files: list[tuple[str, str, str]]) -> None:
    """Drop files on an element the way a browser does (a ``drop`` event with a DataTransfer)."""
    transfer = page.evaluate_handle(
        """files => {
            const transfer = new DataTransfer();
            for (const [name, type, text] of files) transfer.items.add(new File([text], name, {type}));
            return transfer;
        }""",
        [list(file) for file in files],
    )
    page.dispatch_event(selector, "dragenter", {"dataTransfer": transfer})
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_upload_watch_processing_and_search(
    knowledge_ready, logged_in_page, live_server, e2e_admin, page_errors, monkeypatch
):
    page = logged_in_page
    queued = []

    # Hold the ingestion back (no worker here) so the test can watch the queued state, then run it.
    def hold(args=(), **options):
        queued.append(tuple(args))
        return SimpleNamespace(id="held", failed=lambda: False)

    monkeypatch.setattr(tasks.ingest_document, "apply_async", hold)

    page.goto(f"{live_server.url}/knowledge/")
    expect(
        page.get_by_text("Upload your product docs — PDF, DOCX, Markdown, HTML, RST or text")
    ).to_be_visible()
    screenshot(page, "knowledge-empty")

    page.get_by_role("link", name="Upload", exact=True).click()
    expect(page.get_by_role("heading", name="Upload documents")).to_be_visible()
    drop_files(
        page,
        "[data-dropzone]",
        [("widget-guide.md", "text/markdown", GUIDE), ("billing.txt", "text/plain", BILLING)],
    )
    expect(page.locator("[data-file-list]")).to_contain_text("widget-guide.md")
    expect(page.locator("[data-file-list]")).to_contain_text("billing.txt")
    page.get_by_label("Category").fill("Widgets")
    page.get_by_label("Tags").fill("setup, widget")
    screenshot(page, "knowledge-upload")
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_text("Uploaded 2 documents")).to_be_visible()
    documents = {d.original_filename: d for d in Document.objects.filter(organization=e2e_admin.organization)}
    guide, billing = documents["widget-guide.md"], documents["billing.txt"]
    row = page.locator(f'tr[data-document="{guide.pk}"]')
    expect(row).to_contain_text("Processing")
    expect(row.locator("progress")).to_be_visible()
    screenshot(page, "knowledge-processing")
    assert len(queued) == 2

    # The worker's turn: the list, still open, polls and turns the row into "Processed".
    services.document_ingest(document=guide, operation=guide.operation)
    expect(row).to_contain_text("Processed", timeout=10_000)
    expect(row).to_contain_text("chunk")
    expect(row.locator("progress")).to_have_count(0)
    expect(page.locator(f'tr[data-document="{billing.pk}"]')).to_contain_text("Processing")
    screenshot(page, "knowledge-processed")

    # A document page opened while processing reloads itself when the passages are ready.
    page.get_by_role("link", name="billing", exact=True).click()
    expect(page.get_by_text("Extracting the text…")).to_be_visible()
    services.document_ingest(document=billing, operation=billing.operation)
    expect(page.get_by_text("Invoices are sent on the first day of each month.")).to_be_visible(
        timeout=10_000
    )
    page.goto(f"{live_server.url}/knowledge/")

    # The same file again is refused as a duplicate, per file.
    page.get_by_role("link", name="Upload", exact=True).click()
    page.set_input_files(
        "input[type=file]",
        [
            {"name": "copy-of-guide.md", "mimeType": "text/markdown", "buffer": GUIDE.encode()},
            {"name": "empty.txt", "mimeType": "text/plain", "buffer": b""},
        ],
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("No file was uploaded")).to_be_visible()
    expect(page.locator('[data-file="copy-of-guide.md"]')).to_contain_text("already uploaded")
    screenshot(page, "knowledge-upload-refused")

    page.goto(f"{live_server.url}/knowledge/documents/{guide.pk}/")
    expect(page.get_by_role("heading", name="widget-guide")).to_be_visible()
    expect(page.get_by_text("Extracted passages")).to_be_visible()
    expect(page.get_by_text("Hold the blue button for five seconds").first).to_be_visible()
    screenshot(page, "knowledge-document")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Knowledge").click()
    page.get_by_role("navigation", name="Knowledge").get_by_role("link", name="Search").click()
    page.get_by_label("Question or keywords").fill("how long does the battery last")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.locator("li.result")
    expect(results.first).to_be_visible()
    expect(results.first.locator("mark").first).to_be_visible()
    expect(page.locator("#search-results")).to_contain_text("nine days")
    # the search is in the address bar (shareable, back button works)
    assert parse_qs(urlsplit(page.url).query)["q"] == ["how long does the battery last"]
    screenshot(page, "knowledge-search")

    page.get_by_role("link", name="Q&A items").click()
    expect(page.get_by_text("No Q&A items yet")).to_be_visible()
    screenshot(page, "knowledge-items-empty")
    page.goto(f"{live_server.url}/knowledge/crawl/")
    screenshot(page, "knowledge-crawl")
    assert page_errors == []


def test_failures_review_banner_crawl_and_qa_import(
    knowledge_ready, logged_in_page, live_server, e2e_admin, page_errors, ollama_down, tmp_path
):
    from tests.knowledge.conftest import make_blank_pdf, upload
    from tests.knowledge.site import LocalSite

    page, organization = logged_in_page, e2e_admin.organization
    organization.allowed_outbound_hosts = ["127.0.0.1"]
    organization.save(update_fields=["allowed_outbound_hosts"])
    failed = services.document_upload(organization=organization, file=upload("scan.pdf", make_blank_pdf()))
    processed = services.document_upload(organization=organization, file=upload("faq.md", GUIDE))

    page.goto(f"{live_server.url}/knowledge/")
    failed_row = page.locator(f'tr[data-document="{failed.pk}"]')
    expect(failed_row).to_contain_text("Failed")
    expect(failed_row.get_by_role("button", name="Retry")).to_be_visible()
    screenshot(page, "knowledge-failed")

    # Review with AI while Ollama is down: a clear banner, not an error page.
    page.goto(f"{live_server.url}/knowledge/documents/{processed.pk}/")
    page.get_by_role("button", name="Review with AI").click()
    expect(page.get_by_text("Ollama is unreachable", exact=True)).to_be_visible()
    screenshot(page, "knowledge-review-unreachable")

    # Crawl a small site served on loopback (allow-listed above).
    site = LocalSite().start()
    try:
        site.html("/", "Widget docs", "Welcome to the Widget documentation.", links=["/pairing", "/billing"])
        site.html("/pairing", "Pairing", "Hold the blue button for five seconds to pair.")
        site.html("/billing", "Billing", "Invoices are sent on the first day of each month.")
        page.goto(f"{live_server.url}/knowledge/crawl/")
        page.get_by_label("Website URL").fill(site.url + "/")
        page.get_by_label("Maximum pages").fill("10")
        page.get_by_label("Category").fill("Docs")
        page.get_by_role("button", name="Start crawling").click()
        crawl = page.locator(".operation").first
        expect(crawl).to_contain_text("Succeeded", timeout=20_000)
        expect(crawl.get_by_role("link", name="Pairing")).to_be_visible()
        screenshot(page, "knowledge-crawl-done")
    finally:
        site.stop()

    # Q&A: write one item, then import a file with mistakes and see each one listed.
    page.goto(f"{live_server.url}/knowledge/items/new/")
    page.get_by_label("Question", exact=True).fill("How do I pair the Widget Pro?")
    page.get_by_label("Answer", exact=True).fill(
        "Hold the blue button for five seconds until the light blinks twice."
    )
    page.get_by_label("Category").fill("Setup")
    page.get_by_role("button", name="Add item").click()
    expect(page.get_by_role("link", name="How do I pair the Widget Pro?")).to_be_visible()
    screenshot(page, "knowledge-items")

    bad_file = tmp_path / "faq.json"
    bad_file.write_text(
        '[{"title": "Fine?", "content": "Yes."}, {"title": "No answer?"}, {"content": "No question"}]'
    )
    page.get_by_role("link", name="Import JSON").click()
    page.set_input_files("input[type=file]", str(bad_file))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Items to fix")).to_be_visible()
    expect(page.locator('[data-import-error="2"]')).to_contain_text("No answer?")
    screenshot(page, "knowledge-import-errors")
    assert page_errors == []
