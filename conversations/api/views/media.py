"""Uploads (``POST media``) and their organization-scoped, authenticated download."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from conversations.api.serializers.messages import MediaSerializer, MediaUploadSerializer
from conversations.selectors import catalog as selectors
from conversations.services import attachments
from helpdesk.api.viewsets import OrganizationScopedViewSet

# Downloads never run as a page: no scripts, no plugins, no same-origin access (covers SVG and
# HTML even if a browser ignored the attachment disposition).
DOWNLOAD_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@extend_schema(tags=["Media"])
class MediaViewSet(mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    serializer_class = MediaSerializer
    lookup_field = "uuid"
    lookup_value_regex = r"[0-9a-fA-F-]{32,36}"
    parser_classes = [MultiPartParser, FormParser]
    filter_backends: list = []

    def scoped_queryset(self, organization):
        return selectors.attachment_list(organization=organization)

    @extend_schema(
        request={"multipart/form-data": MediaUploadSerializer},
        responses={
            201: MediaSerializer,
            413: OpenApiResponse(description="Larger than MAX_UPLOAD_MB"),
            415: OpenApiResponse(
                description="A type we do not accept, content not matching the name, or an image that does not decode"
            ),
        },
        description="Upload a file (field `files`); attach it to a message by its id.",
    )
    def create(self, request):
        upload = request.FILES.get("files") or request.FILES.get("file")
        attachment = attachments.attachment_upload(
            organization=self.organization, upload=upload, uploaded_by=self.membership
        )
        return Response(MediaSerializer(attachment).data, status=http.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={
            (200, content_type): OpenApiTypes.BINARY
            for content_type in sorted({*attachments.ALLOWED_TYPES, "application/octet-stream"})
        },
        description=(
            "The file. PNG, JPEG, GIF and WebP images that decode are served inline; everything "
            "else (SVG included) as an attachment, always with X-Content-Type-Options: nosniff."
        ),
    )
    @action(detail=True, methods=["get"], url_name="download")
    def download(self, request, uuid=None):
        attachment = self.get_object()
        handle = attachment.file.open("rb")
        inline, content_type = attachments.attachment_presentation(attachment=attachment, stream=handle)
        response = FileResponse(
            handle, as_attachment=not inline, filename=attachment.filename, content_type=content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = DOWNLOAD_CSP
        response["Cache-Control"] = "private, max-age=3600"
        return response

    def perform_content_negotiation(self, request, force=False):
        # Browsers ask for image/* or text/html here; answer errors in JSON whatever they accept.
        return super().perform_content_negotiation(request, force=True)
