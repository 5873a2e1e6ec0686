"""Working a queue: the conversation page opened from a list shows that list beside the thread
(filters kept), previous/next of the list (j/k), and opens the next one after a resolve; opened
without a list it is the conversation alone."""

import pytest
from django.urls import reverse

from conversations.models import Priority
from conversations.services.conversations import conversation_set_priority
from tests.conversations.factories import make_conversation

INBOX = reverse("conversations:inbox")


def page(uuid):
    return reverse("conversations:conversation", kwargs={"uuid": uuid})


@pytest.fixture
def signed_in(client, agent):
    client.force_login(agent.user)
    session = client.session
    session["organization_id"] = agent.organization_id
    session.save()
    return client


@pytest.fixture
def urgent_three(org, agent):
    """Three urgent conversations (oldest first) and one low one that the filter leaves out."""
    made = []
    for number in range(3):
        conversation = make_conversation(org, subject=f"Urgent {number}")
        conversation_set_priority(conversation=conversation, priority=Priority.URGENT, actor=agent)
        made.append(conversation)
    make_conversation(org, subject="Low one")
    return made


def test_opened_from_a_list_the_list_stays_beside_the_thread(signed_in, urgent_three):
    first, second, third = urgent_three
    query = "tab=all&priority=Urgent&sort=created_at"
    response = signed_in.get(f"{page(second.uuid)}?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-list-pane" in html and "Low one" not in html
    assert [row.subject for row in response.context["queue"].list["rows"]] == [
        "Urgent 0",
        "Urgent 1",
        "Urgent 2",
    ]
    queue = response.context["queue"]
    assert queue.position == 2
    assert queue.previous_url == f"{page(first.uuid)}?{queue.query}"
    assert queue.next_url == f"{page(third.uuid)}?{queue.query}"
    assert 'data-shortcut="j"' in html and 'data-shortcut="k"' in html
    assert 'aria-current="page"' in html  # the open conversation is marked in the list
    assert f'href="{INBOX}?{queue.query}"'.replace("&", "&amp;") in html  # back keeps tab and filters


def test_the_ends_of_the_list_offer_only_the_direction_that_exists(signed_in, urgent_three):
    first = urgent_three[0]
    html = signed_in.get(f"{page(first.uuid)}?tab=all&priority=Urgent&sort=created_at").content.decode()
    assert 'data-shortcut="j"' in html
    assert 'data-shortcut="k"' not in html  # the shortcut help lists only what works


def test_without_a_list_the_page_is_the_conversation_alone(signed_in, urgent_three):
    response = signed_in.get(page(urgent_three[0].uuid))
    assert response.context["queue"] is None
    assert "data-list-pane" not in response.content.decode()


def test_resolving_opens_the_next_conversation_of_the_list(signed_in, urgent_three):
    first, second, _ = urgent_three
    query = "tab=all&priority=Urgent&sort=created_at"
    url = reverse("conversations:status", kwargs={"uuid": first.uuid})
    response = signed_in.post(
        url, {"status": "Resolved"}, HTTP_REFERER=f"http://testserver{page(first.uuid)}?{query}"
    )
    assert response.status_code == 302
    assert response["Location"].startswith(page(second.uuid)) and "priority=Urgent" in response["Location"]
    first.refresh_from_db()
    assert first.status.name == "Resolved"
    htmx = signed_in.post(
        reverse("conversations:status", kwargs={"uuid": second.uuid}),
        {"status": "Resolved"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page(second.uuid)}?{query}",
    )
    assert htmx.status_code == 204 and htmx["HX-Redirect"].startswith(page(urgent_three[2].uuid))


def test_resolving_without_a_list_stays_on_the_conversation(signed_in, urgent_three):
    first = urgent_three[0]
    response = signed_in.post(
        reverse("conversations:status", kwargs={"uuid": first.uuid}), {"status": "Resolved"}
    )
    assert response["Location"] == page(first.uuid)


def test_a_foreign_referrer_is_not_followed(signed_in, urgent_three):
    first = urgent_three[0]
    response = signed_in.post(
        reverse("conversations:status", kwargs={"uuid": first.uuid}),
        {"status": "Resolved"},
        HTTP_REFERER="https://evil.example/?tab=all",
    )
    assert response["Location"] == page(first.uuid)


def test_the_page_with_its_list_costs_a_fixed_number_of_queries(
    signed_in, org, urgent_three, django_assert_max_num_queries
):
    url = f"{page(urgent_three[0].uuid)}?tab=all"
    with django_assert_max_num_queries(80) as small:
        signed_in.get(url)
    for number in range(20):
        make_conversation(org, subject=f"More {number}", tags=["a"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        signed_in.get(url)
