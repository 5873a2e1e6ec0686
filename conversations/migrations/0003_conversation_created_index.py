import django.utils.timezone
from django.db import migrations, models

# Same expressions as 0002 (which first built them with ''::text, an expression the planner never
# matched for the varchar subject): rebuilt here so every PostgreSQL database gets the right ones.
FULLTEXT_INDEXES = {
    "conv_message_text_fts": ("conversations_message", "text_content"),
    "conv_conversation_subject_fts": ("conversations_conversation", "subject"),
}


def rebuild_fulltext_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in FULLTEXT_INDEXES.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(
            f"CREATE INDEX {name} ON {table} USING gin (to_tsvector('simple'::regconfig, COALESCE({column}, '')))"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0002_fulltext_indexes_and_defaults"),
        ("helpdesk", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="conversation",
            name="last_message_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(fields=["organization", "-created_at"], name="conv_org_created"),
        ),
        migrations.RunPython(rebuild_fulltext_indexes, migrations.RunPython.noop),
    ]
