"""PostgreSQL full-text GIN indexes (skipped on other databases, where search falls back to
substring matching) and the per-organization defaults for organizations that already exist."""

from django.db import migrations

# The expressions must be exactly what ``conversations.selectors.search.text_match`` generates
# (Django's SearchVector wraps the column in COALESCE with an untyped '') for the planner to use
# the indexes: a typed ''::text would not match a varchar column's expression.
FULLTEXT_INDEXES = {
    "conv_message_text_fts": ("conversations_message", "text_content"),
    "conv_conversation_subject_fts": ("conversations_conversation", "subject"),
}
BUILTIN_STATUSES = {"Open": "open", "Snoozed": "snoozed", "Resolved": "resolved", "Closed": "closed"}


def create_fulltext_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in FULLTEXT_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (to_tsvector('simple'::regconfig, COALESCE({column}, '')))"
        )


def drop_fulltext_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in FULLTEXT_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_defaults(apps, schema_editor):
    Organization = apps.get_model("helpdesk", "Organization")
    Status = apps.get_model("conversations", "Status")
    Inbox = apps.get_model("conversations", "Inbox")
    for organization in Organization.objects.all():
        for name, category in BUILTIN_STATUSES.items():
            if not Status.objects.filter(organization=organization, is_builtin=True, category=category).exists():
                Status.objects.create(organization=organization, name=name, category=category, is_builtin=True)
        if not Inbox.objects.filter(organization=organization).exists():
            Inbox.objects.create(organization=organization, name="API", channel="api")


class Migration(migrations.Migration):
    dependencies = [("conversations", "0001_initial")]

    operations = [
        migrations.RunPython(create_fulltext_indexes, drop_fulltext_indexes),
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
    ]
