"""The OpenAPI schema and its docs pages (drf-spectacular)."""

SPECTACULAR_SETTINGS = {
    "TITLE": "Parley API",
    "DESCRIPTION": (
        "REST API of Parley, the self-hosted helpdesk. Every request acts inside the organization of "
        "its credential. Lists are paginated (`page`, `per_page`); errors have one shape "
        '`{"error", "code", "fields"}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "DocumentStatusEnum": "knowledge.models.DocumentStatus",
        "DocumentTrainingStatusEnum": "knowledge.models.TrainingStatus",
        "OperationStatusEnum": "helpdesk.models.operation.OperationStatus",
        "ChatSessionStatusEnum": "chatbots.models.chat.SessionStatus",
        "AnswerModeEnum": "chatbots.models.chat.AnswerMode",
    },
    "DISABLE_ERRORS_AND_WARNINGS": False,
    # Swagger UI and ReDoc are served from the project (drf-spectacular-sidecar), not a CDN: the
    # docs work on an offline server and no page makes a request leaving it.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "helpdesk.api.schema.strip_trailing_slashes",
        "helpdesk.api.schema.document_error_responses",
    ],
}
