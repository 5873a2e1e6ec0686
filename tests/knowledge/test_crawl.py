"""URL crawling against a small site the test serves on 127.0.0.1: levels, page budget, same host
only, robots.txt, non-HTML skipped, main text only, re-crawl by content hash, and the SSRF guard."""

import pytest

from helpdesk.models import Operation
from knowledge import crawling, services
from knowledge.models import Chunk, Document
from tests.isolation import assert_error_shape

pytestmark = pytest.mark.usefixtures("embedding_model")


@pytest.fixture
def small_site(site):
    site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.html(
        "/",
        "Widget docs",
        "Welcome to the Widget documentation.",
        links=["/install", "/faq", "/private/secret", "/manual.pdf", "http://example.com/elsewhere"],
    )
    site.html("/install", "Install", "Install the Widget with the blue cable.", links=["/install/advanced"])
    site.html("/faq", "FAQ", "The Widget warranty lasts two years.", links=["/", "/data.json"])
    site.html(
        "/install/advanced", "Advanced install", "Advanced users can flash the firmware.", links=["/deep"]
    )
    site.html("/deep", "Deep page", "This page is three levels down.")
    site.html("/private/secret", "Secret", "Robots must not read this.")
    site.page("/manual.pdf", "%PDF-1.4 not really", content_type="application/pdf")
    site.page("/data.json", '{"a": 1}', content_type="application/json")
    return site


def crawl(org, run_tasks, url, **options) -> Operation:
    with run_tasks():
        operation = services.crawl_start(organization=org, url=url, **options)
    operation.refresh_from_db()
    return operation


def test_crawl_follows_levels_and_honours_robots(loopback_allowed, small_site, run_tasks):
    org = loopback_allowed
    operation = crawl(
        org, run_tasks, small_site.url, max_levels=1, max_pages=20, category="docs", title="Widget site"
    )
    assert operation.status == "succeeded", operation.error
    urls = set(Document.objects.filter(organization=org).values_list("source_url", flat=True))
    assert urls == {f"{small_site.url}/", f"{small_site.url}/install", f"{small_site.url}/faq"}
    assert "/private/secret" not in small_site.requests  # robots.txt honoured: never fetched
    assert "/install/advanced" not in small_site.requests  # level 2 is beyond max_levels=1
    assert "/manual.pdf" not in small_site.requests  # not HTML: not even fetched
    assert operation.result["created"] == 3
    assert any("robots.txt" in entry["reason"] for entry in operation.result["skipped"])
    root = Document.objects.get(source_url=f"{small_site.url}/")
    assert root.title == "Widget site" and root.category == "docs" and root.format == "html"
    assert root.status == "processed"


def test_page_text_is_the_main_content_only(loopback_allowed, small_site, run_tasks):
    crawl(loopback_allowed, run_tasks, small_site.url, max_levels=1, max_pages=5)
    faq = Document.objects.get(source_url=f"{small_site.url}/faq")
    text = "\n".join(Chunk.objects.filter(document=faq).values_list("text", flat=True))
    assert "warranty lasts two years" in text
    for noise in ("Site menu text", "Header banner", "Copyright footer", "tracking"):
        assert noise not in text


def test_max_pages_and_levels_bound_the_crawl(loopback_allowed, small_site, run_tasks):
    operation = crawl(loopback_allowed, run_tasks, small_site.url, max_levels=5, max_pages=2)
    assert operation.result["fetched"] == 2
    assert Document.objects.filter(organization=loopback_allowed).count() == 2

    Document.objects.all().delete()
    deep = crawl(loopback_allowed, run_tasks, small_site.url, max_levels=5, max_pages=20)
    assert f"{small_site.url}/deep" in set(Document.objects.values_list("source_url", flat=True))
    assert deep.result["fetched"] == 5


def test_non_html_page_is_skipped(loopback_allowed, site, run_tasks):
    site.page("/robots.txt", "", content_type="text/plain")
    site.html("/", "Home", "Home text.", links=["/export"])
    site.page("/export", "a,b\n1,2\n", content_type="text/csv")
    operation = crawl(loopback_allowed, run_tasks, site.url, max_levels=1, max_pages=10)
    assert "/export" in site.requests
    assert any(
        entry["url"].endswith("/export") and "not HTML" in entry["reason"]
        for entry in operation.result["skipped"]
    )
    assert Document.objects.count() == 1


def test_recrawl_updates_changed_pages_and_skips_unchanged(loopback_allowed, small_site, run_tasks):
    org = loopback_allowed
    crawl(org, run_tasks, small_site.url, max_levels=1, max_pages=10)
    faq = Document.objects.get(source_url=f"{small_site.url}/faq")
    install = Document.objects.get(source_url=f"{small_site.url}/install")
    small_site.html("/faq", "FAQ", "The Widget warranty lasts three years now.", links=["/"])

    operation = crawl(org, run_tasks, small_site.url, max_levels=1, max_pages=10)
    assert (
        operation.result["updated"] == 1
        and operation.result["unchanged"] == 2
        and operation.result["created"] == 0
    )
    faq_after = Document.objects.get(pk=faq.pk)
    assert faq_after.sha256 != faq.sha256 and faq_after.status == "processed"
    assert "three years" in "".join(Chunk.objects.filter(document=faq).values_list("text", flat=True))
    assert Document.objects.get(pk=install.pk).sha256 == install.sha256
    assert Document.objects.filter(organization=org).count() == 3


def test_robots_disallow_all_stops_the_crawl(loopback_allowed, site, run_tasks):
    site.page("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    site.html("/", "Home", "Home text.")
    operation = crawl(loopback_allowed, run_tasks, site.url, max_levels=1, max_pages=10)
    assert operation.status == "failed"
    assert "robots.txt" in operation.error
    assert site.requests == ["/robots.txt"]
    assert not Document.objects.exists()


def test_redirect_to_another_host_is_not_followed(loopback_allowed, site, run_tasks):
    site.page("/robots.txt", "", content_type="text/plain")
    site.html("/", "Home", "Home text.", links=["/away"])
    site.page("/away", "", status=302, headers={"Location": "http://localhost:1/elsewhere"})
    operation = crawl(loopback_allowed, run_tasks, site.url, max_levels=1, max_pages=10)
    assert operation.status == "succeeded"
    assert any(entry["url"].endswith("/away") for entry in operation.result["skipped"])
    assert Document.objects.count() == 1


def test_redirect_within_the_site_is_followed(loopback_allowed, site, run_tasks):
    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", "", status=301, headers={"Location": "/home"})
    site.html("/home", "Home", "The real home page.")
    operation = crawl(loopback_allowed, run_tasks, site.url, max_levels=0, max_pages=5)
    assert operation.result["created"] == 1
    assert Document.objects.get().source_url == f"{site.url}/home"


def test_plan_limit_stops_the_crawl(loopback_allowed, small_site, run_tasks):
    loopback_allowed.limit_documents = 2
    loopback_allowed.save(update_fields=["limit_documents"])
    operation = crawl(loopback_allowed, run_tasks, small_site.url, max_levels=1, max_pages=10)
    assert Document.objects.count() == 2
    assert "at most 2 documents" in operation.result["stopped"]


def test_internal_address_is_refused_without_allow_list(org, site, run_tasks):
    site.html("/", "Home", "Home text.")
    from helpdesk.errors import DomainError

    with pytest.raises(DomainError) as refused:
        crawl(org, run_tasks, site.url, max_levels=0, max_pages=1)
    assert refused.value.field == "url" and "internal address" in refused.value.message
    assert site.requests == []
    assert not Operation.objects.filter(kind="knowledge.crawl").exists()


def test_crawl_api_answers_202_and_needs_admin(admin_api, agent_api, loopback_allowed, small_site, run_tasks):
    body = {"url": small_site.url, "max_levels": 0, "max_pages": 1, "title": "Docs", "category": "web"}
    assert_error_shape(agent_api.post("/api/v1/documents/crawl", body, format="json"), 403)
    with run_tasks():
        response = admin_api.post("/api/v1/documents/crawl", body, format="json")
    assert response.status_code == 202
    operation_id = response.json()["operation_id"]
    assert response.json()["status"] in ("pending", "running", "succeeded")
    operation = admin_api.get(f"/api/v1/operations/{operation_id}").json()
    assert operation["status"] == "succeeded"
    assert Document.objects.filter(organization=loopback_allowed, category="web").count() == 1


def test_crawl_api_refuses_internal_addresses_without_allow_list(admin_api, org, site):
    response = admin_api.post("/api/v1/documents/crawl", {"url": site.url}, format="json")
    body = assert_error_shape(response, 400, "invalid")
    assert "url" in body["fields"]
    assert site.requests == []


@pytest.mark.parametrize("field,value", [("max_pages", 0), ("max_pages", 100000), ("max_levels", 99)])
def test_crawl_limits_are_validated(admin_api, loopback_allowed, site, field, value):
    response = admin_api.post("/api/v1/documents/crawl", {"url": site.url, field: value}, format="json")
    body = assert_error_shape(response, 400, "invalid")
    assert field in body["fields"]


def test_url_normalization():
    assert crawling.normalize_url("HTTP://Example.COM:80/a/../b#frag") == "http://example.com/b"
    assert crawling.same_site("https://example.com/x", "http://example.com/")
    assert not crawling.same_site("http://example.com:8080/", "http://example.com/")
    assert not crawling.crawlable("http://example.com/file.pdf")
