"""``mailboxes``: the IMAP mailbox and SMTP server of each email inbox (admins only). Passwords
are write-only; ``test-connection`` signs in to both servers and says how it went, also at
``inboxes/{id}/test-connection`` (API.md)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations.api.serializers.mailboxes import (
    ConnectionTestSerializer,
    MailboxSerializer,
    MailboxUpdateSerializer,
)
from conversations.channels import imap
from conversations.errors import ConversationError, NotFound
from conversations.models import Channel, Mailbox
from conversations.selectors import catalog
from conversations.selectors.mailboxes import mailbox_list
from conversations.services import mailboxes
from helpdesk import mail
from helpdesk.api.viewsets import OrganizationScopedViewSet, TenantMixin
from helpdesk.errors import DomainError
from helpdesk.models import Role


def _saved(mailbox: Mailbox) -> Mailbox:
    return Mailbox.objects.select_related("inbox").get(pk=mailbox.pk)


def connection_test(mailbox: Mailbox) -> dict:
    """Both servers tried, each answering ``ok`` or ``error`` with the reason in words."""
    result = {}
    for name, test, errors in (
        ("imap", mailboxes.mailbox_test_connection, (imap.MailboxUnavailable, DomainError)),
        ("smtp", mailboxes.mailbox_test_smtp, (mail.MailUnavailable, DomainError)),
    ):
        try:
            result[f"{name}_detail"], result[name] = test(mailbox=mailbox), "ok"
        except errors as error:
            result[f"{name}_detail"], result[name] = error.message, "error"
    result["detail"] = f"IMAP: {result['imap_detail']} SMTP: {result['smtp_detail']}"
    return result


@extend_schema(tags=["Mailboxes"])
class MailboxViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """The mailbox of an email inbox: ``imap`` (host, port, security, username, password
    write-only, folder, after_import, move_to_folder, poll_interval_seconds, enabled), ``smtp``
    (blank host: the server-wide mail settings), ``bot_mode`` and the last ``poll``. Changing the
    server, user or folder reads the folder again from its start (mail imported already is
    recognised by its Message-ID). Deleting it stops the import; conversations stay."""

    serializer_class = MailboxSerializer
    required_role = Role.ADMIN
    filterset_fields = ["bot_mode"]
    ordering_fields = ["id", "created_at"]

    def scoped_queryset(self, organization):
        return mailbox_list(organization=organization)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return MailboxUpdateSerializer
        return MailboxSerializer

    def _email_inbox(self, inbox_id):
        inbox = catalog.inbox_list(organization=self.organization).filter(pk=inbox_id).first()
        if inbox is None:
            raise NotFound("Inbox not found.", field="inbox_id")
        if inbox.channel != Channel.EMAIL:
            raise ConversationError("Only an email inbox has a mailbox.", field="inbox_id")
        return inbox

    def create(self, request):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        inbox = self._email_inbox(values.pop("inbox_id"))
        if mailboxes.mailbox_for(inbox) is not None:
            raise ConversationError(
                "This inbox has a mailbox already: change it instead.", field="inbox_id", code="conflict"
            )
        mailbox = mailboxes.mailbox_save(inbox=inbox, **values)
        return Response(MailboxSerializer(_saved(mailbox)).data, status=http.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        mailbox = self.get_object()
        data = self.get_serializer(mailbox, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {**mailboxes.mailbox_settings(mailbox), "password": None, **data.validated_data}
        mailbox = mailboxes.mailbox_save(inbox=mailbox.inbox, **values)
        return Response(MailboxSerializer(_saved(mailbox)).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    def destroy(self, request, pk=None):
        mailboxes.mailbox_delete(mailbox=self.get_object())
        return Response(status=http.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=ConnectionTestSerializer)
    @action(detail=True, methods=["post"], url_path="test-connection")
    def test_connection(self, request, pk=None):
        return Response(connection_test(self.get_object()))


@extend_schema(tags=["Inboxes"], request=None, responses=ConnectionTestSerializer)
class InboxConnectionTestView(TenantMixin, APIView):
    """Test the IMAP and SMTP servers of an email inbox's mailbox (admins)."""

    required_role = Role.ADMIN

    def post(self, request, pk):
        inbox = catalog.inbox_list(organization=self.organization).filter(pk=pk).first()
        if inbox is None:
            raise NotFound("Inbox not found.")
        if inbox.channel != Channel.EMAIL:
            raise ConversationError("Only an email inbox has a mailbox.", field="channel")
        mailbox = mailboxes.mailbox_for(inbox)
        if mailbox is None:
            raise ConversationError(
                "Connect the inbox's mailbox first (POST mailboxes).", field="mailbox", code="conflict"
            )
        return Response(connection_test(mailbox))
