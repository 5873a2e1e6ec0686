"""``GET reports/*``: admins only, clear 400s on bad filters, CSV tables, organization isolation
(another organization's rows are never counted, its ids in a filter answer 404), and a fixed
number of queries whatever the number of conversations or agents."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations.models import Conversation, Tag
from helpdesk.models import Role
from tests.conversations.factories import InboxFactory
from tests.factories import MembershipFactory, TeamFactory
from tests.isolation import assert_error_shape
from tests.reports.builders import bot_answer, facts, opened

REPORTS = ["overview", "agents", "teams", "inboxes", "tags", "bot", "unanswered"]


@pytest.fixture(autouse=True)
def no_embedding_model(monkeypatch):
    from knowledge import embeddings

    monkeypatch.setattr(embeddings, "embed_texts", lambda texts: [[1.0, 0.0] for _ in texts])


@pytest.mark.parametrize("name", REPORTS)
def test_admins_read_every_report(admin_api, org, name):
    opened(org)

    response = admin_api.get(f"/api/v1/reports/{name}?preset=7d")

    assert response.status_code == 200, response.content[:300]
    assert response.json()["filters"]["preset"] == "7d"


@pytest.mark.parametrize("name", REPORTS)
def test_agents_may_not_read_reports(agent_api, name):
    assert_error_shape(agent_api.get(f"/api/v1/reports/{name}"), 403)


@pytest.mark.parametrize(
    "query,field",
    [
        ("from=2026-13-01&to=2026-12-31", "from"),
        ("from=2026-01-10&to=2026-01-01", "to"),
        ("from=2026-01-10", "to"),
        ("from=2020-01-01&to=2026-01-01", "to"),
        ("preset=yesterday", "preset"),
        ("preset=7d&from=2026-01-01&to=2026-01-02", "preset"),
        ("inbox_id=abc", "inbox_id"),
    ],
)
def test_bad_filters_answer_400_with_the_field(admin_api, query, field):
    body = assert_error_shape(admin_api.get(f"/api/v1/reports/overview?{query}"), 400)

    assert field in body["fields"], body


def test_csv_of_a_table(admin_api, org):
    opened(org)

    response = admin_api.get("/api/v1/reports/overview?preset=7d&format=csv&table=series")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "Date,Opened,Resolved"
    assert len(lines) == 8
    assert sum(int(line.split(",")[1]) for line in lines[1:]) == 1


def test_csv_of_an_unknown_table_is_400(admin_api):
    response = admin_api.get("/api/v1/reports/agents?format=csv&table=nope")

    assert response.status_code == 400
    assert "Unknown table" in response.content.decode()


@pytest.mark.parametrize(
    "name,header",
    [("inboxes", "Inbox,Channel,Opened,Resolved"), ("tags", "Tag,Opened,Resolved")],
)
def test_csv_of_the_inboxes_and_tags_tables(admin_api, org, name, header):
    opened(org, tags=["billing"])

    response = admin_api.get(f"/api/v1/reports/{name}?preset=7d&format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith(header)
    column = 2 if name == "inboxes" else 1  # Opened: the column after the inbox's channel
    assert sum(int(line.split(",")[column]) for line in lines[1:]) == 1
    if name == "tags":
        assert lines[1:] and lines[1].startswith("billing,1,")


def test_custom_range_with_since_and_until(admin_api):
    response = admin_api.get("/api/v1/reports/teams?since=2026-01-01&until=2026-01-31")

    assert response.json()["filters"]["from"] == "2026-01-01"
    assert response.json()["filters"]["preset"] == "custom"


@pytest.fixture
def globex(other_org, other_admin):
    """Globex's busy week: conversations, a bot answer, a team, an agent, an inbox and a tag."""
    team = TeamFactory(organization=other_org, name="Globex team")
    inbox = InboxFactory(organization=other_org)
    for _ in range(3):
        conversation = opened(other_org, tags=["globex"])
        Conversation.objects.filter(pk=conversation.pk).update(
            assigned_team=team, assigned_agent=other_admin, inbox=inbox
        )
        facts(conversation)
    bot_answer(
        conversation, at=timezone.now() - timedelta(minutes=1), mode="fallback", question="Globex secret?"
    )
    return {
        "team": team,
        "agent": other_admin,
        "inbox": inbox,
        "tag": Tag.objects.get(organization=other_org, name="globex"),
    }


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize(
    "param,target", [("inbox_id", "inbox"), ("team_id", "team"), ("agent_id", "agent"), ("tag", "tag")]
)
def test_another_organizations_ids_in_a_filter_are_404(admin_api, globex, name, param, target):
    value = globex[target].name if param == "tag" else globex[target].pk

    assert_error_shape(admin_api.get(f"/api/v1/reports/{name}?{param}={value}"), 404, "not_found")


def test_another_organizations_rows_are_never_counted(admin_api, org, globex):
    opened(org)

    overview = admin_api.get("/api/v1/reports/overview?preset=7d").json()
    agents = admin_api.get("/api/v1/reports/agents?preset=7d").json()["results"]
    teams = admin_api.get("/api/v1/reports/teams?preset=7d").json()["results"]
    inboxes = admin_api.get("/api/v1/reports/inboxes?preset=7d").json()["results"]
    tags = admin_api.get("/api/v1/reports/tags?preset=7d").json()["results"]
    bot = admin_api.get("/api/v1/reports/bot?preset=7d").json()
    unanswered = admin_api.get("/api/v1/reports/unanswered?preset=7d").json()

    assert overview["figures"]["opened"] == 1
    assert globex["agent"].pk not in {row["agent_id"] for row in agents}
    assert globex["team"].pk not in {row["team_id"] for row in teams}
    assert sum(row["opened"] for row in teams) == 1
    assert globex["inbox"].pk not in {row["inbox_id"] for row in inboxes}
    assert sum(row["opened"] for row in inboxes) == 1
    assert "globex" not in {row["name"] for row in tags}
    assert [(row["name"], row["opened"]) for row in tags] == [("No tag", 1)]
    assert bot["conversations"]["handled"] == 0 and bot["answers"]["count"] == 0
    assert unanswered["groups"] == []


def test_write_the_answer_through_the_api(admin_api, org, globex):
    conversation = opened(org)
    answer = bot_answer(conversation, at=timezone.now(), mode="fallback", question="Reset password?")

    foreign_answer = admin_api.post(
        "/api/v1/reports/unanswered/answer",
        {"answer_ids": [answer.pk + 1000], "question": "q", "answer": "a"},
        format="json",
    )
    created = admin_api.post(
        "/api/v1/reports/unanswered/answer",
        {"answer_ids": [answer.pk], "question": "Reset password?", "answer": "Use the link."},
        format="json",
    )

    assert_error_shape(foreign_answer, 404, "not_found")
    assert created.status_code == 201, created.content
    assert created.json()["verified"] is True
    assert admin_api.get("/api/v1/reports/unanswered?preset=7d").json()["groups"] == []


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["overview", "agents", "teams", "inboxes", "tags", "bot"])
def test_a_report_costs_the_same_queries_for_more_rows(admin_api, org, name):
    def add_rows():
        team = TeamFactory(organization=org)
        member = MembershipFactory(organization=org, role=Role.AGENT)
        conversation = opened(org, tags=[f"tag-{member.pk}", "shared"])
        Conversation.objects.filter(pk=conversation.pk).update(
            assigned_team=team, assigned_agent=member, inbox=InboxFactory(organization=org)
        )
        bot_answer(conversation, at=timezone.now(), rating=1)

    add_rows()
    url = f"/api/v1/reports/{name}?preset=30d"
    _queries(admin_api, url)  # warm the credential cache
    few = _queries(admin_api, url)
    for _ in range(4):
        add_rows()

    assert _queries(admin_api, url) == few
