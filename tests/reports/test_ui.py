"""The Reports pages: tabs over the same filters, charts with their data tables, CSV downloads,
empty states, admins only, and "write the answer" from the Bot tab."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chatbots.models import ChatMessage
from tests.reports.builders import bot_answer, opened


@pytest.fixture(autouse=True)
def fixed_vectors(monkeypatch):
    from knowledge import embeddings

    monkeypatch.setattr(embeddings, "embed_texts", lambda texts: [[1.0, 0.0] for _ in texts])


@pytest.mark.parametrize(
    "path",
    [
        "/reports/",
        "/reports/agents/",
        "/reports/teams/",
        "/reports/inboxes/",
        "/reports/tags/",
        "/reports/bot/",
    ],
)
def test_agents_cannot_open_reports(ui_as, agent, path):
    assert ui_as(agent).get(path).status_code == 403


def test_overview_shows_charts_with_data_tables(ui_as, admin, org):
    opened(org)

    page = ui_as(admin).get("/reports/?preset=7d")

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('<svg class="chart"') == 2  # volume and heat-map (no CSAT yet: its empty state)
    assert "Conversations opened and resolved per day" in html
    assert "<title>" in html and "Data table" in html
    assert "/reports/export/overview/series.csv?preset=7d" in html
    assert "No CSAT surveys in this period" in html


def test_empty_overview_says_what_to_do(ui_as, admin):
    html = ui_as(admin).get("/reports/").content.decode()

    assert "No conversations in this period" in html
    assert "Pick a longer range" in html


def test_a_bad_date_is_reported_and_the_defaults_shown(ui_as, admin):
    page = ui_as(admin).get("/reports/?from=2026-02-30&to=2026-03-01")

    assert page.status_code == 200
    assert "from must be a date" in page.content.decode()


def test_csv_download(ui_as, admin, org):
    opened(org)

    response = ui_as(admin).get("/reports/export/agents/agents.csv?preset=30d")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[0].startswith("Agent,Email,Opened")


def test_unknown_export_is_404(ui_as, admin):
    assert ui_as(admin).get("/reports/export/agents/secrets.csv").status_code == 404


def test_people_tables_sort(ui_as, admin, org):
    html = ui_as(admin).get("/reports/agents/?order_by=-opened").content.decode()

    assert 'aria-sort="descending"' in html
    assert "admin@acme.test" in html


def test_inboxes_and_tags_tabs(ui_as, admin, org):
    opened(org, tags=["billing", "refund"])
    opened(org, tags=["billing"])
    client = ui_as(admin)

    inboxes = client.get("/reports/inboxes/?preset=7d&order_by=-opened").content.decode()
    tags = client.get("/reports/tags/?preset=7d&order_by=name").content.decode()

    assert 'href="/reports/inboxes/?preset=7d"' in tags and 'href="/reports/tags/?preset=7d"' in inboxes
    assert 'aria-sort="descending"' in inboxes and 'aria-sort="ascending"' in tags
    assert "/reports/export/inboxes/inboxes.csv?preset=7d" in inboxes
    assert "/reports/export/tags/tags.csv?preset=7d" in tags
    assert "Conversations resolved per inbox" not in inboxes  # nothing resolved: no chart
    assert ">billing<" in tags and ">refund<" in tags and "counts under each of its tags" in tags
    csv = client.get("/reports/export/tags/tags.csv?preset=7d").content.decode().splitlines()
    assert (
        csv[0].startswith("Tag,Opened") and csv[1].startswith("billing,2,") and csv[2].startswith("refund,1,")
    )


def test_tags_tab_without_tags_or_conversations_says_what_to_do(ui_as, admin):
    html = ui_as(admin).get("/reports/tags/").content.decode()

    assert "No tags yet" in html and "Tag conversations from the conversation page" in html


def test_write_the_answer_from_the_bot_tab(ui_as, admin, org):
    conversation = opened(org)
    answer = bot_answer(
        conversation, at=timezone.now() - timedelta(minutes=5), mode="fallback", question="Refunds?"
    )
    client = ui_as(admin)
    assert "Refunds?" in client.get("/reports/bot/").content.decode()

    response = client.post(
        "/reports/bot/answer/",
        {
            "answer_ids": [answer.pk],
            "question": "Refunds?",
            "answer": "Within 30 days.",
            "next": "/reports/bot/",
        },
    )

    assert response.status_code == 302
    assert ChatMessage.objects.get(pk=answer.pk).verified_item.content == "Within 30 days."
    assert "No unanswered questions" in client.get("/reports/bot/").content.decode()
