"""Which keyword side ``auto`` picks (issue 14: never the slower one)."""

from django.db import connection

from knowledge import keyword


def test_auto_picks_the_in_process_bm25_on_every_database(settings):
    settings.KNOWLEDGE_KEYWORD_BACKEND = "auto"
    assert keyword.backend() == "bm25"


def test_postgres_full_text_only_when_asked_for_and_on_postgresql(settings):
    settings.KNOWLEDGE_KEYWORD_BACKEND = "postgres"
    assert keyword.backend() == ("postgres" if connection.vendor == "postgresql" else "bm25")
    settings.KNOWLEDGE_KEYWORD_BACKEND = "bm25"
    assert keyword.backend() == "bm25"
