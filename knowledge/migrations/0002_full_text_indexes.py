"""GIN indexes for PostgreSQL full-text keyword search (knowledge/keyword.py). The expressions
match the queries exactly so the planner uses them. Other databases use the in-memory BM25 index
and need nothing here."""

from django.db import migrations

INDEXES = {
    "knowledge_chunk_text_fts": (
        "knowledge_chunk",
        "to_tsvector('english', text)",
    ),
    "knowledge_item_text_fts": (
        "knowledge_knowledgeitem",
        "to_tsvector('english', title || ' ' || content)",
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING GIN ({expression})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
