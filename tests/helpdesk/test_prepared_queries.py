"""A prepared row query, compiled once, gives what its queryset gives for any arguments."""

import uuid

import pytest
from django.db import connection
from django.db.models.functions import Lower
from django.test.utils import CaptureQueriesContext

from conversations.models import Conversation
from helpdesk.models import Team
from helpdesk.prepared_queries import PreparedRows
from tests.conversations.factories import make_conversation
from tests.factories import OrganizationFactory


def teams(organization, team):
    return (
        Team.objects.filter(organization_id=organization)
        .exclude(pk=team)
        .order_by("name")
        .values("id", "name", "created_at", lowered=Lower("name"))
    )


@pytest.mark.django_db
def test_rows_equal_the_queryset_for_every_argument():
    prepared = PreparedRows(teams, arguments={"organization": int, "team": int})
    one, two = OrganizationFactory(), OrganizationFactory()
    made = [Team.objects.create(organization=org, name=f"T{n}") for org in (one, two) for n in range(4)]
    for org in (one, two):
        for team in [0, *[t.pk for t in made]]:
            assert prepared.rows(organization=org.pk, team=team) == list(teams(org.pk, team))
            assert prepared.rows(organization=org.pk, team=team, limit=2, offset=1) == list(
                teams(org.pk, team)[1:3]
            )


@pytest.mark.django_db
def test_it_compiles_once_and_runs_one_query():
    prepared = PreparedRows(teams, arguments={"organization": int, "team": int})
    org = OrganizationFactory()
    prepared.rows(organization=org.pk, team=0)
    compiled = prepared.compiled()
    with CaptureQueriesContext(connection) as queries:
        prepared.rows(organization=org.pk, team=0)
    assert prepared.compiled() is compiled and len(queries) == 1


@pytest.mark.django_db
def test_a_uuid_argument():
    def by_uuid(identifier):
        return Conversation.objects.filter(uuid=identifier).values("id")

    conversation = make_conversation(OrganizationFactory())
    prepared = PreparedRows(by_uuid, arguments={"identifier": uuid.UUID})
    assert prepared.rows(identifier=conversation.uuid) == [{"id": conversation.pk}]
    assert prepared.rows(identifier=uuid.uuid4()) == []


def test_an_argument_written_into_the_sql_is_refused():
    def inlined(team):
        return Team.objects.extra(where=[f"id <> {team}"]).values("id")

    with pytest.raises(ValueError, match="inlined"):
        PreparedRows(inlined, arguments={"team": int}).compiled()
