"""The notifications pages of the UI cost a fixed number of queries: the full list (all and
unread) and the bell's menu, whatever the number of notifications and of conversations they
point at."""

import pytest
from django.urls import reverse

from helpdesk.models import NotificationKind
from helpdesk.services.notifications import NotificationDraft, notifications_send
from tests.conversations.factories import make_conversation


def notify(org, agent, admin, count: int) -> None:
    for _ in range(count):
        conversation = make_conversation(org)
        notifications_send(
            organization=org, recipients=[agent], actor=admin,
            draft=NotificationDraft(
                kind=NotificationKind.ASSIGNED, title=f"Assigned #{conversation.reference_number}",
                link=f"/inbox/c/{conversation.uuid}/", conversation_id=conversation.pk,
            ),
        )  # fmt: skip


@pytest.mark.parametrize(
    "url",
    [reverse("notifications"), reverse("notifications") + "?show=unread", reverse("notifications-menu")],
)
def test_notification_pages_cost_the_same_queries_for_1_or_30_rows(
    org, agent, admin, ui_as, url, django_assert_max_num_queries
):
    client = ui_as(agent)
    notify(org, agent, admin, 1)
    client.get(url)  # sessions, caches and the organization's defaults are warm from here on
    with django_assert_max_num_queries(20) as few:
        response = client.get(url)
    assert response.status_code == 200
    per_row = response.content.decode().count("Assigned #")  # the title, maybe twice in a row
    assert per_row >= 1
    notify(org, agent, admin, 29)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    shown = 8 if "menu" in url else 25  # the menu's eight, a full page of the list
    assert response.content.decode().count("Assigned #") == shown * per_row
