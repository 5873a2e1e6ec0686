"""``/api/v1/knowledge_base``: items CRUD, bulk import (≤ 200, all or nothing), file import (≤ 500),
verified answers, plan limits, roles and isolation."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge import services, vectorstore
from knowledge.models import KnowledgeItem
from tests.isolation import assert_error_shape, assert_isolated, assert_not_listed, assert_unchanged, snapshot
from tests.knowledge.factories import KnowledgeItemFactory

pytestmark = pytest.mark.usefixtures("embedding_model")


def pairs(count: int, start: int = 0) -> list[dict]:
    return [
        {"title": f"Question {n}?", "content": f"Answer {n}.", "category": "After-sales", "tags": ["faq"]}
        for n in range(start, start + count)
    ]


def test_create_item_as_in_the_seed(agent_api, org, run_tasks):
    with run_tasks():
        response = agent_api.post(
            "/api/v1/knowledge_base/items",
            {
                "title": "How to reset password?",
                "content": "Go to Settings → Change Password...",
                "category": "After-sales",
                "tags": ["password", "account"],
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "How to reset password?" and body["verified"] is False
    item = KnowledgeItem.objects.get(pk=body["id"], organization=org)
    item.refresh_from_db()
    assert item.indexed_at is not None  # embedded by the task after commit
    assert vectorstore.count(org, where=vectorstore.kb_item_where(org.pk, [item.pk])) == 1


def test_item_needs_title_and_content(agent_api):
    response = agent_api.post("/api/v1/knowledge_base/items", {"title": "", "content": "x"}, format="json")
    body = assert_error_shape(response, 400, "invalid")
    assert "title" in body["fields"]
    assert not KnowledgeItem.objects.exists()


def test_update_and_list_items(agent_api, org, run_tasks):
    item = KnowledgeItemFactory(organization=org, title="Old?", content="Old answer.")
    with run_tasks():
        response = agent_api.put(
            f"/api/v1/knowledge_base/items/{item.pk}",
            {"title": "New?", "content": "New answer."},
            format="json",
        )
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.title, item.content) == ("New?", "New answer.")
    body = agent_api.get("/api/v1/knowledge_base/items?category=").json()
    assert [row["id"] for row in body["results"]] == [item.pk]


def test_delete_needs_admin_and_removes_the_vector(agent_api, admin_api, org, run_tasks):
    with run_tasks():
        item = services.kb_item_create(organization=org, title="Shipping time?", content="3-5 business days")
    where = vectorstore.kb_item_where(org.pk, [item.pk])
    assert vectorstore.count(org, where=where) == 1
    before = snapshot(item)
    assert_error_shape(agent_api.delete(f"/api/v1/knowledge_base/items/{item.pk}"), 403)
    assert_unchanged(item, before)
    assert admin_api.delete(f"/api/v1/knowledge_base/items/{item.pk}").status_code == 204
    assert not KnowledgeItem.objects.filter(pk=item.pk).exists()
    assert vectorstore.count(org, where=where) == 0


def test_bulk_import_creates_every_item(admin_api, org, run_tasks):
    with run_tasks():
        response = admin_api.post("/api/v1/knowledge_base/items/import", pairs(200), format="json")
    assert response.status_code == 201, response.content[:300]
    body = response.json()
    assert isinstance(body, list) and len(body) == 200
    assert all(row["id"] for row in body)
    assert KnowledgeItem.objects.filter(organization=org, source="import").count() == 200
    assert vectorstore.count(org) == 200


def test_bulk_import_over_200_is_refused_and_creates_nothing(admin_api):
    response = admin_api.post("/api/v1/knowledge_base/items/import", pairs(201), format="json")
    body = assert_error_shape(response, 413, "too_large")
    assert "200" in body["error"] and body["received"] == 201
    assert not KnowledgeItem.objects.exists()


def test_bulk_import_with_an_invalid_item_creates_nothing_and_names_it(admin_api):
    items = pairs(5)
    items[1]["content"] = ""
    items[3] = {"title": "x" * 600, "content": "too long title"}
    response = admin_api.post("/api/v1/knowledge_base/items/import", items, format="json")
    body = assert_error_shape(response, 400, "invalid")
    assert set(body["fields"]["items"]) == {"1", "3"}
    assert "content" in body["fields"]["items"]["1"]
    assert "title" in body["fields"]["items"]["3"]
    assert not KnowledgeItem.objects.exists()


@pytest.mark.parametrize("payload", [{"title": "not an array"}, "text", []])
def test_bulk_import_needs_a_non_empty_array(admin_api, payload):
    response = admin_api.post("/api/v1/knowledge_base/items/import", payload, format="json")
    assert_error_shape(response, 400, "invalid")
    assert not KnowledgeItem.objects.exists()


def test_bulk_import_needs_admin(agent_api):
    response = agent_api.post("/api/v1/knowledge_base/items/import", pairs(2), format="json")
    assert_error_shape(response, 403)
    assert not KnowledgeItem.objects.exists()


def test_bulk_import_respects_the_plan_limit(admin_api, org):
    org.limit_kb_items = 50
    org.save(update_fields=["limit_kb_items"])
    KnowledgeItemFactory.create_batch(45, organization=org)
    response = admin_api.post("/api/v1/knowledge_base/items/import", pairs(10), format="json")
    body = assert_error_shape(response, 409, "limit_exceeded")
    assert "50" in body["error"]
    assert KnowledgeItem.objects.filter(organization=org).count() == 45


def test_single_item_plan_limit(agent_api, org):
    org.limit_kb_items = 1
    org.save(update_fields=["limit_kb_items"])
    KnowledgeItemFactory(organization=org)
    response = agent_api.post("/api/v1/knowledge_base/items", {"title": "Q?", "content": "A."}, format="json")
    assert_error_shape(response, 409, "limit_exceeded")


def test_file_import_accepts_question_answer_pairs_up_to_500(admin_api, org, run_tasks):
    data = [{"question": f"Q{n}?", "answer": f"A{n}.", "category": "Pricing"} for n in range(500)]
    file = SimpleUploadedFile("faq_export.json", json.dumps(data).encode(), content_type="application/json")
    with run_tasks():
        response = admin_api.post("/api/v1/knowledge_base/import", {"file": file}, format="multipart")
    assert response.status_code == 201, response.content[:300]
    assert len(response.json()) == 500
    assert KnowledgeItem.objects.filter(organization=org, category="Pricing").count() == 500


def test_file_import_accepts_a_json_body(admin_api, org, run_tasks):
    with run_tasks():
        response = admin_api.post(
            "/api/v1/knowledge_base/import",
            {"items": [{"question": "Payment methods?", "answer": "Visa"}]},
            format="json",
        )
    assert response.status_code == 201
    assert KnowledgeItem.objects.get(organization=org).title == "Payment methods?"


def test_file_import_over_500_is_refused(admin_api):
    data = [{"question": f"Q{n}?", "answer": "A."} for n in range(501)]
    response = admin_api.post("/api/v1/knowledge_base/import", data, format="json")
    assert_error_shape(response, 413, "too_large")
    assert not KnowledgeItem.objects.exists()


def test_file_import_with_broken_json_is_400(admin_api):
    file = SimpleUploadedFile("faq.json", b"[{broken", content_type="application/json")
    response = admin_api.post("/api/v1/knowledge_base/import", {"file": file}, format="multipart")
    assert_error_shape(response, 400, "invalid")


def test_verify_creates_or_updates_a_verified_item(org, run_tasks):
    with run_tasks():
        first = services.kb_item_verify(organization=org, question="Refund window?", answer="30 days.")
        second = services.kb_item_verify(organization=org, question="refund window?", answer="Thirty days.")
    assert first.pk == second.pk
    item = KnowledgeItem.objects.get(pk=first.pk)
    assert item.verified and item.content == "Thirty days." and item.source == "monitor"
    vectors = vectorstore.count(org, where={"$and": [{"kb_item_id": item.pk}, {"verified": True}]})
    assert vectors == 1


@pytest.mark.parametrize(
    "method,body",
    [("get", None), ("put", {"title": "x", "content": "y"}), ("patch", {"title": "x"}), ("delete", None)],
)
def test_other_organization_gets_404(other_api, org, method, body):
    item = KnowledgeItemFactory(organization=org)
    assert_isolated(other_api, method, f"/api/v1/knowledge_base/items/{item.pk}", body)
    assert_unchanged(item)


def test_other_organization_does_not_list_my_items(other_api, org):
    item = KnowledgeItemFactory(organization=org)
    assert_not_listed(other_api, "/api/v1/knowledge_base/items", [item.pk])
