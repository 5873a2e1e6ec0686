"""PostgreSQL full-text search on stored ``tsvector`` columns (knowledge/keyword.py).

The expression indexes of 0002 let the planner find matches, but ``ts_rank_cd`` still computed
``to_tsvector`` again for every matching row (0.83 s per search at 100k chunks). A generated
column keeps the vector once per row, written by PostgreSQL on every insert and update, and the
GIN index is on that column. Other databases use the in-memory BM25 index and get nothing here;
the column is unknown to the ORM models (no model field), so inserts never name it."""

from django.db import migrations

COLUMNS = {
    "knowledge_chunk": ("search_vector", "to_tsvector('english', text)", "knowledge_chunk_search_vector"),
    "knowledge_knowledgeitem": (
        "search_vector",
        "to_tsvector('english', title || ' ' || content)",
        "knowledge_item_search_vector",
    ),
}
OLD_INDEXES = {
    "knowledge_chunk_text_fts": ("knowledge_chunk", "to_tsvector('english', text)"),
    "knowledge_item_text_fts": ("knowledge_knowledgeitem", "to_tsvector('english', title || ' ' || content)"),
}


def add_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in OLD_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for table, (column, expression, index) in COLUMNS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING GIN ({column})")
        schema_editor.execute(f"ANALYZE {table}")


def drop_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (column, _, index) in COLUMNS.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {column}")
    for name, (table, expression) in OLD_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING GIN ({expression})")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_full_text_indexes")]

    operations = [migrations.RunPython(add_columns, drop_columns)]
