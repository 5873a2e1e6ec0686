"""Contacts pages: add, edit with company and custom attribute rows, merge (admins), CSV export of
the filtered list (admins, streamed), CSV import (admins) with its progress page; roles, another
organization's contacts and imports answer 404, and the list's queries do not grow with it."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations.models import Contact
from conversations.services.contact_import import IMPORT_KIND
from helpdesk.models import Operation
from helpdesk.services.operations import operation_create
from tests.conversations.factories import ContactFactory, make_conversation

CONTACTS = reverse("conversations:contacts")
NEW = reverse("conversations:contact-new")
EXPORT = reverse("conversations:contacts-export")
IMPORT = reverse("conversations:contacts-import")


def _rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_an_agent_adds_a_contact_with_company_and_attributes(ui_as, agent, org):
    response = ui_as(agent).post(
        NEW,
        {
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "Grace@Navy.test",
            "company": "US Navy",
            "attributes_shown": "1",
            "attribute_key": ["plan", "", "rank"],
            "attribute_value": ["pro", "x", "Admiral"],
        },
    )

    contact = Contact.objects.get(organization=org, email="grace@navy.test")
    assert response.status_code == 302 and response.url == reverse("conversations:contact", args=[contact.pk])
    assert contact.company == "US Navy" and contact.custom_attributes == {"plan": "pro", "rank": "Admiral"}


def test_adding_a_contact_with_a_taken_email_shows_the_error(ui_as, agent, org):
    ContactFactory(organization=org, email="taken@example.com")
    response = ui_as(agent).post(NEW, {"email": "taken@example.com", "attributes_shown": "1"})
    assert response.status_code == 400
    assert "Another contact has this email." in response.content.decode()
    assert Contact.objects.filter(organization=org).count() == 1


def test_editing_attributes_keeps_types_of_unchanged_values_and_drops_cleared_rows(ui_as, agent, org):
    contact = ContactFactory(
        organization=org, email="a@example.com", custom_attributes={"seats": 3, "plan": "pro"}
    )
    page = ui_as(agent).get(reverse("conversations:contact", args=[contact.pk])).content.decode()
    assert 'value="seats"' in page and 'value="3"' in page

    response = ui_as(agent).post(
        reverse("conversations:contact", args=[contact.pk]),
        {
            "email": "a@example.com",
            "company": "Acme",
            "attributes_shown": "1",
            "attribute_key": ["seats", "", "tier"],
            "attribute_value": ["3", "pro", "gold"],
        },
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.custom_attributes == {"seats": 3, "tier": "gold"} and contact.company == "Acme"


def test_a_duplicate_attribute_name_is_refused(ui_as, agent, org):
    contact = ContactFactory(organization=org, custom_attributes={"plan": "pro"})
    response = ui_as(agent).post(
        reverse("conversations:contact", args=[contact.pk]),
        {"attributes_shown": "1", "attribute_key": ["a", "a"], "attribute_value": ["1", "2"]},
    )
    assert response.status_code == 400 and "given twice" in response.content.decode()
    contact.refresh_from_db()
    assert contact.custom_attributes == {"plan": "pro"}


def test_an_admin_merges_a_duplicate_from_the_merge_page(ui_as, admin, org):
    keep = ContactFactory(organization=org, first_name="Ada", last_name="Lovelace", email="ada@example.com")
    duplicate = make_conversation(org, email="ada@work.test").contact
    Contact.objects.filter(pk=duplicate.pk).update(first_name="Ada", last_name="Lovelace")
    client = ui_as(admin)
    page = client.get(reverse("conversations:contact-merge", args=[keep.pk]))
    assert [c.pk for c in page.context["candidates"]] == [duplicate.pk]  # suggested: same name
    compare = client.get(reverse("conversations:contact-merge", args=[keep.pk]), {"other": duplicate.pk})
    assert compare.context["other"].pk == duplicate.pk

    response = client.post(
        reverse("conversations:contact-merge", args=[keep.pk]), {"other": duplicate.pk, "keep": "this"}
    )

    assert response.status_code == 302 and response.url == reverse("conversations:contact", args=[keep.pk])
    assert not Contact.objects.filter(pk=duplicate.pk).exists()
    assert keep.conversations.count() == 1


def test_keeping_the_other_contact_redirects_to_it(ui_as, admin, org):
    this = ContactFactory(organization=org)
    other = ContactFactory(organization=org)
    response = ui_as(admin).post(
        reverse("conversations:contact-merge", args=[this.pk]), {"other": other.pk, "keep": "other"}
    )
    assert response.url == reverse("conversations:contact", args=[other.pk])
    assert not Contact.objects.filter(pk=this.pk).exists()


def test_agents_cannot_merge_export_or_import(ui_as, agent, org):
    this, other = ContactFactory(organization=org), ContactFactory(organization=org)
    client = ui_as(agent)
    merge = reverse("conversations:contact-merge", args=[this.pk])
    assert client.post(merge, {"other": other.pk, "keep": "this"}).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert client.get(IMPORT).status_code == 403
    assert Contact.objects.filter(pk=other.pk).exists()
    assert (
        "Merge duplicate" not in client.get(reverse("conversations:contact", args=[this.pk])).content.decode()
    )


def test_another_organizations_contacts_and_imports_answer_404(ui_as, admin, org, other_org):
    mine = ContactFactory(organization=org)
    theirs = ContactFactory(organization=other_org, email="secret@globex.test")
    their_import = operation_create(organization=other_org, kind=IMPORT_KIND, params={"filename": "x.csv"})
    client = ui_as(admin)

    assert client.get(reverse("conversations:contact-merge", args=[theirs.pk])).status_code == 404
    merge = reverse("conversations:contact-merge", args=[mine.pk])
    assert client.get(merge, {"other": theirs.pk}).status_code == 404
    assert client.post(merge, {"other": theirs.pk, "keep": "this"}).status_code == 404
    status = reverse("conversations:contact-import-status", args=[their_import.pk])
    assert client.get(status).status_code == 404
    assert client.post(status).status_code == 404
    assert "secret@globex.test" not in b"".join(client.get(EXPORT).streaming_content).decode()
    assert Contact.objects.filter(pk=theirs.pk).exists()


def test_export_streams_the_filtered_list_with_attribute_columns(ui_as, admin, org):
    ContactFactory(
        organization=org, first_name="Grace", email="grace@navy.test", custom_attributes={"plan": "pro"}
    )
    ContactFactory(organization=org, first_name="Alan", email="alan@example.com", enabled=False)

    everyone = ui_as(admin).get(EXPORT)
    blocked = ui_as(admin).get(EXPORT, {"blocked": "1"})

    assert everyone.streaming and everyone["Content-Type"] == "text/csv"
    assert "attachment" in everyone["Content-Disposition"]
    rows = _rows(everyone)
    assert {row["email"] for row in rows} == {"grace@navy.test", "alan@example.com"}
    assert next(row for row in rows if row["email"] == "grace@navy.test")["plan"] == "pro"
    assert [row["email"] for row in _rows(blocked)] == ["alan@example.com"]


def test_import_upload_redirects_to_its_progress_page(ui_as, admin, org, django_capture_on_commit_callbacks):
    upload = io.BytesIO(b"email,first_name\nada@example.com,Ada\nbroken,Row\n")
    upload.name = "people.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = ui_as(admin).post(IMPORT, {"file": upload})

    operation = Operation.objects.get(organization=org, kind=IMPORT_KIND)
    assert response.status_code == 302
    assert response.url == reverse("conversations:contact-import-status", args=[operation.pk])
    page = ui_as(admin).get(response.url).content.decode()
    assert "Line 3: &#x27;broken&#x27; is not a valid email address." in page
    partial = ui_as(admin).get(response.url, headers={"HX-Request": "true"})
    assert partial.templates[0].name == "conversations/contacts/_import_operation.html"
    assert "people.csv" in ui_as(admin).get(IMPORT).content.decode()  # recent imports


def test_a_refused_file_shows_why_and_queues_nothing(ui_as, admin, org):
    upload = io.BytesIO(b"name\nAda\n")
    upload.name = "people.csv"
    response = ui_as(admin).post(IMPORT, {"file": upload})
    assert response.status_code == 400 and "include &#x27;email&#x27;" in response.content.decode()
    assert not Operation.objects.filter(kind=IMPORT_KIND).exists()


def test_list_queries_do_not_grow_with_the_page(ui_as, agent, org):
    client = ui_as(agent)

    def queries_for_list() -> int:
        client.get(CONTACTS)  # warm the session and caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(CONTACTS).status_code == 200
        return len(captured)

    make_conversation(org, email="first@example.com")
    few = queries_for_list()
    for n in range(20):
        make_conversation(org, email=f"person{n}@example.com", subject=f"Help {n}")
    Contact.objects.filter(organization=org).update(company="Acme", custom_attributes={"plan": "pro"})

    assert queries_for_list() == few <= 12


def test_the_list_searches_the_company_too(ui_as, agent, org):
    ContactFactory(organization=org, first_name="Grace", company="US Navy")
    ContactFactory(organization=org, first_name="Alan", company="Bletchley")
    response = ui_as(agent).get(CONTACTS, {"q": "navy"})
    assert [contact.first_name for contact in response.context["page"].object_list] == ["Grace"]
