"""Attachment downloads for the agent UI, scoped to the member's organization. Only raster images
the upload check marked safe, and that decode, are shown inline; everything else (SVG included) downloads."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from conversations.selectors import catalog
from conversations.services.attachments import attachment_presentation
from helpdesk.models import Role
from helpdesk.views.access import member_view


@require_GET
@member_view(view_role=Role.AGENT)
def attachment_download(request, tenant, uuid):
    attachment = catalog.attachment_list(organization=tenant.organization).filter(uuid=uuid).first()
    if attachment is None:
        raise Http404("No such attachment.")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.")
    inline, _ = attachment_presentation(attachment=attachment, stream=handle)
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
