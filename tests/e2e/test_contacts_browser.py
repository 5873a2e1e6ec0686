"""Contacts in a real browser: add a contact, edit its company and a custom attribute, merge a
duplicate into it, then import a CSV and watch an import's progress bar move as its job runs.
Every page fits 1440 px and a 390 px phone without horizontal scrolling."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.browser


def _fits(page, name: str) -> None:
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"contacts-{name}-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (
            f"{name} overflows at {width}px"
        )
    page.set_viewport_size({"width": 1440, "height": 900})


def test_create_edit_and_merge_a_contact(logged_in_page, live_server, e2e_admin, page_errors):
    from conversations.models import Contact
    from tests.conversations.factories import make_conversation

    duplicate = make_conversation(e2e_admin.organization, email="grace.work@navy.test").contact
    Contact.objects.filter(pk=duplicate.pk).update(
        first_name="Grace", last_name="Hopper", phone_number="+1 555"
    )
    page = logged_in_page
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/contacts/")
    _fits(page, "list")
    page.get_by_role("link", name="New contact").first.click()

    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Email").fill("grace@navy.test")
    page.get_by_label("Company").fill("US Navy")
    page.get_by_label("Attribute name 1").fill("rank")
    page.get_by_label("Attribute value 1").fill("Rear admiral")
    _fits(page, "new")
    page.get_by_role("button", name="Add contact").click()
    page.wait_for_url("**/contacts/*/")
    assert page.get_by_label("Attribute value 1").input_value() == "Rear admiral"

    page.get_by_label("Company").fill("United States Navy")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_text("Contact saved.").wait_for()
    assert page.get_by_label("Company").input_value() == "United States Navy"
    _fits(page, "detail")
    kept = Contact.objects.get(email="grace@navy.test")

    page.get_by_role("link", name="Merge duplicate").click()
    page.get_by_role("link", name="grace.work@navy.test").click()  # suggested: the same name
    page.get_by_text("Which one do you keep?").wait_for()
    _fits(page, "merge")
    page.get_by_role("button", name="Merge contacts").click()
    page.get_by_role("dialog").get_by_role("button", name="Merge").click()
    page.get_by_text("conversation moved").wait_for()

    assert page.url.endswith(f"/contacts/{kept.pk}/")
    assert not Contact.objects.filter(pk=duplicate.pk).exists()
    assert page.get_by_text("merged the duplicate contact").is_visible()
    assert kept.conversations.count() == 1
    assert page_errors == []


def test_import_shows_progress_then_the_refused_rows(
    logged_in_page, live_server, e2e_admin, page_errors, tmp_path
):
    from conversations.services.contact_import import IMPORT_KIND
    from helpdesk.services import operations as operation_services

    page = logged_in_page
    page.set_viewport_size({"width": 1440, "height": 900})
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("email,first_name,plan\nada@example.com,Ada,pro\nnot-an-email,Bad,\n")
    page.goto(f"{live_server.url}/contacts/import/")
    _fits(page, "import")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Line 3: 'not-an-email' is not a valid email address.").wait_for()
    _fits(page, "import-done")

    # A long import seen while its job runs: the bar follows the operation's progress.
    operation = operation_services.operation_create(
        organization=e2e_admin.organization,
        kind=IMPORT_KIND,
        total=400,
        params={"filename": "big.csv", "rows": 400},
        created_by=e2e_admin,
    )
    operation_services.operation_start(operation=operation, message="Importing contacts")
    operation_services.operation_progress(operation=operation, done=100, message="Imported 100 of 400 rows")
    page.goto(f"{live_server.url}/contacts/import/{operation.pk}/")
    bar = page.get_by_role("progressbar", name="Import progress")
    assert bar.get_attribute("value") == "100"
    _fits(page, "import-running")
    operation_services.operation_progress(operation=operation, done=300, message="Imported 300 of 400 rows")
    page.get_by_text("Imported 300 of 400 rows").wait_for()
    operation_services.operation_succeed(
        operation=operation,
        result={
            "created": 399,
            "updated": 0,
            "unchanged": 0,
            "failed": 1,
            "errors": [{"line": 7, "message": "bad"}],
        },
        message="399 created, 1 refused",
    )
    page.get_by_text("Line 7: bad").wait_for()
    assert page.locator("[data-import]").get_attribute("data-status") == "succeeded"
    assert page_errors == []
