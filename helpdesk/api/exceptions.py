"""One error shape for every failure: {"error": message, "code": machine_code, "fields": {...}}."""

from __future__ import annotations

import logging
import math

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from helpdesk.errors import DomainError, readable

logger = logging.getLogger(__name__)


class ServiceError(exceptions.APIException):
    """A domain refusal with its own status and code, raised by API views from service errors."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, status_code: int | None = None, fields=None):
        super().__init__(message, code or self.default_code)
        if status_code:
            self.status_code = status_code
        self.fields = fields or {}


class Conflict(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def error_body(message: str, code: str, fields: dict | None = None) -> dict:
    return {"error": readable(message), "code": code, "fields": fields or {}}


def _first_message(detail) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        inner = _first_message(value)
        return inner if key == "non_field_errors" else f"{key}: {inner}"
    return str(detail)


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        fields = {exc.field: [exc.message]} if exc.field else {}
        exc = ServiceError(exc.message, code=exc.code, status_code=exc.status_code, fields=fields)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, IntegrityError):
        logger.warning("integrity error turned into 409: %s", exc)
        exc = Conflict("This conflicts with an existing record.", code="conflict")
    elif isinstance(exc, (Http404, ObjectDoesNotExist)):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, OverflowError):  # a number too large for the database slipped through
        logger.warning("number out of range turned into 400: %s", exc)
        exc = exceptions.ValidationError("A number in the request is out of range.")

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.error("unexpected error in API view", exc_info=exc)
        set_rollback()  # with ATOMIC_REQUESTS, a half-done write must not be committed
        return Response(
            error_body("Something went wrong on our side. It has been logged.", "server_error"),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = _flatten(detail) if isinstance(detail, dict) else {}
        if isinstance(detail, dict) and set(detail) == {"non_field_errors"}:
            fields = {}
        body = error_body(_first_message(detail) or "Invalid input.", "invalid", fields)
    else:
        codes = exc.get_codes() if hasattr(exc, "get_codes") else "error"
        code = codes if isinstance(codes, str) else "error"
        body = error_body(_first_message(exc.detail), code, getattr(exc, "fields", None))
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after"] = max(1, math.ceil(exc.wait))
        if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
    response.data = body
    return response


def json_error_view(status_code: int, message: str, code: str):
    def view(request, exception=None, *args, **kwargs):
        return JsonResponse(error_body(message, code), status=status_code)

    return view
