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
