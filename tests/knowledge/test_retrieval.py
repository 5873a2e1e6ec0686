"""Hybrid retrieval and ``knowledge/search``: relevance, source filters, verified answers first,
organization isolation, database verification, and keyword-only fallback."""

import pytest

from knowledge import keyword, retrieval, selectors, services, vectorstore
from knowledge.models import Document
from knowledge.scope import SourceScope
from tests.isolation import assert_error_shape
from tests.knowledge.conftest import upload

pytestmark = pytest.mark.usefixtures("embedding_model")

BATTERY = "# Battery\n\nThe Widget Pro battery lasts ten hours and charges fully in ninety minutes.\n"
SHIPPING = "# Shipping\n\nOrders ship within two business days from our warehouse in Lisbon.\n"
SECURITY = (
    "# Two-factor login\n\nEnable two-factor authentication in your account settings for extra security.\n"
)


def add(org, run_tasks, name, text, category="") -> Document:
    with run_tasks():
        document = services.document_upload(organization=org, file=upload(name, text), category=category)
    document.refresh_from_db()
    assert document.status == "processed", document.error
    return document


@pytest.fixture
def library(org, run_tasks):
    return {
        "battery": add(org, run_tasks, "battery.md", BATTERY, category="product"),
        "shipping": add(org, run_tasks, "shipping.md", SHIPPING, category="orders"),
        "security": add(org, run_tasks, "security.md", SECURITY, category="account"),
    }


def test_the_relevant_passage_comes_first_with_citation(org, library):
    results = retrieval.retrieve(organization=org, query="How long does the battery last?", k=3)
    top = results[0]
    assert top.document_id == library["battery"].pk
    assert top.source_type == "document" and top.title == "battery"
    assert top.section == "Battery"
    assert "ten hours" in top.text
    assert 0 < top.score <= 1 and top.vector_score is not None and top.keyword_score is not None
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


def test_semantic_match_without_shared_words(org, library):
    results = retrieval.retrieve(organization=org, query="delivery time for parcels", k=1)
    assert results[0].document_id == library["shipping"].pk


def test_document_ids_filter(org, library):
    results = retrieval.retrieve(
        organization=org, query="battery hours", document_ids=[library["shipping"].pk], k=5
    )
    assert {r.document_id for r in results} == {library["shipping"].pk}


def test_categories_filter_and_or_semantics(org, library):
    results = retrieval.retrieve(
        organization=org,
        query="battery",
        document_ids=[library["shipping"].pk],
        categories=["account"],
        k=5,
    )
    assert {r.document_id for r in results} == {library["shipping"].pk, library["security"].pk}


def test_empty_filters_allow_nothing(org, library):
    assert retrieval.retrieve(organization=org, query="battery", document_ids=[], categories=[], k=5) == []


def test_kb_items_follow_their_own_filter(org, library, run_tasks):
    with run_tasks():
        item = services.kb_item_create(
            organization=org,
            title="How long does the battery last?",
            content="About ten hours.",
            category="faq",
        )
    only_documents = retrieval.retrieve(organization=org, query="battery life", include_kb_items=False, k=10)
    assert all(r.source_type == "document" for r in only_documents)
    by_document = retrieval.retrieve(
        organization=org, query="battery", document_ids=[library["battery"].pk], k=10
    )
    assert all(r.source_type == "document" for r in by_document)  # KB items need their id or category
    by_item = retrieval.retrieve(organization=org, query="battery", kb_item_ids=[item.pk], k=10)
    assert [(r.source_type, r.kb_item_id) for r in by_item] == [("kb_item", item.pk)]


def test_verified_answers_rank_first(org, library, run_tasks):
    with run_tasks():
        services.kb_item_create(organization=org, title="Battery?", content="Widget Pro battery: ten hours.")
        verified = services.kb_item_verify(
            organization=org, question="What is the warranty?", answer="Two years, battery included."
        )
    results = retrieval.retrieve(organization=org, query="battery hours", k=5)
    assert results[0].kb_item_id == verified.pk and results[0].verified


def test_another_organization_never_sees_my_knowledge(org, other_org, library, run_tasks):
    add(other_org, run_tasks, "globex.md", "# Globex\n\nGlobex rockets reach orbit in nine minutes.\n")
    mine = retrieval.retrieve(organization=org, query="rockets orbit Globex", k=10)
    assert all(Document.objects.get(pk=r.document_id).organization_id == org.pk for r in mine)
    theirs = retrieval.retrieve(organization=other_org, query="battery ten hours", k=10)
    assert {r.document_id for r in theirs} <= set(
        Document.objects.filter(organization=other_org).values_list("pk", flat=True)
    )
    # Asking for my document ids from the other organization gives nothing.
    assert (
        retrieval.retrieve(organization=other_org, query="battery", document_ids=[library["battery"].pk], k=5)
        == []
    )


def test_a_vector_without_its_row_is_never_returned(org, library):
    """Even if the vector store held a stale or foreign vector, the database check drops it."""
    stale = library["battery"]
    Document.objects.filter(pk=stale.pk).update(status="failed")  # no longer searchable
    keyword.forget()
    results = retrieval.retrieve(organization=org, query="battery ten hours", k=5)
    assert stale.pk not in {r.document_id for r in results}


def test_keyword_ranking_still_works_when_the_vector_store_is_down(org, library, monkeypatch):
    def down(*args, **kwargs):
        raise vectorstore.VectorStoreUnavailable("connection refused")

    monkeypatch.setattr(vectorstore, "query", down)
    results = retrieval.retrieve(organization=org, query="warehouse Lisbon", k=3)
    assert results[0].document_id == library["shipping"].pk
    assert results[0].vector_score is None and results[0].keyword_score > 0


def test_where_filter_is_built_in_one_place():
    assert (
        vectorstore.build_where(organization_id=7, scope=SourceScope.build(document_ids=[], categories=[]))
        is None
    )
    where = vectorstore.build_where(
        organization_id=7, scope=SourceScope.build(document_ids=[3], categories=["a"])
    )
    # Documents by id or category; KB items by category (no KB ids given). No organization
    # clause: the collection is the organization's own, and every hit is checked in the database.
    assert where == {
        "$or": [
            {
                "$and": [
                    {"source_type": "document"},
                    {"$or": [{"document_id": {"$in": [3]}}, {"category": {"$in": ["a"]}}]},
                ]
            },
            {"$and": [{"source_type": "kb_item"}, {"category": {"$in": ["a"]}}]},
        ]
    }
    whole = vectorstore.build_where(organization_id=7, scope=SourceScope.build(include_kb_items=False))
    assert whole == {"source_type": "document"}
    assert vectorstore.build_where(organization_id=7, scope=SourceScope.build()) == vectorstore.NO_FILTER


def test_model_change_uses_a_new_collection_and_reindex_drops_the_old(org, library, settings):
    from knowledge import embeddings

    old = vectorstore.collection_name(org.pk)
    assert vectorstore.count(org) == 3
    monkey_model = "all-MiniLM-L6-v2-copy"
    original = embeddings.embedding_model_name
    embeddings.embedding_model_name = lambda: monkey_model
    try:
        assert vectorstore.collection_name(org.pk) != old
        assert selectors.organization_needs_reindex(organization=org, model=embeddings.embedding_model_name())
        assert vectorstore.count(org) == 0  # nothing mixed into the new model's collection
        result = services.organization_reindex(organization=org)
        assert result["documents"] == 3 and old in result["dropped_collections"]
        assert vectorstore.count(org) == 3
        assert not selectors.organization_needs_reindex(
            organization=org, model=embeddings.embedding_model_name()
        )
        assert vectorstore.collections_of(org) == [vectorstore.collection_name(org.pk)]
    finally:
        embeddings.embedding_model_name = original
        vectorstore._collections.clear()


# --- API ------------------------------------------------------------------------------------------


def test_search_api(agent_api, library):
    response = agent_api.post("/api/v1/knowledge/search", {"query": "battery hours", "k": 2}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["results"]) <= 2
    top = body["results"][0]
    assert top["document_id"] == library["battery"].pk
    assert set(top) >= {
        "document_id",
        "kb_item_id",
        "title",
        "section",
        "page",
        "snippet",
        "score",
        "source_type",
        "verified",
    }
    assert "ten hours" in top["snippet"]


def test_search_api_with_a_read_only_key(api_for, agent, library):
    client = api_for(agent, ["read"])
    response = client.post("/api/v1/knowledge/search", {"query": "shipping"}, format="json")
    assert response.status_code == 200


def test_search_api_is_scoped_to_the_credential(other_api, library):
    response = other_api.post(
        "/api/v1/knowledge/search",
        {"query": "battery", "document_ids": [library["battery"].pk]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_search_api_validates_input(agent_api):
    assert_error_shape(agent_api.post("/api/v1/knowledge/search", {"k": 3}, format="json"), 400, "invalid")
    assert_error_shape(
        agent_api.post("/api/v1/knowledge/search", {"query": "x", "k": 500}, format="json"), 400
    )


def test_scoped_vector_search_matches_the_filtered_query(org, library, monkeypatch):
    """The over-fetch (no Chroma filter) and its fallback give what the filtered query gives."""
    from knowledge import embeddings

    vector = embeddings.embed_query("How long does the battery last?")
    for scope in (
        SourceScope.build(categories=["orders"]),
        SourceScope.build(document_ids=[library["security"].pk]),
        SourceScope.build(),
    ):
        where = vectorstore.build_where(organization_id=org.pk, scope=scope)
        expected = [hit.id for hit in vectorstore.query(org, vector, 2, where)]
        assert [hit.id for hit in vectorstore.query_scoped(org, vector, 2, scope)] == expected
        monkeypatch.setattr(vectorstore, "OVERFETCH", 1)  # too small for the scope: the filter runs
        assert [hit.id for hit in vectorstore.query_scoped(org, vector, 2, scope)] == expected
        monkeypatch.undo()
    assert vectorstore.query_scoped(org, vector, 2, SourceScope.build(document_ids=[], categories=[])) == []
