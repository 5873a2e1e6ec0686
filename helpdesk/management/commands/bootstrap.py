"""Create the first organization and its owner, once. Prints the credentials it created.

Idempotent: when an organization exists already it says so and changes nothing."""
import secrets

from django.core.management.base import BaseCommand
from django.db import transaction

from helpdesk.models import Organization, Plan
from helpdesk.services import accounts


class Command(BaseCommand):
    help = "Create the first organization and admin account if none exists (prints the credentials)."

    def add_arguments(self, parser):
        parser.add_argument("--organization", default="My Helpdesk")
        parser.add_argument("--email", default="admin@example.com")
        parser.add_argument("--password", default=None, help="Default: a random one, printed once.")

    def handle(self, *args, organization, email, password, **options):
        if Organization.objects.exists():
            self.stdout.write("An organization exists already: nothing to create.")
            return
        password = password or secrets.token_urlsafe(9)
        with transaction.atomic():
            org, membership = accounts.organization_create(
                name=organization, owner_email=email, owner_password=password, plan=Plan.SELF_HOSTED,
                owner_first_name="Admin",
            )
            membership.user.is_staff = True
            membership.user.is_superuser = True
            membership.user.save(update_fields=["is_staff", "is_superuser"])
        line = "=" * 64
        self.stdout.write(self.style.SUCCESS(
            f"\n{line}\n Parley is ready. Sign in with:\n   email:    {email}\n   password: {password}\n"
            f" (organization '{org.name}', role owner, also a Django admin superuser)\n{line}\n"
        ))
