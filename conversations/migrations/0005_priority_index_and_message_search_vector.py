"""Priority queue index (ordered by last message), and on PostgreSQL a stored ``search_vector``
for messages: filled by a trigger, indexed with GIN. It replaces the expression index of 0002,
whose ``to_tsvector`` had to be recomputed for every row a plan walked (and the planner
underestimates that cost)."""

import django.contrib.postgres.search
from django.db import migrations, models

CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION conversations_message_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector := to_tsvector('simple'::regconfig, COALESCE(NEW.text_content, ''));
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS conversations_message_search_vector ON conversations_message;
CREATE TRIGGER conversations_message_search_vector
    BEFORE INSERT OR UPDATE OF text_content, search_vector ON conversations_message
    FOR EACH ROW EXECUTE FUNCTION conversations_message_search_vector();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS conversations_message_search_vector ON conversations_message;
DROP FUNCTION IF EXISTS conversations_message_search_vector();
"""


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_TRIGGER)
    schema_editor.execute(
        "UPDATE conversations_message SET search_vector = "
        "to_tsvector('simple'::regconfig, COALESCE(text_content, ''))"
    )
    schema_editor.execute("DROP INDEX IF EXISTS conv_message_text_fts")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS conv_message_search_vector ON conversations_message USING gin (search_vector)"
    )


def remove_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS conv_message_search_vector")
    schema_editor.execute(DROP_TRIGGER)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS conv_message_text_fts ON conversations_message "
        "USING gin (to_tsvector('simple'::regconfig, COALESCE(text_content, '')))"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0004_queue_indexes"),
        ("helpdesk", "0002_team_business_hours_sla_policy"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="conversation", name="conv_org_priority"),
        migrations.RemoveIndex(model_name="conversation", name="conv_org_status_priority"),
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(
                fields=["organization", "priority", "-last_message_at"], name="conv_org_priority_last"
            ),
        ),
        migrations.AddField(
            model_name="message",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(add_search_vector, remove_search_vector),
    ]
