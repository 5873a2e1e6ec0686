"""``manage.py reports_facts_rebuild [--organization SLUG ...] [--missing]``: recompute the
reports' rollup (one row per conversation) for existing data, after a migration (``--missing``:
only the conversations without a row, cheap to run at each release), or after business hours
changed (all rows: their durations are business time)."""

from django.core.management.base import BaseCommand, CommandError

from helpdesk.models import Organization
from reports.facts import conversation_facts_rebuild


class Command(BaseCommand):
    help = "Recompute the report facts of every conversation (or of the given organizations)."

    def add_arguments(self, parser):
        parser.add_argument("--organization", action="append", metavar="SLUG", help="repeatable")
        parser.add_argument("--missing", action="store_true", help="only conversations without a row")

    def handle(self, *args, **options):
        organization_ids = None
        if options["organization"]:
            slugs = options["organization"]
            found = dict(Organization.objects.filter(slug__in=slugs).values_list("slug", "pk"))
            missing = sorted(set(slugs) - set(found))
            if missing:
                raise CommandError(f"Unknown organization: {', '.join(missing)}")
            organization_ids = list(found.values())

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"{done:,} of {total:,} conversations")

        written = conversation_facts_rebuild(
            organization_ids=organization_ids, missing_only=options["missing"], progress=progress
        )
        self.stdout.write(self.style.SUCCESS(f"Report facts rebuilt: {written:,} conversations."))
