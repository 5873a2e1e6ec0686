"""Error pages: JSON in the API's error shape under /api/, HTML elsewhere."""

from django.http import JsonResponse
from django.shortcuts import render

from helpdesk.api.exceptions import error_body


def _respond(request, status: int, message: str, code: str):
    if request.path.startswith("/api/") or request.path.startswith("/health"):
        return JsonResponse(error_body(message, code), status=status)
    return render(request, "errors/error.html", {"status": status, "message": message}, status=status)


def not_found(request, exception=None):
    return _respond(request, 404, "Not found.", "not_found")


def server_error(request):
    return _respond(request, 500, "Something went wrong on our side. It has been logged.", "server_error")


def forbidden(request, exception=None):
    return _respond(request, 403, "You do not have permission to perform this action.", "permission_denied")


def bad_request(request, exception=None):
    return _respond(request, 400, "Bad request.", "bad_request")
