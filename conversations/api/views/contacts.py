"""Contacts (+ search, block, notes) and Novumdesk's ``users`` (the same contacts)."""

from django.db import transaction
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from conversations.api.serializers.contacts import (
    BlockSerializer,
    ContactFullSerializer,
    ContactNoteCreateSerializer,
    ContactNoteSerializer,
    ContactUpdateSerializer,
    EndUserSerializer,
)
from conversations.errors import NotFound
from conversations.models import ContactNote
from conversations.selectors import contacts as selectors
from conversations.services import attachments, contacts
from helpdesk.api.viewsets import OrganizationScopedViewSet

QUERY = OpenApiParameter("query", str, required=True, description="At least 3 characters")
NOTE_ID = OpenApiParameter("note_id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema(tags=["Contacts"])
class ContactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    serializer_class = ContactFullSerializer
    lookup_value_regex = r"\d+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["enabled"]
    ordering_fields = ["created_at", "updated_at", "first_name", "email"]

    def scoped_queryset(self, organization):
        return selectors.contact_list(organization=organization)

    @extend_schema(request=ContactUpdateSerializer, responses=ContactFullSerializer)
    def update(self, request, pk=None):
        contact = self.get_object()
        data = ContactUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        upload = values.pop("files", None)
        with transaction.atomic():
            contact = contacts.contact_update(contact=contact, **values)
            if upload is not None:  # stored only once the other changes were accepted
                avatar = attachments.attachment_upload(
                    organization=self.organization,
                    upload=upload,
                    uploaded_by=self.membership,
                    images_only=True,
                )
                avatar_url = reverse("api-media-download", kwargs={"uuid": avatar.uuid})
                contact = contacts.contact_update(contact=contact, avatar_url=avatar_url)
        return Response(ContactFullSerializer(contact).data)

    partial_update = update

    @extend_schema(parameters=[QUERY], responses=ContactFullSerializer(many=True))
    @action(detail=False, methods=["get"], filter_backends=[])
    def search(self, request):
        queryset = selectors.contact_search(
            organization=self.organization, query=request.query_params.get("query")
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ContactFullSerializer(page, many=True).data)

    @extend_schema(request=BlockSerializer, responses=ContactFullSerializer)
    @action(detail=True, methods=["put"])
    def block(self, request, pk=None):
        contact = self.get_object()
        data = BlockSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contacts.contact_set_enabled(contact=contact, enabled=data.validated_data["enabled"])
        return Response(ContactFullSerializer(contact).data)

    @extend_schema(methods=["get"], responses=ContactNoteSerializer(many=True))
    @extend_schema(
        methods=["post"], request=ContactNoteCreateSerializer, responses={201: ContactNoteSerializer}
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def notes(self, request, pk=None):
        contact = self.get_object()
        if request.method == "POST":
            data = ContactNoteCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            note = contacts.contact_note_create(
                contact=contact, author=self.membership, note=data.validated_data["note"]
            )
            note = selectors.contact_notes(contact=contact).get(pk=note.pk)
            return Response(ContactNoteSerializer(note).data, status=http.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.contact_notes(contact=contact))
        return self.get_paginated_response(ContactNoteSerializer(page, many=True).data)

    @extend_schema(parameters=[NOTE_ID], request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"notes/(?P<note_id>\d+)")
    def delete_note(self, request, pk=None, note_id=None):
        contact = self.get_object()
        note = ContactNote.objects.filter(contact=contact, pk=note_id).first()
        if note is None:
            raise NotFound("Note not found.")
        contacts.contact_note_delete(note=note, actor=self.membership)
        return Response(status=http.HTTP_204_NO_CONTENT)


@extend_schema(tags=["Users (Novumdesk)"])
class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Novumdesk's end users: the organization's contacts."""

    serializer_class = EndUserSerializer
    lookup_value_regex = r"\d+"
    filterset_fields = ["enabled", "email"]
    ordering_fields = ["created_at", "updated_at", "email"]

    def scoped_queryset(self, organization):
        return selectors.contact_list(organization=organization)
