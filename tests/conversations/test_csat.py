"""CSAT: asked once per resolution (re-open and re-resolve ask again, a disabled inbox asks
nothing), answered once by the widget visitor or the signed link, read by agents; the public
page; the agent's and contact's pages show the rating."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from conversations.models import Conversation, CsatSurvey, Message
from conversations.services import csat as csat_services
from conversations.services.csat import csat_answer, csat_link, csat_link_token
from conversations.services.inboxes import inbox_create, inbox_update
from conversations.services.lifecycle import conversation_reopen, conversation_set_status
from helpdesk.models import RealtimeEvent
from tests.conversations.conftest import SITE
from tests.conversations.factories import make_conversation
from tests.conversations.test_widget_api import start
from tests.isolation import assert_error_shape, assert_isolated, assert_unchanged, snapshot


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def widget_chat(public, domain):
    body = start(public, domain)
    return Conversation.objects.get(pk=body["id"]), body["visitor_token"]


def resolve(conversation, actor=None):
    return conversation_set_status(conversation=conversation, status="Resolved", actor=actor)


def answer_url(conversation, domain=None):
    url = f"/api/v1/conversations/{conversation.uuid}/csat"
    return f"{url}?website_token={domain.website_token}" if domain else url


def visitor_post(public, conversation, token, body, domain=None):
    return public.post(
        answer_url(conversation, domain), body, format="json", HTTP_X_VISITOR_TOKEN=token, HTTP_ORIGIN=SITE
    )


# ---------- asking ----------


def test_a_web_inbox_asks_on_resolve_once_and_again_after_a_reopen(
    widget_chat, admin, django_capture_on_commit_callbacks
):
    conversation, _ = widget_chat
    assert conversation.inbox.csat_enabled  # web inboxes ask by default

    with django_capture_on_commit_callbacks(execute=True):
        resolve(conversation, admin)
    survey = CsatSurvey.objects.get(conversation=conversation)
    assert (survey.resolution_seq, survey.channel, survey.rating, survey.contact_id) == (
        1,
        "web",
        None,
        conversation.contact_id,
    )
    conversation.refresh_from_db()
    assert conversation.resolution_count == 1
    event = RealtimeEvent.objects.filter(event="csat.requested").get()
    assert event.data["id"] == survey.pk and event.data["conversation_uuid"] == str(conversation.uuid)
    assert f"conversation:{conversation.uuid}" in event.topics

    # moving between resolved-category statuses or saving again does not ask twice
    resolve(conversation, admin)
    assert CsatSurvey.objects.filter(conversation=conversation).count() == 1

    conversation_reopen(conversation=conversation, actor=admin, reason="The customer wrote again")
    resolve(conversation, admin)
    assert list(
        CsatSurvey.objects.filter(conversation=conversation)
        .order_by("resolution_seq")
        .values_list("resolution_seq", flat=True)
    ) == [1, 2]
    conversation.refresh_from_db()
    assert conversation.resolution_count == 2


def test_a_disabled_inbox_counts_the_resolution_but_asks_nothing(
    widget_chat, admin, django_capture_on_commit_callbacks
):
    conversation, _ = widget_chat
    inbox_update(inbox=conversation.inbox, csat_enabled=False)
    conversation.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        resolve(conversation, admin)

    assert not CsatSurvey.objects.exists()
    assert not RealtimeEvent.objects.filter(event="csat.requested").exists()
    conversation.refresh_from_db()
    assert conversation.resolution_count == 1


def test_api_inboxes_do_not_ask_by_default_and_email_inboxes_do(org, admin):
    conversation = make_conversation(org)  # the default api inbox
    resolve(conversation, admin)
    assert not CsatSurvey.objects.exists()

    email_inbox = inbox_create(organization=org, name="Support mail", channel="email", email="help@acme.test")
    assert email_inbox.csat_enabled
    mailed = make_conversation(org, inbox=email_inbox)
    resolve(mailed, admin)
    assert CsatSurvey.objects.get(conversation=mailed).channel == "email"


def test_a_stale_counter_never_asks_the_same_resolution_twice(widget_chat, admin):
    conversation, _ = widget_chat
    resolve(conversation, admin)
    Conversation.objects.filter(pk=conversation.pk).update(resolution_count=0)  # a stale copy was saved
    conversation = Conversation.objects.get(pk=conversation.pk)
    conversation_reopen(conversation=conversation, actor=admin, reason="again")

    resolve(conversation, admin)

    assert sorted(CsatSurvey.objects.values_list("resolution_seq", flat=True)) == [1, 2]


# ---------- answering in the widget ----------


def test_the_visitor_answers_once_and_the_agents_see_it(
    public, domain, widget_chat, admin, django_capture_on_commit_callbacks
):
    conversation, token = widget_chat
    resolve(conversation, admin)
    pending = public.get(
        f"/api/v1/widget/conversations?website_token={domain.website_token}&conversation_id={conversation.pk}",
        HTTP_X_VISITOR_TOKEN=token,
        HTTP_ORIGIN=SITE,
    )
    assert pending.status_code == 200
    survey = CsatSurvey.objects.get()
    assert (
        pending.json()["csat"]["id"] == survey.pk and pending.json()["csat"]["question"] == "How did we do?"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = visitor_post(
            public, conversation, token, {"rating": 4, "comment": "  Quick and kind.  "}, domain
        )

    assert response.status_code == 200, response.content
    assert response["Access-Control-Allow-Origin"] == SITE
    body = response.json()
    assert (body["rating"], body["comment"], body["status"]) == (4, "Quick and kind.", "answered")
    survey.refresh_from_db()
    assert survey.rating == 4 and survey.answered_at is not None
    activity = Message.objects.filter(conversation=conversation, meta__action="csat_answered").get()
    assert activity.private and "rated the conversation 4/5" in activity.text_content
    assert RealtimeEvent.objects.filter(event="csat.answered").exists()

    before = snapshot(survey)
    again = visitor_post(public, conversation, token, {"rating": 1}, domain)
    assert_error_shape(again, 409, "conflict")
    assert_unchanged(survey, before)
    after = public.get(
        f"/api/v1/widget/conversations?website_token={domain.website_token}&conversation_id={conversation.pk}",
        HTTP_X_VISITOR_TOKEN=token,
    )
    assert after.json()["csat"] is None


@pytest.mark.parametrize("rating", [0, 6, -1, "great", None, 4.5])
def test_a_rating_outside_one_to_five_is_refused(public, domain, widget_chat, admin, rating):
    conversation, token = widget_chat
    resolve(conversation, admin)
    response = visitor_post(public, conversation, token, {"rating": rating}, domain)
    body = assert_error_shape(response, 400)
    assert "rating" in body["fields"]
    assert CsatSurvey.objects.get().answered_at is None


def test_a_comment_too_long_is_refused(public, domain, widget_chat, admin):
    conversation, token = widget_chat
    resolve(conversation, admin)
    response = visitor_post(public, conversation, token, {"rating": 5, "comment": "x" * 2001}, domain)
    assert "comment" in assert_error_shape(response, 400)["fields"]


def test_another_visitor_gets_404_and_changes_nothing(public, domain, widget_chat, admin):
    conversation, _ = widget_chat
    other = start(APIClient(), domain, message="Me too", name="Other", email="other@example.com")
    resolve(conversation, admin)
    survey = CsatSurvey.objects.get()

    response = visitor_post(public, conversation, other["visitor_token"], {"rating": 1}, domain)

    assert_error_shape(response, 404, "not_found")
    assert_unchanged(survey)


def test_bad_visitor_token_missing_credentials_and_unresolved_conversation(
    public, domain, widget_chat, admin
):
    conversation, token = widget_chat
    assert_error_shape(visitor_post(public, conversation, "nope", {"rating": 5}, domain), 401)
    assert_error_shape(public.post(answer_url(conversation), {"rating": 5}, format="json"), 401)
    # not resolved yet: nothing to rate
    assert_error_shape(visitor_post(public, conversation, token, {"rating": 5}, domain), 409, "conflict")


def test_cors_preflight_only_from_the_domains_origins(public, domain, widget_chat):
    conversation, _ = widget_chat
    allowed = public.options(
        answer_url(conversation, domain),
        HTTP_ORIGIN=SITE,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-visitor-token",
    )
    assert allowed.status_code == 204
    assert allowed["Access-Control-Allow-Origin"] == SITE
    assert "X-Visitor-Token" in allowed["Access-Control-Allow-Headers"]
    refused = public.options(answer_url(conversation, domain), HTTP_ORIGIN="https://evil.example")
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused


def test_the_public_answer_is_throttled(public, domain, widget_chat, admin, settings):
    conversation, token = widget_chat
    resolve(conversation, admin)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "widget_address": "2/min",
        },
    }
    cache.clear()  # opening the conversation counted too
    statuses = [
        visitor_post(public, conversation, token, {"rating": 9}, domain).status_code for _ in range(3)
    ]
    assert statuses == [400, 400, 429]


# ---------- answering by the signed link ----------


@pytest.fixture
def emailed(org, admin):
    inbox = inbox_create(organization=org, name="Support mail", channel="email", email="help@acme.test")
    conversation = make_conversation(org, inbox=inbox, email="pat@example.com", subject="Refund")
    resolve(conversation, admin)
    return conversation, CsatSurvey.objects.get(conversation=conversation)


def test_the_link_answers_once_and_cannot_be_reused(public, emailed):
    conversation, survey = emailed
    token = csat_link_token(survey)

    first = public.post(answer_url(conversation), {"rating": 5, "token": token}, format="json")
    assert first.status_code == 200 and first.json()["rating"] == 5

    before = snapshot(survey)
    second = public.post(answer_url(conversation), {"rating": 2, "token": token}, format="json")
    assert_error_shape(second, 409, "conflict")
    assert_unchanged(survey, before)


def test_the_link_cannot_be_used_for_another_conversation(org, admin, public, emailed):
    conversation, survey = emailed
    other = make_conversation(org, inbox=conversation.inbox, email="sam@example.com")
    resolve(other, admin)
    other_survey = CsatSurvey.objects.get(conversation=other)

    response = public.post(answer_url(other), {"rating": 1, "token": csat_link_token(survey)}, format="json")

    assert_error_shape(response, 404, "not_found")
    assert_unchanged(survey)
    assert_unchanged(other_survey)


def test_a_forged_or_tampered_link_is_refused(public, emailed):
    conversation, survey = emailed
    forged = signing.dumps({"s": survey.pk, "c": str(conversation.uuid)}, salt="another.salt")
    tampered = csat_link_token(survey)[:-2] + "xx"
    for token in (forged, tampered, "garbage"):
        response = public.post(answer_url(conversation), {"rating": 5, "token": token}, format="json")
        assert_error_shape(response, 401, "invalid_credentials")
    assert CsatSurvey.objects.get(pk=survey.pk).answered_at is None


def test_an_expired_link_is_refused(public, emailed, monkeypatch):
    conversation, survey = emailed
    token = csat_link_token(survey)
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + timedelta(days=31).total_seconds())

    response = public.post(answer_url(conversation), {"rating": 5, "token": token}, format="json")

    assert_error_shape(response, 401, "link_expired")
    assert CsatSurvey.objects.get(pk=survey.pk).answered_at is None


def test_csat_link_is_absolute_from_the_site_url(emailed, settings):
    _, survey = emailed
    settings.SITE_URL = "https://help.acme.test/"
    link = csat_link(survey)
    assert link.startswith("https://help.acme.test/csat/")
    assert csat_services.csat_survey_for_token(token=link.rsplit("/", 1)[1]).pk == survey.pk


# ---------- the public page ----------


def test_the_public_page_asks_stores_and_thanks(client, emailed):
    conversation, survey = emailed
    url = reverse("conversations:csat", kwargs={"token": csat_link_token(survey)})

    page = client.get(url + "?rating=4")
    assert page.status_code == 200
    html = page.content.decode()
    assert "How did we do?" in html and re.search(r'value="4"[^>]*checked', html)

    refused = client.post(url, {"rating": "9"})
    assert refused.status_code == 400 and "field__error" in refused.content.decode()

    done = client.post(url, {"rating": "4", "comment": "Sorted in a day"})
    assert done.status_code == 302 and done["Location"].endswith("?done=1")
    assert "Thank you!" in client.get(done["Location"]).content.decode()
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (4, "Sorted in a day")

    used = client.get(url)
    assert "has been used already" in used.content.decode()
    again = client.post(url, {"rating": "1"})
    assert again.status_code == 409
    survey.refresh_from_db()
    assert survey.rating == 4


def test_the_public_page_explains_invalid_and_expired_links(client, emailed, monkeypatch):
    _, survey = emailed
    invalid = client.get(reverse("conversations:csat", kwargs={"token": "not-a-token"}))
    assert invalid.status_code == 404 and "This link is not valid" in invalid.content.decode()

    token = csat_link_token(survey)
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + timedelta(days=31).total_seconds())
    expired = client.get(reverse("conversations:csat", kwargs={"token": token}))
    assert expired.status_code == 410 and "This link has expired" in expired.content.decode()


# ---------- agents ----------


def test_agents_read_the_surveys_of_a_conversation(agent_api, emailed):
    conversation, survey = emailed
    csat_answer(survey=survey, rating=3, comment="Fine")

    response = agent_api.get(f"/api/v1/conversations/{conversation.uuid}/csat")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["id"], row["rating"], row["comment"], row["resolution_seq"], row["status"]) == (
        survey.pk,
        3,
        "Fine",
        1,
        "answered",
    )


def test_another_organization_cannot_read_the_surveys(other_api, emailed):
    conversation, _ = emailed
    assert_isolated(other_api, "get", f"/api/v1/conversations/{conversation.uuid}/csat")


def test_the_list_needs_a_credential(public, emailed):
    conversation, _ = emailed
    assert_error_shape(public.get(f"/api/v1/conversations/{conversation.uuid}/csat"), 401)


def test_the_conversation_page_and_the_contact_page_show_the_rating(ui_as, agent, emailed):
    conversation, survey = emailed
    csat_answer(survey=survey, rating=5, comment="Brilliant help")
    client = ui_as(agent)

    page = client.get(reverse("conversations:conversation", kwargs={"uuid": conversation.uuid}))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="cv-csat"' in html and "Rated 5 out of 5" in html and "Brilliant help" in html

    contact = client.get(reverse("conversations:contact", kwargs={"pk": conversation.contact_id}))
    html = contact.content.decode()
    assert (
        "Satisfaction" in html and "Average 5.0 out of 5 from 1 answer." in html and "Brilliant help" in html
    )


def test_the_inbox_settings_toggle_csat(ui_as, admin, org):
    client = ui_as(admin)
    inbox = inbox_create(organization=org, name="Chat", channel="web")
    response = client.post(
        reverse("conversations:settings-inbox", kwargs={"pk": inbox.pk}),
        {"name": "Chat", "channel": "web", "enabled": "on"},
    )
    assert response.status_code == 302
    inbox.refresh_from_db()
    assert inbox.csat_enabled is False


def test_the_admin_lists_surveys_read_only(client, emailed, db):
    from helpdesk.models import User

    _, survey = emailed
    user = User.objects.create_superuser(email="root@parley.test", password="root-password-1")
    client.force_login(user)
    listing = client.get(
        reverse("admin:conversations_csatsurvey_changelist") + "?channel__exact=email&answered_at__isempty=1"
    )
    assert listing.status_code == 200
    detail = client.get(reverse("admin:conversations_csatsurvey_change", args=[survey.pk]))
    assert detail.status_code == 200
    assert client.get(reverse("admin:conversations_csatsurvey_add")).status_code == 403


def test_a_bulk_resolve_asks_each_newly_resolved_conversation_in_a_fixed_number_of_queries(
    public, domain, admin, django_assert_max_num_queries
):
    from conversations.models import Status
    from conversations.services.bulk import conversations_bulk_set_status

    ids = [start(public, domain, message=f"Question {n}", email=f"v{n}@example.com")["id"] for n in range(2)]
    resolved = Status.objects.get(organization=admin.organization, name="Resolved")
    with django_assert_max_num_queries(40) as small:
        conversations_bulk_set_status(actor=admin, conversation_ids=ids, status=resolved)
    small_count = len(small)  # read now: each request of the test client resets the query log
    assert CsatSurvey.objects.filter(conversation_id__in=ids, resolution_seq=1).count() == 2

    more = [start(public, domain, message=f"Other {n}", email=f"w{n}@example.com")["id"] for n in range(6)]
    with django_assert_max_num_queries(small_count):
        conversations_bulk_set_status(actor=admin, conversation_ids=more, status=resolved)
    assert CsatSurvey.objects.filter(conversation_id__in=more).count() == 6
    # already resolved ones are not asked twice
    conversations_bulk_set_status(actor=admin, conversation_ids=ids + more, status=resolved)
    assert CsatSurvey.objects.count() == 8


def test_the_agents_list_costs_a_fixed_number_of_queries(
    agent_api, org, admin, django_assert_max_num_queries
):
    inbox = inbox_create(organization=org, name="Support mail", channel="email", email="help@acme.test")
    conversation = make_conversation(org, inbox=inbox)
    resolve(conversation, admin)
    url = f"/api/v1/conversations/{conversation.uuid}/csat"
    with django_assert_max_num_queries(20) as one:
        assert agent_api.get(url).json()["count"] == 1
    one_count = len(one)  # read now: each request of the test client resets the query log
    for _ in range(4):
        conversation_reopen(conversation=conversation, actor=admin, reason="again")
        resolve(conversation, admin)
    with django_assert_max_num_queries(one_count):
        assert agent_api.get(url).json()["count"] == 5
