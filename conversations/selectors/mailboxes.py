"""The mailboxes of an organization's email inboxes (admins' settings)."""

from django.db.models import QuerySet

from conversations.models import Mailbox
from helpdesk.models import Organization


def mailbox_list(*, organization: Organization) -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(organization=organization).select_related("inbox").order_by("id")
