"""The knowledge UI: the search box (hybrid retrieval, highlighted and escaped snippets, isolation)
and crawling a website (form, refusals, progress of the crawl operation)."""

import pytest
from django.urls import reverse

from helpdesk.models import Operation
from helpdesk.services import operations as operation_services
from knowledge import services
from knowledge.models import Document
from knowledge.views.common import highlight
from tests.knowledge.conftest import upload
from tests.knowledge.factories import KnowledgeItemFactory

pytestmark = pytest.mark.usefixtures("embedding_model")


@pytest.fixture
def signed_in(client):
    def sign_in(membership):
        client.force_login(membership.user)
        session = client.session
        session["organization_id"] = membership.organization_id
        session.save()
        return client

    return sign_in


def add_document(org, name, text, run_tasks, **fields) -> Document:
    with run_tasks():
        document = services.document_upload(organization=org, file=upload(name, text), **fields)
    document.refresh_from_db()
    assert document.status == "processed", document.error
    return document


WARRANTY_MD = (
    "# Widget Pro handbook\n\n## Warranty\n\nThe Widget Pro warranty lasts two years from the date of purchase.\n\n"
    "## Charging\n\nCharge the battery for four hours before first use.\n"
)


# ---------- highlighting ----------


def test_highlight_escapes_first_and_never_marks_inside_entities():
    html = highlight('R&D <b>amp</b> team "amp"', "amp")
    assert html == "R&amp;D &lt;b&gt;<mark>amp</mark>&lt;/b&gt; team &quot;<mark>amp</mark>&quot;"
    assert highlight("<script>x</script>", "") == "&lt;script&gt;x&lt;/script&gt;"


def test_highlight_marks_word_starts_case_insensitively():
    assert highlight("Install the installer", "install") == "<mark>Install</mark> the <mark>installer</mark>"
    assert highlight("reinstall", "install") == "reinstall"


# ---------- search ----------


def test_search_page_without_knowledge_says_what_to_do(signed_in, agent):
    body = signed_in(agent).get(reverse("knowledge:search")).content.decode()
    assert "Nothing to search yet" in body and "Upload your product docs" in body


def test_search_shows_source_section_snippet_and_score(signed_in, agent, org, run_tasks):
    document = add_document(org, "handbook.md", WARRANTY_MD, run_tasks, title="Widget Pro handbook")
    body = (
        signed_in(agent).get(reverse("knowledge:search"), {"q": "how long is the warranty"}).content.decode()
    )
    assert "passage" in body and "Widget Pro handbook" in body
    assert "<mark>warranty</mark>" in body
    assert "Warranty" in body  # the section of the passage
    assert 'class="score__bar"' in body and "%" in body
    assert reverse("knowledge:document", args=[document.pk]) + "?chunks=1#chunk-" in body


def test_search_returns_a_partial_for_htmx(signed_in, agent, org, run_tasks):
    add_document(org, "handbook.md", WARRANTY_MD, run_tasks)
    response = signed_in(agent).get(
        reverse("knowledge:search"), {"q": "charging battery"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="search-results"')
    assert "<mark>battery</mark>" in body and "<html" not in body


def test_search_includes_qa_items_verified_first(signed_in, agent, org, run_tasks):
    add_document(org, "handbook.md", WARRANTY_MD, run_tasks)
    with run_tasks():
        item = services.kb_item_create(
            organization=org,
            title="Does the warranty cover water damage?",
            content="No, water damage is excluded.",
        )
        services.kb_item_update(item=item, verified=True)
    body = signed_in(agent).get(reverse("knowledge:search"), {"q": "warranty water damage"}).content.decode()
    results = body[body.index('<ol class="results">') :]
    assert results.index(f'data-result="kb-{item.pk}"') < results.index('data-result="doc-')
    assert "Q&amp;A" in results and "Verified" in results
    assert reverse("knowledge:item", args=[item.pk]) in results


def test_snippets_and_titles_from_documents_are_escaped(signed_in, agent, org, run_tasks):
    evil_title = '<img src=x onerror="alert(1)">'
    text = 'The warranty note: <script>alert("pwned")</script> covers <b>two</b> years.'
    add_document(org, "evil.txt", text, run_tasks, title=evil_title)
    body = signed_in(agent).get(reverse("knowledge:search"), {"q": "warranty"}).content.decode()
    results = body[body.index('id="search-results"') :]
    assert (
        '<script>alert("pwned")' not in results and evil_title not in results and "<b>two</b>" not in results
    )
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in results
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in results
    assert "<mark>warranty</mark>" in results


def test_search_never_shows_another_organizations_knowledge(signed_in, agent, org, other_org, run_tasks):
    add_document(other_org, "secret.txt", "Zebrafish regeneration protocol for Globex only.", run_tasks)
    KnowledgeItemFactory(organization=other_org, title="Zebrafish question?", content="Globex answer.")
    add_document(org, "handbook.md", WARRANTY_MD, run_tasks)
    body = signed_in(agent).get(reverse("knowledge:search"), {"q": "zebrafish regeneration"}).content.decode()
    assert "Globex" not in body and "Zebrafish question" not in body


def test_search_can_be_limited_to_a_category(signed_in, agent, org, run_tasks):
    add_document(org, "handbook.md", WARRANTY_MD, run_tasks, category="Hardware", title="Hardware handbook")
    add_document(
        org,
        "billing.txt",
        "The warranty extension is billed yearly.",
        run_tasks,
        category="Billing",
        title="Billing",
    )
    body = (
        signed_in(agent)
        .get(reverse("knowledge:search"), {"q": "warranty", "category": "Billing"})
        .content.decode()
    )
    results = body[body.index('id="search-results"') :]
    assert "Billing" in results and "Hardware handbook" not in results


# ---------- crawling ----------


def test_crawl_is_for_admins(signed_in, agent):
    client = signed_in(agent)
    assert client.get(reverse("knowledge:crawl")).status_code == 403
    response = client.post(
        reverse("knowledge:crawl"), {"url": "https://example.com", "max_levels": 1, "max_pages": 5}
    )
    assert response.status_code == 403
    assert not Operation.objects.filter(kind="knowledge.crawl").exists()


def test_crawl_form_renders_with_limits(signed_in, admin):
    body = signed_in(admin).get(reverse("knowledge:crawl")).content.decode()
    assert 'name="url"' in body and 'name="max_levels"' in body and 'name="max_pages"' in body
    assert "No crawls yet" in body


def test_internal_addresses_are_refused_on_the_form(signed_in, admin, site):
    response = signed_in(admin).post(
        reverse("knowledge:crawl"), {"url": site.url + "/", "max_levels": 1, "max_pages": 5}
    )
    assert response.status_code == 400
    assert "cannot be crawled" in response.content.decode()
    assert not Operation.objects.filter(kind="knowledge.crawl").exists()
    assert site.requests == []


def test_crawl_limits_are_checked(signed_in, admin, settings):
    response = signed_in(admin).post(
        reverse("knowledge:crawl"),
        {"url": "https://example.com", "max_levels": settings.MAX_CRAWL_LEVELS + 1, "max_pages": 0},
    )
    assert response.status_code == 400
    assert not Operation.objects.filter(kind="knowledge.crawl").exists()


def test_crawl_a_site_and_follow_its_progress(signed_in, admin, org, loopback_allowed, site, run_tasks):
    site.html("/", "Docs home", "Welcome to the Widget docs.", links=["/setup"])
    site.html("/setup", "Setup", "Plug the Widget in and hold the button for five seconds.")
    client = signed_in(admin)
    with run_tasks():
        response = client.post(
            reverse("knowledge:crawl"),
            {"url": site.url + "/", "max_levels": 1, "max_pages": 5, "category": "Docs"},
        )
    assert response.status_code == 302 and response.url == reverse("knowledge:crawl")
    operation = Operation.objects.get(organization=org, kind="knowledge.crawl")
    assert operation.status == "succeeded", operation.error
    documents = Document.objects.filter(organization=org).order_by("title")
    assert [d.title for d in documents] == ["Docs home", "Setup"]

    page = client.get(reverse("knowledge:crawl")).content.decode()
    assert f'data-operation="{operation.pk}"' in page and "2 pages" in page
    assert reverse("knowledge:document", args=[documents[1].pk]) in page

    card = client.get(reverse("knowledge:operation", args=[operation.pk]), HTTP_HX_REQUEST="true")
    assert card.status_code == 200 and "hx-trigger" not in card.content.decode()  # finished: no polling


def test_a_running_crawl_polls_its_progress(signed_in, admin, org):
    operation = operation_services.operation_create(
        organization=org, kind="knowledge.crawl", total=10, params={"url": "https://docs.example.com/"}
    )
    operation_services.operation_start(operation=operation, total=10, message="Fetched 4 of at most 10 pages")
    operation_services.operation_progress(operation=operation, done=4)
    body = signed_in(admin).get(reverse("knowledge:operation", args=[operation.pk])).content.decode()
    assert '<progress value="4" max="10"' in body and "Fetched 4 of at most 10 pages" in body
    assert 'hx-trigger="every 1500ms"' in body


def test_operations_of_other_organizations_or_apps_are_not_found(signed_in, admin, org, other_org):
    theirs = operation_services.operation_create(organization=other_org, kind="knowledge.crawl")
    unrelated = operation_services.operation_create(organization=org, kind="conversation.escalate")
    client = signed_in(admin)
    assert client.get(reverse("knowledge:operation", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("knowledge:operation", args=[unrelated.pk])).status_code == 404
