from rest_framework import pagination
from rest_framework.response import Response


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=&per_page=`` (alias ``page_size``) → {count, page, per_page, total_pages, results}."""

    page_size = 20
    page_size_query_param = "per_page"
    max_page_size = 200

    def get_page_size(self, request):
        if self.page_size_query_param not in request.query_params and "page_size" in request.query_params:
            try:
                return min(max(int(request.query_params["page_size"]), 1), self.max_page_size)
            except (TypeError, ValueError):
                return self.page_size
        return super().get_page_size(request)

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
