"""The knowledge UI, Q&A items: list, create, edit, delete, JSON import with per-item errors,
roles and organization isolation."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knowledge.models import KnowledgeItem
from tests.knowledge.factories import KnowledgeItemFactory


@pytest.fixture
def signed_in(client):
    def sign_in(membership):
        client.force_login(membership.user)
        session = client.session
        session["organization_id"] = membership.organization_id
        session.save()
        return client

    return sign_in


def json_file(data, name="faq.json") -> SimpleUploadedFile:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, raw, content_type="application/json")


def test_empty_list_tells_what_to_do(signed_in, admin):
    body = signed_in(admin).get(reverse("knowledge:items")).content.decode()
    assert "No Q&amp;A items yet" in body
    assert reverse("knowledge:item-create") in body and reverse("knowledge:items-import") in body


def test_list_filters_and_marks_verified_items(signed_in, agent, org):
    KnowledgeItemFactory(
        organization=org, title="How do I reset my password?", category="Account", verified=True
    )
    KnowledgeItemFactory(organization=org, title="What are the shipping times?", category="Orders")
    client = signed_in(agent)
    body = client.get(reverse("knowledge:items")).content.decode()
    assert "How do I reset my password?" in body and "Verified" in body
    assert reverse("knowledge:items-import") not in body  # import is for admins
    filtered = client.get(reverse("knowledge:items"), {"category": "Orders"}).content.decode()
    assert "shipping" in filtered and "reset my password" not in filtered
    verified = client.get(reverse("knowledge:items"), {"verified": "yes"}).content.decode()
    assert "reset my password" in verified and "shipping" not in verified
    searched = client.get(reverse("knowledge:items"), {"q": "shipping"}).content.decode()
    assert "shipping" in searched and "reset my password" not in searched


def test_create_an_item(signed_in, agent, org, run_tasks):
    with run_tasks():
        response = signed_in(agent).post(
            reverse("knowledge:item-create"),
            {
                "title": "How do I reset my password?",
                "content": "Open Settings, then Change password.",
                "category": "Account",
                "tags": "password, account",
            },
        )
    assert response.status_code == 302 and response.url == reverse("knowledge:items")
    item = KnowledgeItem.objects.get(organization=org)
    assert (item.title, item.category, item.tags, item.verified) == (
        "How do I reset my password?",
        "Account",
        ["password", "account"],
        False,
    )
    assert item.created_by == agent


def test_create_refuses_a_missing_answer(signed_in, admin, org):
    response = signed_in(admin).post(reverse("knowledge:item-create"), {"title": "Question only"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not KnowledgeItem.objects.filter(organization=org).exists()


def test_plan_limit_is_shown_on_the_form(signed_in, admin, org):
    org.limit_kb_items = 2
    org.save(update_fields=["limit_kb_items"])
    KnowledgeItemFactory.create_batch(2, organization=org)
    response = signed_in(admin).post(
        reverse("knowledge:item-create"), {"title": "One more?", "content": "No room left."}
    )
    assert response.status_code == 400
    assert "Your plan allows at most 2 kb items" in response.content.decode()
    assert KnowledgeItem.objects.filter(organization=org).count() == 2


def test_edit_an_item(signed_in, agent, org, run_tasks):
    item = KnowledgeItemFactory(organization=org, title="Old question?", content="Old answer.")
    client = signed_in(agent)
    page = client.get(reverse("knowledge:item", args=[item.pk])).content.decode()
    assert "Old question?" in page and "Old answer." in page
    with run_tasks():
        response = client.post(
            reverse("knowledge:item", args=[item.pk]),
            {"title": "New question?", "content": "New answer.", "verified": "on"},
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.content, item.verified) == ("New question?", "New answer.", True)


def test_admin_deletes_an_item_agent_cannot(signed_in, admin, agent, org, client):
    item = KnowledgeItemFactory(organization=org)
    response = signed_in(agent).post(reverse("knowledge:item-delete", args=[item.pk]))
    assert response.status_code == 403
    assert KnowledgeItem.objects.filter(pk=item.pk).exists()
    response = signed_in(admin).post(reverse("knowledge:item-delete", args=[item.pk]))
    assert response.status_code == 302
    assert not KnowledgeItem.objects.filter(pk=item.pk).exists()


def test_import_creates_every_item(signed_in, admin, org, run_tasks):
    items = [
        {"title": "What is your return policy?", "content": "30-day returns.", "category": "After-sales"},
        {
            "question": "How do I track my order?",
            "answer": "Open Orders and choose Track.",
            "tags": ["order"],
        },
    ]
    with run_tasks():
        response = signed_in(admin).post(reverse("knowledge:items-import"), {"file": json_file(items)})
    assert response.status_code == 302
    titles = sorted(KnowledgeItem.objects.filter(organization=org).values_list("title", flat=True))
    assert titles == ["How do I track my order?", "What is your return policy?"]


def test_import_accepts_an_object_wrapping_the_items(signed_in, admin, org):
    data = {"items": [{"title": "Q?", "content": "A."}]}
    response = signed_in(admin).post(reverse("knowledge:items-import"), {"file": json_file(data)})
    assert response.status_code == 302
    assert KnowledgeItem.objects.filter(organization=org).count() == 1


def test_import_lists_each_invalid_item_and_imports_nothing(signed_in, admin, org):
    items = [
        {"title": "Fine?", "content": "Fine."},
        {"title": "No answer?"},
        "not an object",
        {"title": "x" * 600, "content": "Too long a title."},
    ]
    response = signed_in(admin).post(reverse("knowledge:items-import"), {"file": json_file(items)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "3 of 4 items are invalid; nothing was imported." in body
    assert (
        'data-import-error="2"' in body
        and 'data-import-error="3"' in body
        and 'data-import-error="4"' in body
    )
    assert 'data-import-error="1"' not in body
    assert "No answer?" in body
    assert not KnowledgeItem.objects.filter(organization=org).exists()


@pytest.mark.parametrize(
    "raw,message",
    [
        (b"{not json", "not valid JSON"),
        (b'"just a string"', "JSON array"),
        (b"[]", "nothing to import"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_import_refuses_bad_files(signed_in, admin, org, raw, message):
    response = signed_in(admin).post(reverse("knowledge:items-import"), {"file": json_file(raw)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not KnowledgeItem.objects.filter(organization=org).exists()


def test_import_refuses_more_than_the_file_limit(signed_in, admin, org, settings):
    settings.KB_FILE_IMPORT_MAX_ITEMS = 3
    items = [{"title": f"Q{n}?", "content": "A."} for n in range(4)]
    response = signed_in(admin).post(reverse("knowledge:items-import"), {"file": json_file(items)})
    assert response.status_code == 400
    assert "At most 3 items" in response.content.decode()
    assert not KnowledgeItem.objects.filter(organization=org).exists()


def test_agent_cannot_import(signed_in, agent, org):
    response = signed_in(agent).post(
        reverse("knowledge:items-import"), {"file": json_file([{"title": "Q?", "content": "A."}])}
    )
    assert response.status_code == 403
    assert not KnowledgeItem.objects.filter(organization=org).exists()


@pytest.mark.parametrize(
    "name,method", [("knowledge:item", "get"), ("knowledge:item", "post"), ("knowledge:item-delete", "post")]
)
def test_another_organizations_item_is_not_found(signed_in, admin, other_org, name, method):
    theirs = KnowledgeItemFactory(organization=other_org, title="Globex question?")
    response = getattr(signed_in(admin), method)(
        reverse(name, args=[theirs.pk]),
        *([{"title": "Hijacked?", "content": "Yes."}] if method == "post" else []),
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Globex question?"


def test_item_titles_are_escaped(signed_in, admin, org):
    evil = "<script>alert('kb')</script>"
    item = KnowledgeItemFactory(organization=org, title=evil, content=evil)
    client = signed_in(admin)
    for url in (reverse("knowledge:items"), reverse("knowledge:item", args=[item.pk])):
        body = client.get(url).content.decode()
        assert evil not in body and "&lt;script&gt;" in body
