"""Django admin and the ``reindex`` command go through the same services as the API."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from helpdesk.models import User
from knowledge import services, vectorstore
from knowledge.models import Document, KnowledgeItem
from tests.knowledge.conftest import upload

pytestmark = pytest.mark.usefixtures("embedding_model")


@pytest.fixture
def staff_client(db):
    user = User.objects.create_superuser(email="root@example.com", password="correct-horse-battery")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def document(org, run_tasks):
    with run_tasks():
        document = services.document_upload(
            organization=org, file=upload("notes.txt", "Widget notes about batteries.")
        )
    document.refresh_from_db()
    return document


def test_admin_delete_removes_vectors_too(staff_client, org, document, run_tasks):
    assert vectorstore.count(org) == document.chunk_count > 0
    with run_tasks():
        response = staff_client.post(
            f"/admin/knowledge/document/{document.pk}/delete/", {"post": "yes"}, follow=False
        )
    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert vectorstore.count(org) == 0


def test_admin_reingest_action(staff_client, org, document, run_tasks):
    with run_tasks():
        response = staff_client.post(
            "/admin/knowledge/document/", {"action": "reingest", "_selected_action": [document.pk]}
        )
    assert response.status_code == 302
    assert document.events.filter(status="queued").exists()
    assert document.events.filter(status="processed").count() == 2


def test_reindex_command_rebuilds_vectors(org, document, run_tasks):
    with run_tasks():
        services.kb_item_create(organization=org, title="Battery?", content="Ten hours.")
    vectorstore.drop_organization(org)
    assert vectorstore.count(org) == 0
    out = io.StringIO()
    call_command("reindex", organization=org.slug, stdout=out)
    assert "1 documents" in out.getvalue() and "1 items" in out.getvalue()
    assert (
        vectorstore.count(org)
        == document.chunk_count + KnowledgeItem.objects.filter(organization=org).count()
    )


def test_reindex_command_rejects_unknown_organization(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("reindex", organization="nope", stdout=io.StringIO())
