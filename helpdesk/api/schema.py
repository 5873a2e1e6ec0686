"""OpenAPI documentation of the credential schemes and path shape (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "helpdesk.api.authentication.ApiKeyAuthentication"
    name = ["bearerAuth", "tokenAuth", "basicAuth"]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": "`Authorization: Bearer <full API key or login token>` (Novumdesk, Nova Chat).",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Authorization: token <api_key>:<api_secret>` (Libredesk agent keys).",
            },
            {
                "type": "http",
                "scheme": "basic",
                "description": "`Authorization: Basic base64(api_key:api_secret)` (Libredesk).",
            },
        ]


class SessionAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "helpdesk.api.authentication.TenantSessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The web UI's session (with CSRF).",
        }


def strip_trailing_slashes(result, generator, request, public):
    """Routes accept both forms; document the seeds' form (no trailing slash)."""
    result["paths"] = {(path.rstrip("/") or "/"): item for path, item in result.get("paths", {}).items()}
    return result


ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape of every failure.",
    "required": ["error", "code", "fields"],
    "properties": {
        "error": {"type": "string", "description": "A sentence for people."},
        "code": {"type": "string", "description": "A machine code (invalid, not_found, conflict…)."},
        "fields": {
            "type": "object",
            "description": "Per-field messages of a 400.",
            "additionalProperties": True,
        },
        "retry_after": {"type": "integer", "description": "Seconds to wait (429 only)."},
    },
}

# Every operation can answer these (bad input, no or wrong credential, a missing permission or
# role, an unknown or another organization's row, the request throttle); writes can also conflict.
COMMON_ERRORS = {
    "400": "Invalid input: see `fields`.",
    "401": "No credential, or one that is not valid.",
    "403": "The credential lacks the permission or role this needs.",
    "404": "Not found (another organization's rows are not found either).",
    "429": "Too many requests: see `retry_after`.",
}
WRITE_ERRORS = {
    "409": "Conflicts with the current state or an existing record.",
    "415": "The request's Content-Type is not one this operation reads.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}
EVENT_STREAM = "text/event-stream"
STREAMED_ERROR = {  # OpenAPI 3.0: the schema of an event stream describes each event
    "type": "object",
    "description": "One `event: error` whose `data` is the error shape as JSON.",
    "required": ["event", "data"],
    "properties": {"event": {"type": "string", "enum": ["error"]}, "data": {"type": "string"}},
}
STREAMED_ANSWER = {
    "type": "object",
    "description": "One `event: done` whose `data` is the JSON answer documented for application/json.",
    "required": ["event", "data"],
    "properties": {"event": {"type": "string", "enum": ["done"]}, "data": {"type": "string"}},
}


def document_error_responses(result, generator, request, public):
    """Add the statuses every operation can answer to each operation that does not document them
    itself (a documented one keeps its own description), and the error shape as the body of
    every error status that names no other."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = {**COMMON_ERRORS, **(WRITE_ERRORS if method in WRITE_METHODS else {})}
            responses = operation["responses"]
            for status_code, description in errors.items():
                responses.setdefault(status_code, {"description": description})
            streams = any(EVENT_STREAM in (response.get("content") or {}) for response in responses.values())
            for status_code, response in responses.items():
                failure = str(status_code).isdigit() and int(status_code) >= 400
                if failure:  # an operation's own 409/413/415/502/503… answers the error shape too
                    response["content"] = response.get("content") or {
                        "application/json": {"schema": reference}
                    }
                content = response.get("content")
                if (
                    streams
                    and content
                    and content.get(EVENT_STREAM) in (None, content.get("application/json"))
                ):
                    # A client that asked for the stream gets any other answer as one event (the
                    # renderer's copy of the JSON schema would describe the event as that JSON).
                    content[EVENT_STREAM] = {"schema": STREAMED_ERROR if failure else STREAMED_ANSWER}
    return result
