"""Notifications: the service (preferences, keys, never the actor), mark read, the email of a
mention to an away agent, the API (shape, filters, errors, query count, isolation) and the UI."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk import realtime
from helpdesk.models import Availability, Notification, NotificationKind, NotificationPreference, Role
from helpdesk.services import notifications as service
from helpdesk.services.notifications import NotificationDraft
from tests.conversations.test_realtime import agent_stream
from tests.factories import MembershipFactory
from tests.isolation import assert_error_shape, assert_isolated, assert_not_listed, assert_unchanged


def draft(kind=NotificationKind.ASSIGNED, **kwargs):
    return NotificationDraft(
        kind=kind, title=kwargs.pop("title", "Ana assigned you #1 Help"), link="/", **kwargs
    )


def send(org, recipients, **kwargs):
    actor = kwargs.pop("actor", None)
    return service.notifications_send(
        organization=org, recipients=recipients, draft=draft(**kwargs), actor=actor
    )


def test_send_skips_the_actor_disabled_members_other_organizations_and_unwanted_kinds(
    org, other_org, agent, admin
):
    quiet = MembershipFactory(organization=org, role=Role.AGENT, user__email="quiet@acme.test")
    NotificationPreference.objects.create(membership=quiet, assigned=False)
    disabled = MembershipFactory(organization=org, role=Role.AGENT, is_active=False)
    foreign = MembershipFactory(organization=other_org, role=Role.AGENT)

    created = send(org, [agent, admin, quiet, disabled, foreign, None], actor=admin)

    assert [n.recipient_id for n in created] == [agent.pk]
    assert Notification.objects.count() == 1


def test_a_keyed_notification_is_created_once_per_recipient(org, agent):
    assert len(send(org, [agent], kind=NotificationKind.SLA_WARNING, key="sla:1:t")) == 1
    assert send(org, [agent], kind=NotificationKind.SLA_WARNING, key="sla:1:t") == []
    assert Notification.objects.filter(recipient=agent).count() == 1


def test_mark_read_and_mark_all_read(org, agent, admin):
    first, second = send(org, [agent]), send(org, [agent])
    mine_of_admin = send(org, [admin])[0]
    service.notification_mark_read(membership=agent, notification_id=first[0].pk)
    assert Notification.objects.get(pk=first[0].pk).read_at is not None
    with pytest.raises(service.NotificationNotFound):
        service.notification_mark_read(membership=agent, notification_id=mine_of_admin.pk)
    assert service.notifications_mark_all_read(membership=agent) == 1
    assert Notification.objects.get(pk=second[0].pk).read_at is not None
    assert Notification.objects.get(pk=mine_of_admin.pk).read_at is None


def test_a_mention_is_emailed_once_to_an_agent_who_is_away(
    org, agent, admin, django_capture_on_commit_callbacks
):
    agent.availability_status = Availability.AWAY
    agent.save()
    with django_capture_on_commit_callbacks(execute=True):
        created = send(org, [agent], kind=NotificationKind.MENTIONED, body="Can you look?", actor=admin)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [agent.user.email] and "Ana assigned you" in message.subject
    assert "Can you look?" in message.body
    assert service.notification_email_send(notification_id=created[0].pk) is False  # a second run
    assert len(mail.outbox) == 1


def test_a_mention_is_not_emailed_to_an_online_agent_or_one_who_said_no(
    org, agent, admin, django_capture_on_commit_callbacks
):
    agent.availability_status = Availability.ONLINE
    agent.save()
    away = MembershipFactory(organization=org, role=Role.AGENT, availability_status=Availability.OFFLINE)
    NotificationPreference.objects.create(membership=away, email_mentions_when_away=False)
    with django_capture_on_commit_callbacks(execute=True):
        send(org, [agent, away], kind=NotificationKind.MENTIONED, actor=admin)
    assert mail.outbox == []


def test_api_lists_my_notifications_newest_first_with_unread_filter(org, agent, agent_api):
    older, newer = send(org, [agent], title="older")[0], send(org, [agent], title="newer")[0]
    service.notification_mark_read(membership=agent, notification_id=older.pk)

    body = agent_api.get("/api/v1/notifications").json()
    assert body["count"] == 2 and [row["title"] for row in body["results"]] == ["newer", "older"]
    row = body["results"][0]
    assert {"id", "kind", "title", "body", "link", "conversation_uuid", "actor", "read", "created_at"} <= set(
        row
    )
    unread = agent_api.get("/api/v1/notifications?unread=true").json()
    assert [row["id"] for row in unread["results"]] == [newer.pk]
    assert [r["id"] for r in agent_api.get("/api/v1/notifications?unread=false").json()["results"]] == [
        older.pk
    ]
    assert_error_shape(agent_api.get("/api/v1/notifications?unread=maybe"), 400, "invalid")


def test_api_mark_read_and_read_all(org, agent, agent_api):
    first, second = send(org, [agent])[0], send(org, [agent])[0]
    response = agent_api.put(f"/api/v1/notifications/{first.pk}/read")
    assert response.status_code == 200 and response.json()["read"] is True
    assert agent_api.post(f"/api/v1/notifications/{second.pk}/read").status_code == 200
    assert_error_shape(agent_api.put("/api/v1/notifications/99999999999999999999999/read"), 404, "not_found")
    assert_error_shape(agent_api.put("/api/v1/notifications/abc/read"), 404, "not_found")
    send(org, [agent])
    assert agent_api.put("/api/v1/notifications/read-all").json()["marked"] == 1
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()


def test_api_preferences_read_and_change(agent, agent_api):
    assert agent_api.get("/api/v1/notifications/preferences").json()["replied"] is True
    response = agent_api.patch(
        "/api/v1/notifications/preferences", {"replied": False, "sound": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["replied"] is False
    stored = NotificationPreference.objects.get(membership=agent)
    assert stored.sound is True and stored.mentioned is True
    assert_error_shape(
        agent_api.patch("/api/v1/notifications/preferences", {"sound": "loud"}, format="json"), 400
    )


def test_notifications_list_query_count_does_not_grow_with_rows(org, agent, admin, agent_api):
    send(org, [agent], actor=admin)
    agent_api.get("/api/v1/notifications")  # the credential lookup is cached from here on
    with CaptureQueriesContext(connection) as few:
        assert agent_api.get("/api/v1/notifications").status_code == 200
    for _ in range(15):
        send(org, [agent], actor=admin)
    with CaptureQueriesContext(connection) as many:
        assert len(agent_api.get("/api/v1/notifications").json()["results"]) == 16
    assert len(many.captured_queries) == len(few.captured_queries) <= 2  # the count and the page


def test_another_members_or_organizations_notification_is_404_and_unchanged(
    org, other_org, admin, agent, other_admin, agent_api, other_api
):
    colleague = send(org, [admin])[0]
    foreign = send(other_org, [other_admin])[0]
    for target in (colleague, foreign):
        assert_isolated(agent_api, "put", f"/api/v1/notifications/{target.pk}/read")
        assert_isolated(agent_api, "post", f"/api/v1/notifications/{target.pk}/read")
        assert_unchanged(target)
    assert_not_listed(agent_api, "/api/v1/notifications", [colleague.pk, foreign.pk])
    agent_api.put("/api/v1/notifications/read-all")
    assert_unchanged(foreign)
    assert_unchanged(colleague)


def test_ui_bell_menu_list_and_mark_read(org, agent, ui_as):
    created = send(org, [agent], title="Ana assigned you #7 Refund")[0]
    client = ui_as(agent)
    page = client.get("/settings/profile/").content.decode()
    assert "data-bell-count" in page and ">1</span>" in page
    menu = client.get("/notifications/menu/").content.decode()
    assert "Ana assigned you #7 Refund" in menu and "Mark all read" in menu
    listing = client.get("/notifications/?show=unread")
    assert listing.status_code == 200 and "Ana assigned you #7 Refund" in listing.content.decode()
    response = client.post(f"/notifications/{created.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Nothing unread" in client.get("/notifications/?show=unread").content.decode()
    assert client.post("/notifications/123456/read/").status_code == 302  # not found: back to the list


def test_a_notification_reaches_the_agents_open_stream_live(
    org, agent, admin, django_capture_on_commit_callbacks
):
    def notify():
        with django_capture_on_commit_callbacks(execute=True):
            send(org, [agent], actor=admin, title="Ada assigned you #9 Invoice")

    async def scenario():
        reader = await agent_stream(agent, [realtime.agent_topic(agent.pk)])
        await sync_to_async(notify)()
        event = await reader.next_event()
        await reader.close()
        return event

    event = async_to_sync(scenario)()
    assert event["event"] == "notification.created"
    assert event["data"]["title"] == "Ada assigned you #9 Invoice" and event["data"]["unread"] == 1
    assert event["data"]["browser"] is False and event["data"]["sound"] is False


def test_ui_preferences_are_saved(agent, ui_as):
    client = ui_as(agent)
    response = client.post(
        "/notifications/preferences/", {"assigned": "on", "mentioned": "on", "browser": "on"}
    )
    assert response.status_code == 302
    stored = NotificationPreference.objects.get(membership=agent)
    assert stored.assigned and stored.mentioned and stored.browser
    assert not stored.replied and not stored.sla_warning and not stored.sound
