from rest_framework import pagination
from rest_framework.response import Response


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=&per_page=`` (alias ``page_size``) → {count, page, per_page, total_pages, results}."""

    page_size = 20
    page_size_query_param = "per_page"
    max_page_size = 200

    def get_page_size(self, request):
        """``per_page`` or its alias ``page_size``; capped at 200; anything not a positive
        integer falls back to the default."""
        for param in (self.page_size_query_param, "page_size"):
            if param in request.query_params:
                try:
                    size = int(request.query_params[param])
                except (TypeError, ValueError):
                    return self.page_size
                return min(size, self.max_page_size) if size > 0 else self.page_size
        return self.page_size

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "page": self.page.number,
                "per_page": self.page.paginator.per_page,
                "total_pages": self.page.paginator.num_pages,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "page", "per_page", "total_pages", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "page": {"type": "integer", "example": 1},
                "per_page": {"type": "integer", "example": 20},
                "total_pages": {"type": "integer", "example": 7},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": "Alias of per_page.",
                "schema": {"type": "integer"},
            }
        )
        return parameters
