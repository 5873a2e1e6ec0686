"""``manage.py reindex``: embed every organization's knowledge again with the configured model.

Run it after changing ``EMBEDDING_BACKEND``/``EMBEDDING_MODEL`` (retrieval also queues it by
itself when it notices the change), or with ``--reparse`` after changing the chunk settings."""

from django.core.management.base import BaseCommand, CommandError

from helpdesk.models import Organization
from knowledge import embeddings
from knowledge.services import organization_queue_reindex, organization_reindex


class Command(BaseCommand):
    help = "Re-embed documents and knowledge-base items into the current embedding model's collections."

    def add_arguments(self, parser):
        parser.add_argument("--organization", help="Slug or id of one organization (default: all).")
        parser.add_argument("--reparse", action="store_true", help="Partition and chunk the files again too.")
        parser.add_argument(
            "--queue", action="store_true", help="Queue on the ingest queue instead of running now."
        )

    def handle(self, *args, organization=None, reparse=False, queue=False, **options):
        organizations = Organization.objects.order_by("pk")
        if organization:
            lookup = {"pk": int(organization)} if organization.isdigit() else {"slug": organization}
            organizations = organizations.filter(**lookup)
            if not organizations.exists():
                raise CommandError(f"No organization {organization!r}.")
        model = embeddings.embedding_model_name()
        for org in organizations:
            if queue:
                operation = organization_queue_reindex(organization=org, reparse=reparse)
                self.stdout.write(f"{org.slug}: queued (operation {operation.pk})")
                continue
            result = organization_reindex(organization=org, reparse=reparse)
            self.stdout.write(
                f"{org.slug}: {result['documents']} documents, {result['chunks']} chunks, "
                f"{result['kb_items']} items with {model}"
                + (
                    f"; dropped {', '.join(result['dropped_collections'])}"
                    if result["dropped_collections"]
                    else ""
                )
            )
