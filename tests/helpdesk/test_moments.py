"""One way to show a moment (issue 10): ``{% when %}`` and ``helpdesk.timefmt`` at their
boundaries with a fixed now, in a non-UTC organization zone, the hover title, the middleware
that activates the organization's zone, and no template left on Django's raw timesince."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from helpdesk import timefmt
from tests.factories import MembershipFactory

NOW = datetime(2026, 3, 4, 20, 0, tzinfo=UTC)  # 01:30 on March 5 in Kolkata
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (timedelta(0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(seconds=-4), "just now"),  # a few seconds ahead: another clock
        (timedelta(seconds=60), "1 min ago"),
        (timedelta(minutes=59, seconds=59), "59 min ago"),
        (timedelta(hours=1), "1 h ago"),
        (timedelta(hours=23, minutes=59), "23 h ago"),
        (timedelta(seconds=-30), "in under a minute"),
        (timedelta(minutes=-5), "in 5 min"),
        (timedelta(hours=-2, minutes=-10), "in 2 h"),
    ],
)
def test_relative_under_a_day(offset, text):
    assert timefmt.moment_text(NOW - offset, now=NOW, tz=UTC) == text


def test_a_day_or_more_is_the_date_and_time():
    assert timefmt.moment_text(NOW - timedelta(days=1), now=NOW, tz=UTC) == "Mar 3, 20:00"
    assert timefmt.moment_text(NOW + timedelta(days=1), now=NOW, tz=UTC) == "Mar 5, 20:00"
    assert timefmt.moment_text(datetime(2025, 12, 31, 9, 5, tzinfo=UTC), now=NOW, tz=UTC) == (
        "Dec 31, 2025, 09:05"
    )


def test_the_date_is_the_organizations_across_midnight():
    moment = datetime(2026, 3, 3, 19, 0, tzinfo=UTC)  # 25 h before NOW; 00:30 on March 4 in Kolkata

    assert timefmt.moment_text(moment, now=NOW, tz=UTC) == "Mar 3, 19:00"
    assert timefmt.moment_text(moment, now=NOW, tz=KOLKATA) == "Mar 4, 00:30"
    assert timefmt.moment_text(moment, "date", now=NOW, tz=KOLKATA) == "Wednesday, March 4"
    assert timefmt.moment_text(moment, "time", now=NOW, tz=KOLKATA) == "00:30"
    # New Year's Eve in UTC is already next year in Kolkata: no year printed there.
    eve = datetime(2025, 12, 31, 20, 0, tzinfo=UTC)
    new_year = datetime(2026, 1, 2, tzinfo=UTC)
    assert timefmt.moment_text(eve, now=new_year, tz=UTC) == "Dec 31, 2025, 20:00"
    assert timefmt.moment_text(eve, now=new_year, tz=KOLKATA) == "Jan 1, 01:30"


def render(source: str, **context) -> str:
    return Template("{% load parley %}" + source).render(Context(context))


def test_the_tag_writes_a_time_element_with_the_full_time_on_hover():
    moment = datetime(2026, 3, 3, 19, 0, 9, tzinfo=UTC)
    with timezone.override(KOLKATA):
        html = render("{% when moment now=now %}", moment=moment, now=NOW)

    assert html == (
        '<time datetime="2026-03-04T00:30:09+05:30" '
        'title="Wednesday, March 4, 2026, 00:30:09 (Asia/Kolkata)" '
        'data-relative="Mar 4, 00:30">Mar 4, 00:30</time>'
    )


def test_the_tag_styles_and_class():
    moment = NOW - timedelta(minutes=5)
    with timezone.override(KOLKATA):
        relative = render('{% when moment css_class="subtle" now=now %}', moment=moment, now=NOW)
        clock = render('{% when moment "time" "msg__time" now=now %}', moment=moment, now=NOW)

    assert relative.startswith('<time class="subtle" datetime="2026-03-05T01:25:00+05:30"')
    assert relative.endswith('data-relative="Mar 5, 01:25">5 min ago</time>')
    assert clock.startswith('<time class="msg__time" ') and clock.endswith(">01:25</time>")
    assert "data-relative" not in clock  # an absolute time is not refreshed


@pytest.mark.parametrize("value", [None, "", "yesterday", 5])
def test_no_moment_renders_nothing(value):
    assert render("{% when value %}", value=value) == ""


def test_user_text_cannot_break_out_of_the_class_attribute():
    html = render("{% when moment css_class=cls now=now %}", moment=NOW, now=NOW, cls='x" onclick="y')
    assert 'onclick="y"' not in html and "x&quot; onclick=&quot;y" in html


# --- the organization's zone on every page ---------------------------------------------------------


def test_pages_show_times_in_the_organizations_zone(ui_as, org, admin):
    org.timezone = "Asia/Kolkata"
    org.save(update_fields=["timezone"])
    agent = MembershipFactory(organization=org, user__email="late@acme.test")
    type(agent).objects.filter(pk=agent.pk).update(last_active_at=datetime(2026, 3, 3, 19, 0, tzinfo=UTC))

    page = ui_as(admin).get(reverse("settings:agents")).content.decode()

    assert 'datetime="2026-03-04T00:30:00+05:30"' in page
    assert "(Asia/Kolkata)" in page


def test_the_api_answers_in_utc_whatever_the_organization(org, admin_api):
    org.timezone = "Asia/Kolkata"
    org.save(update_fields=["timezone"])

    body = admin_api.get("/api/v1/account/settings").json()

    assert body["created_at"].endswith("Z") or body["created_at"].endswith("+00:00")


def test_the_snooze_toast_names_the_organizations_zone(ui_as, org, agent):
    from tests.conversations.factories import make_conversation

    org.timezone = "Asia/Kolkata"
    org.save(update_fields=["timezone"])
    conversation = make_conversation(org, email="ada@example.com", subject="Later")

    response = ui_as(agent).post(
        reverse("conversations:snooze", args=[conversation.uuid]),
        {"duration": "3h"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    conversation.refresh_from_db()
    body = response.content.decode() + response.get("HX-Trigger", "")
    assert f"Snoozed until {timefmt.full_text(conversation.snoozed_until, KOLKATA)}" in body
    assert "(Asia/Kolkata)" in body
    assert " UTC" not in response.get("HX-Trigger", "")


# --- templates use the one tag ---------------------------------------------------------------------

RAW = re.compile(r"\|\s*(timesince|timeuntil|naturaltime)\b|\{%\s*(reltime|localtime_tag)\b|\|\s*ago\b")


def test_templates_use_the_one_tag_only():
    roots = [Path(directory) for directory in settings.TEMPLATES[0]["DIRS"]]
    offenders = [
        f"{path}:{number}"
        for root in roots
        for path in root.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if RAW.search(line)
    ]
    assert roots and offenders == []


def test_the_refresher_of_parley_js_has_the_same_words():
    source = (Path(settings.BASE_DIR) / "static" / "js" / "parley.js").read_text()
    for words in ('"just now"', '" min ago"', '" h ago"', '"in under a minute"', '" min"', '" h"'):
        assert words in source
    conversations = (Path(settings.BASE_DIR) / "static" / "js" / "conversations.js").read_text()
    assert 'querySelectorAll("time[data-relative]")' not in conversations  # one refresher
