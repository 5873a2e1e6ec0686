"""The last route under ``/api/``: any path no other route answers is a 404 in the error shape,
whatever the method and whatever ``DEBUG`` says (Django's own 404 page is HTML)."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.views import APIView

from helpdesk.api.permissions import AllowPublic


@extend_schema(exclude=True)
class UnknownApiPathView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowPublic]
    throttle_classes: list = []

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound("Not found.")
